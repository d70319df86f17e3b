import { type Rule, TIER } from './define';
import { hardFrom } from './hard';
import { demotedReason, missingForSuppression, missingRungs, SUPPRESSING } from './ladder';
import { DEFAULT_POLICY, type DecisionPolicy, decide, PARTY_OF } from './policy';
import { allMatches, firstMatch } from './rules';
import {
  fillFromReply,
  fillSignals,
  newSignals,
  newVerdictFields,
  type RecipientReply,
  type Reply,
  readReply,
  type Signals,
  sameVerdictFields,
  verdictFields,
  verdictKey,
} from './signals';
import type { Stage } from './structure';
import type { Classification, RecipientBounce } from './types';

export { hardFrom, isHard } from './hard';
export { missingRungs, SUPPRESSING } from './ladder';
export {
  DEFAULT_POLICY,
  type DecisionPolicy,
  type DecisionRule,
  decide,
  formatPolicyTable,
  PARTY_OF,
  type PolicyRow,
  partyOf,
  policyTable,
  resolvePolicy,
  SENDER_DECISIONS,
} from './policy';
export { allMatches, FALLBACK_RULE, firstMatch, RULES, type Rule, TIER, type Tier } from './rules';
export { type Signals, signalsOf, statusKey } from './signals';
export { MASK, maskReply, type Receiver, type Stage, stageOf } from './structure';
export * from './types';

// classify is synchronous and rules keep no reference to the signals, so one scratch object serves
// every call (saves an allocation per recipient on the hot path).
const scratch = newSignals();
const reading: RecipientReply = { reply: undefined as unknown as Reply, self: false };
const fields = newVerdictFields();

/** What the rules make of a recipient's signals, before the decision policy. */
interface Verdict {
  readonly reason: Classification['reason'];
  readonly hard: boolean;
  readonly rule: string;
}

/**
 * Classify one bounced recipient (one entry of SES `bouncedRecipients`, with the bounce's type and
 * subtype). Pure: same input and policy, same answer; no clock, no I/O. `policy` comes from
 * `resolvePolicy(overrides)`.
 *
 * The verdict is a function of the signals, and the signals of the reply plus a few short fields
 * (./signals `verdictKey`), so recipients of one reply with the same fields share it: it is kept
 * on the cached reply. test/classify/self-address.test.ts checks it against a cold reading.
 */
export function classify(input: RecipientBounce, policy: DecisionPolicy = DEFAULT_POLICY): Classification {
  const read = readReply(input, reading);
  const { reply } = read;
  const keep = verdictFields(input, read, fields);
  const verdicts = reply.verdicts as Map<string, Verdict> | undefined;
  let v: Verdict | undefined;
  let key: string | undefined;
  if (keep && verdicts !== undefined) {
    const last = reply.last;
    if (last !== undefined && sameVerdictFields(last.fields, fields)) v = last.verdict as Verdict;
    else {
      key = verdictKey(fields);
      v = verdicts.get(key);
      if (v !== undefined) reply.last = { fields: { ...fields }, verdict: v };
    }
  }
  if (v === undefined) {
    const s = fillFromReply(input, read, scratch);
    const { rule } = decideRule(s);
    v = { reason: rule.reason, hard: hardFrom(rule.reason, s), rule: rule.id };
    if (keep && verdicts !== undefined) {
      // A handful of field combinations per reply in practice; bounded all the same.
      if (verdicts.size >= 64) verdicts.clear();
      verdicts.set(key ?? verdictKey(fields), v);
      reply.last = { fields: { ...fields }, verdict: v };
    }
  }
  const { reason, hard } = v;
  return { reason, hard, party: PARTY_OF[reason], decision: decide(reason, hard, policy), rule: v.rule };
}

/**
 * The winning rule after the evidence ladder (./ladder): a verdict that would suppress (the address
 * or its domain is gone, or the mailbox disabled) stands only if the reply's stage, codes and
 * wording allow it; otherwise the best evidence of any other reason decides, or — when only the
 * code's class or nothing specific is left — the ladder's own reading (`ladder.<reason>.<why>`).
 */
function decideRule(s: Signals): { rule: Rule; demoted: Rule | null; missing: string[] } {
  const rule = firstMatch(s);
  if (!SUPPRESSING.has(rule.reason) || !(rule.reason === 'suspend' || hardFrom(rule.reason, s)))
    return { rule, demoted: null, missing: [] };
  const missing = missingRungs(rule, s);
  if (missing.length === 0) return { rule, demoted: null, missing };
  const other = firstMatch(s, SUPPRESSING);
  // Another reason's specific evidence (a receiver's reply, a phrase, an enhanced code) decides;
  // a bare reply code or SES's subtype says less than the ladder's own reading.
  if (other.tier <= TIER.status) return { rule: other, demoted: rule, missing };
  const { reason, id } = demotedReason(rule, s);
  return { rule: { id, reason, tier: TIER.klass, test: () => false }, demoted: rule, missing };
}

/** A classification with the evidence behind it, for `bounce classify --explain`. */
export interface Explanation extends Classification {
  /**
   * `rule`, then every other rule that matched, best first: they lost to it on specificity, or (the
   * one named in `demoted`) on the evidence ladder.
   */
  matched: string[];
  /** The reply's structure as the rules read it. */
  structure: {
    stage: Stage;
    reply: number;
    status: string;
    receiver: string;
    temporaryCode: boolean;
    codesDisagree: boolean;
    /** The diagnostic text as phrase families read it (addresses, hosts, IPs, URLs, ids masked). */
    text: string;
  };
  /** The suppressing rule the ladder overruled, if any. */
  demoted?: string;
  /** When the verdict does not suppress: what was missing for a suppression (empty when it suppresses). */
  missing: string[];
}

/** `classify`, plus every other rule that matched and what a suppression lacked (slow path). */
export function explain(input: RecipientBounce, policy: DecisionPolicy = DEFAULT_POLICY): Explanation {
  const got = classify(input, policy);
  const s = fillSignals(input, newSignals());
  const { demoted, missing } = decideRule(s);
  const all = allMatches(s).map((r) => r.id);
  const matched = [got.rule, ...all.filter((id) => id !== got.rule)];
  const structure = {
    stage: s.stage,
    reply: s.reply,
    status: s.status,
    receiver: s.receiver,
    temporaryCode: s.temporaryCode,
    codesDisagree: s.codesDisagree,
    text: s.text,
  };
  const suppresses = got.decision === 'suppress' || got.decision === 'suppress-temporarily';
  const lacking = suppresses ? [] : demoted !== null ? missing : missingForSuppression(s);
  return demoted === null
    ? { ...got, matched, structure, missing: lacking }
    : { ...got, matched, structure, demoted: demoted.id, missing: lacking };
}
