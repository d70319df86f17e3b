/**
 * Measures the classifier against a sisimai-labelled corpus (JSONL, see shared/corpus/README.md).
 * Shared by the corpus test, the bench and ad-hoc scripts
 * (`npx tsx test/classify/corpus-metrics.ts [--all] [FILE…]`: every dev file apart, non-synthetic rows).
 *
 * Figures, each against sisimai's label:
 *   reason, hard/soft – as labelled;
 *   action            – what the suppression list does (suppress / count as soft / alert the sender /
 *                       ignore): our decision vs the default policy's decision for sisimai's reason
 *                       and hard flag. `suppress-temporarily` counts as suppress;
 *   party             – ours vs PARTY_OF of sisimai's reason;
 *   false suppressions – we suppress where sisimai's label would not; missed: the other way round.
 * One deliberate exception (README of the corpus): sisimai labels a "user unknown" refused after
 * DATA `filtered`; when our verdict came from the text saying the user is unknown, `userunknown`
 * (hard, suppress) counts as agreeing on every figure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classify, DEFAULT_POLICY, decide, PARTY_OF } from '../../shared/core/classify/index';
import type { Classification, Decision, Reason, RecipientBounce } from '../../shared/core/classify/types';

export interface CorpusCase {
  id: string;
  mta: string;
  recipient: {
    emailAddress?: string;
    action?: string | null;
    status?: string | null;
    diagnosticCode?: string | null;
  };
  remoteMta?: string | null;
  expected: { reason: string; hardbounce: boolean };
  synthetic: boolean;
}

export interface ReasonRecall {
  reason: string;
  n: number;
  hits: number;
  recall: number;
}

export interface Disagreement {
  id: string;
  expected: { reason: string; hard: boolean; action: Action };
  got: Classification;
  action: Action;
  status: string | null;
  diagnosticCode: string;
}

export interface CorpusMetrics {
  n: number;
  reasonAgreement: number;
  hardAgreement: number;
  actionAgreement: number;
  partyAgreement: number;
  /** Count of recipients we suppress where the label would not. */
  falseSuppressions: number;
  /** Count of recipients the label would suppress and we do not. */
  missedSuppressions: number;
  perReason: ReasonRecall[];
  disagreements: Disagreement[];
}

/** What the user gets from a decision. */
export type Action = 'suppress' | 'soft' | 'alert' | 'ignore';

export function actionOf(decision: Decision): Action {
  switch (decision) {
    case 'suppress':
    case 'suppress-temporarily':
      return 'suppress';
    case 'count-soft':
      return 'soft';
    case 'alert-sender':
      return 'alert';
    case 'ignore':
      return 'ignore';
    default:
      return decision satisfies never;
  }
}

const HERE = dirname(fileURLToPath(import.meta.url));
const CORPUS_DIR = resolve(HERE, '..', '..', '..', 'shared', 'corpus');

/** The dev corpora, measured and reported apart. */
export const DEV_FILES = ['sisimai-dev.jsonl', 'bounceparsers-dev.jsonl'] as const;

/** `$SISIMAI_CORPUS`, else `<repo>/../shared/corpus/sisimai-dev.jsonl`. */
export function corpusPath(file: string = DEV_FILES[0]): string {
  if (file === DEV_FILES[0] && process.env.SISIMAI_CORPUS !== undefined) return process.env.SISIMAI_CORPUS;
  return resolve(CORPUS_DIR, file);
}

export function corpusExists(path = corpusPath()): boolean {
  return existsSync(path);
}

export function loadCorpus(path = corpusPath()): CorpusCase[] {
  const out: CorpusCase[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as CorpusCase);
    } catch (err) {
      throw new Error(
        `${path}:${i + 1}: not JSON (${(err as Error).message}): ${JSON.stringify(line.slice(0, 80))}`,
      );
    }
  }
  return out;
}

/** The corpus has no SES bounceType/subType: only the DSN fields and the remote MTA. */
export function toInput(c: CorpusCase): RecipientBounce {
  const r = c.recipient;
  const input: RecipientBounce = {};
  if (typeof r.action === 'string') input.action = r.action;
  if (typeof r.status === 'string') input.status = r.status;
  if (typeof r.diagnosticCode === 'string') input.diagnosticCode = r.diagnosticCode;
  if (typeof c.remoteMta === 'string') input.reportingMTA = c.remoteMta;
  return input;
}

/**
 * The README's exception: sisimai says `filtered` for a "user unknown" refused after DATA; when our
 * verdict came from the text saying the user is unknown, `userunknown` (hard) counts as agreeing.
 */
