import { hardFrom } from './hard';
import { DEFAULT_POLICY, type DecisionPolicy, decide, PARTY_OF } from './policy';
import { allMatches, firstMatch } from './rules';
import { fillSignals, newSignals } from './signals';
import type { Classification, RecipientBounce } from './types';

export { hardFrom, isHard } from './hard';
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
export * from './types';

// classify is synchronous and rules keep no reference to the signals, so one scratch object serves
// every call (saves an allocation per recipient on the hot path).
const scratch = newSignals();

/**
 * Classify one bounced recipient (one entry of SES `bouncedRecipients`, with the bounce's type and
 * subtype). Pure: same input and policy, same answer; no clock, no I/O. `policy` comes from
 * `resolvePolicy(overrides)`.
 */
export function classify(input: RecipientBounce, policy: DecisionPolicy = DEFAULT_POLICY): Classification {
  const s = fillSignals(input, scratch);
  const rule = firstMatch(s);
  const reason = rule.reason;
  const hard = hardFrom(reason, s);
  return { reason, hard, party: PARTY_OF[reason], decision: decide(reason, hard, policy), rule: rule.id };
}

/** A classification with the evidence behind it, for `bounce classify --explain`. */
export interface Explanation extends Classification {
  /** Every rule that matched, best first: `matched[0]` is `rule`; the rest lost to it on specificity. */
  matched: string[];
}

/** `classify`, plus every other rule that matched (slow path: every rule is tried). */
export function explain(input: RecipientBounce, policy: DecisionPolicy = DEFAULT_POLICY): Explanation {
  const got = classify(input, policy);
  return { ...got, matched: allMatches(fillSignals(input, newSignals())).map((r) => r.id) };
}
