/**
 * Measures the classifier against a sisimai-labelled corpus (JSONL, see shared/corpus/README.md).
 * Shared by the corpus test, the bench and ad-hoc scripts (`npx tsx test/classify/corpus-metrics.ts`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classify } from '../../shared/core/classify/index';
import type { Classification, RecipientBounce } from '../../shared/core/classify/types';

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
  expected: { reason: string; hard: boolean };
  got: Classification;
  status: string | null;
  diagnosticCode: string;
}

export interface CorpusMetrics {
  n: number;
  reasonAgreement: number;
  hardAgreement: number;
  perReason: ReasonRecall[];
  disagreements: Disagreement[];
}

const HERE = dirname(fileURLToPath(import.meta.url));

/** `$SISIMAI_CORPUS`, else `<repo>/../shared/corpus/sisimai-dev.jsonl`. */
export function corpusPath(): string {
  return (
    process.env.SISIMAI_CORPUS ?? resolve(HERE, '..', '..', '..', 'shared', 'corpus', 'sisimai-dev.jsonl')
  );
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
  return got.reason === 'userunknown' && got.rule.startsWith('text.userunknown.');
}

export function measure(
  cases: readonly CorpusCase[],
  fn: (input: RecipientBounce) => Classification = (i) => classify(i),
): CorpusMetrics {
  let reasonOk = 0;
  let hardOk = 0;
  const per = new Map<string, ReasonRecall>();
  const disagreements: Disagreement[] = [];
  for (const c of cases) {
    const got = fn(toInput(c));
    const exception = c.expected.reason === 'filtered' && textSaysUnknown(got);
    const rOk = got.reason === c.expected.reason || exception;
    const hOk = got.hard === c.expected.hardbounce || exception;
    if (rOk) reasonOk++;
    if (hOk) hardOk++;
    const row = per.get(c.expected.reason) ?? { reason: c.expected.reason, n: 0, hits: 0, recall: 0 };
    row.n++;
    if (rOk) row.hits++;
    per.set(c.expected.reason, row);
    if (!rOk || !hOk) {
      disagreements.push({
        id: c.id,
        expected: { reason: c.expected.reason, hard: c.expected.hardbounce },
        got,
        status: c.recipient.status ?? null,
        diagnosticCode: c.recipient.diagnosticCode ?? '',
      });
    }
  }
  const perReason = [...per.values()]
    .map((r) => ({ ...r, recall: r.hits / r.n }))
    .sort((a, b) => b.n - a.n || a.reason.localeCompare(b.reason));
  const n = cases.length;
  return {
    n,
    reasonAgreement: n === 0 ? 0 : reasonOk / n,
    hardAgreement: n === 0 ? 0 : hardOk / n,
    perReason,
    disagreements,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function formatReport(m: CorpusMetrics, maxText = 160): string {
  const lines = [
    `corpus: ${m.n} recipients`,
    `reason agreement:    ${pct(m.reasonAgreement)}`,
    `hard/soft agreement: ${pct(m.hardAgreement)}`,
    '',
    'expected reason    n   recall',
    ...m.perReason.map(
      (r) => `${r.reason.padEnd(16)} ${String(r.n).padStart(3)}  ${pct(r.recall).padStart(7)}`,
    ),
    '',
    `disagreements (${m.disagreements.length}):`,
    ...m.disagreements.map(
      (d) =>
        `  ${d.expected.reason}/${d.expected.hard ? 'hard' : 'soft'} → ${d.got.reason}/${d.got.hard ? 'hard' : 'soft'} ` +
        `[${d.got.rule}] status=${d.status ?? '-'} ${JSON.stringify(d.diagnosticCode.slice(0, maxText))}`,
    ),
  ];
  return lines.join('\n');
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(formatReport(measure(loadCorpus())));
}