function textSaysUnknown(got: Classification): boolean {
  return (
    got.reason === 'userunknown' &&
    (got.rule.startsWith('text.userunknown.') || got.rule.startsWith('receiver.userunknown.'))
  );
}

function expectedAction(reason: string, hard: boolean): Action {
  if (!(reason in PARTY_OF)) throw new Error(`corpus: unknown expected reason "${reason}"`);
  return actionOf(decide(reason as Reason, hard, DEFAULT_POLICY));
}

export function measure(
  cases: readonly CorpusCase[],
  fn: (input: RecipientBounce) => Classification = (i) => classify(i),
): CorpusMetrics {
  let reasonOk = 0;
  let hardOk = 0;
  let actionOk = 0;
  let partyOk = 0;
  let falseSuppressions = 0;
  let missedSuppressions = 0;
  const per = new Map<string, ReasonRecall>();
  const disagreements: Disagreement[] = [];
  for (const c of cases) {
    const got = fn(toInput(c));
    const exception = c.expected.reason === 'filtered' && textSaysUnknown(got);
    const want = expectedAction(c.expected.reason, c.expected.hardbounce);
    const action = actionOf(got.decision);
    const rOk = got.reason === c.expected.reason || exception;
    const hOk = got.hard === c.expected.hardbounce || exception;
    const aOk = action === want || exception;
    const pOk = got.party === PARTY_OF[c.expected.reason as Reason] || exception;
    if (rOk) reasonOk++;
    if (hOk) hardOk++;
    if (aOk) actionOk++;
    if (pOk) partyOk++;
    if (!aOk && action === 'suppress') falseSuppressions++;
    if (!aOk && want === 'suppress') missedSuppressions++;
    const row = per.get(c.expected.reason) ?? { reason: c.expected.reason, n: 0, hits: 0, recall: 0 };
    row.n++;
    if (rOk) row.hits++;
    per.set(c.expected.reason, row);
    if (!rOk || !hOk || !aOk) {
      disagreements.push({
        id: c.id,
        expected: { reason: c.expected.reason, hard: c.expected.hardbounce, action: want },
        got,
        action,
        status: c.recipient.status ?? null,
        diagnosticCode: c.recipient.diagnosticCode ?? '',
      });
    }
  }
  const perReason = [...per.values()]
    .map((r) => ({ ...r, recall: r.hits / r.n }))
    .sort((a, b) => b.n - a.n || a.reason.localeCompare(b.reason));
  const n = cases.length;
  const share = (k: number) => (n === 0 ? 0 : k / n);
  return {
    n,
    reasonAgreement: share(reasonOk),
    hardAgreement: share(hardOk),
    actionAgreement: share(actionOk),
    partyAgreement: share(partyOk),
    falseSuppressions,
    missedSuppressions,
    perReason,
    disagreements,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function formatSummary(name: string, m: CorpusMetrics): string {
  return (
    `${name}: n=${m.n} reason ${pct(m.reasonAgreement)}, hard/soft ${pct(m.hardAgreement)}, ` +
    `action ${pct(m.actionAgreement)}, party ${pct(m.partyAgreement)}, ` +
    `false suppressions ${m.falseSuppressions}, missed suppressions ${m.missedSuppressions}`
  );
}

export function formatReport(m: CorpusMetrics, maxText = 160, name = 'corpus'): string {
  const lines = [
    formatSummary(name, m),
    '',
    'expected reason    n   recall',
    ...m.perReason.map(
      (r) => `${r.reason.padEnd(16)} ${String(r.n).padStart(3)}  ${pct(r.recall).padStart(7)}`,
    ),
    '',
    `disagreements (${m.disagreements.length}):`,
    ...m.disagreements.map(
      (d) =>
        `  ${d.expected.reason}/${d.expected.hard ? 'hard' : 'soft'}/${d.expected.action} → ` +
        `${d.got.reason}/${d.got.hard ? 'hard' : 'soft'}/${d.action} ` +
        `[${d.got.rule}] status=${d.status ?? '-'} ${JSON.stringify(d.diagnosticCode.slice(0, maxText))}`,
    ),
  ];
  return lines.join('\n');
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const all = args.includes('--all');
  const quiet = args.includes('--summary');
  const files = args.filter((a) => !a.startsWith('--'));
  for (const path of files.length > 0 ? files : DEV_FILES.map((f) => corpusPath(f))) {
    const cases = loadCorpus(path).filter((c) => all || !c.synthetic);
    const m = measure(cases);
    const name = `${basename(path)}${all ? '' : ' (non-synthetic)'}`;
    console.log(quiet ? formatSummary(name, m) : `${formatReport(m, 200, name)}\n`);
  }
}
