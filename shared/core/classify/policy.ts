import { DECISIONS, type Decision, type Party, REASONS, type Reason } from './types';

/**
 * Who has to act on each reason.
 *   recipient – the address itself is bad, gone, full or refusing: the recipient's side.
 *   sender    – our mail, IP, domain, authentication, size or sending rate was refused: fix our side.
 *               The recipient did nothing wrong, so these must never suppress it.
 *   transient – nobody yet; the network, a queue or the receiving system failed. Retry.
 *   none      – not a failure at all (auto-reply, delivery report, complaint feedback).
 *
 * Judgement calls (docs/classification.md has the why of each):
 *   norelaying  – SES delivers straight to the recipient's MX, so a "relay access denied" there means
 *                 that MX does not (or no longer) accept mail for the recipient's domain: the
 *                 recipient's side, soft (a domain mid-migration comes back), never an alert about us.
 *   filtered    – the receiver refused the mail *for this recipient* by the recipient's own settings
 *                 (recipient preferences, "accepts mail from internal senders only", post-DATA
 *                 "user unknown"): recipient side, but ambiguous, so only soft-counted.
 *   rejected    – sisimai's "rejected" is our envelope sender refused at MAIL FROM: sender side.
 *   exceedlimit,
 *   mesgtoobig  – our message is too big for the receiver; resend smaller: sender side.
 *   syntaxerror – an SMTP protocol error between the MTAs (our sending side): sender side.
 */
export const PARTY_OF: Readonly<Record<Reason, Party>> = Object.freeze({
  userunknown: 'recipient',
  hostunknown: 'recipient',
  hasmoved: 'recipient',
  notaccept: 'recipient',
  mailboxfull: 'recipient',
  suspend: 'recipient',
  suppressed: 'recipient',
  filtered: 'recipient',
  norelaying: 'recipient',
  authfailure: 'sender',
  badreputation: 'sender',
  blocked: 'sender',
  contenterror: 'sender',
  exceedlimit: 'sender',
  failedstarttls: 'sender',
  mesgtoobig: 'sender',
  notcompliantrfc: 'sender',
  policyviolation: 'sender',
  rejected: 'sender',
  requireptr: 'sender',
  securityerror: 'sender',
  spamdetected: 'sender',
  speeding: 'sender',
  syntaxerror: 'sender',
  toomanyconn: 'sender',
  virusdetected: 'sender',
  expired: 'transient',
  mailererror: 'transient',
  networkerror: 'transient',
  onhold: 'transient',
  systemerror: 'transient',
  systemfull: 'transient',
  undefined: 'transient',
  vacation: 'none',
  delivered: 'none',
  feedback: 'none',
});

/** A decision, or one for hard and one for soft bounces of the same reason (only notaccept needs it). */
export type DecisionRule = Decision | { readonly hard: Decision; readonly soft: Decision };
export type DecisionPolicy = Readonly<Record<Reason, DecisionRule>>;

/**
 * Default decision per reason.
 *
 * | reason                                                | decision                                   |
 * |-------------------------------------------------------|--------------------------------------------|
 * | userunknown, hostunknown, hasmoved, suppressed        | suppress (hard: the address cannot receive) |
 * | notaccept                                             | suppress when hard, count-soft when 4xx / temporary |
 * | suspend                                               | suppress-temporarily (disabled mailboxes often come back) |
 * | mailboxfull, filtered, norelaying                     | count-soft (suppress only if it keeps happening) |
 * | expired, mailererror, networkerror, onhold,           | count-soft (transient; repeated failures add up) |
 * | systemerror, systemfull, undefined                    |                                            |
 * | every sender-party reason (authfailure, blocked, …)   | alert-sender (never suppress the recipient) |
 * | vacation, delivered, feedback                         | ignore                                     |
 */
export const DEFAULT_POLICY: DecisionPolicy = Object.freeze({
  userunknown: 'suppress',
  hostunknown: 'suppress',
  hasmoved: 'suppress',
  suppressed: 'suppress',
  notaccept: Object.freeze({ hard: 'suppress', soft: 'count-soft' }),
  suspend: 'suppress-temporarily',
  mailboxfull: 'count-soft',
  filtered: 'count-soft',
  norelaying: 'count-soft',
  expired: 'count-soft',
  mailererror: 'count-soft',
  networkerror: 'count-soft',
  onhold: 'count-soft',
  systemerror: 'count-soft',
  systemfull: 'count-soft',
  undefined: 'count-soft',
  authfailure: 'alert-sender',
  badreputation: 'alert-sender',
  blocked: 'alert-sender',
  contenterror: 'alert-sender',
  exceedlimit: 'alert-sender',
  failedstarttls: 'alert-sender',
  mesgtoobig: 'alert-sender',
  notcompliantrfc: 'alert-sender',
  policyviolation: 'alert-sender',
  rejected: 'alert-sender',
  requireptr: 'alert-sender',
  securityerror: 'alert-sender',
  spamdetected: 'alert-sender',
  speeding: 'alert-sender',
  syntaxerror: 'alert-sender',
  toomanyconn: 'alert-sender',
  virusdetected: 'alert-sender',
  vacation: 'ignore',
  delivered: 'ignore',
  feedback: 'ignore',
});

/** Decisions a sender-side reason may take: anything else would punish the recipient for our fault. */
export const SENDER_DECISIONS: readonly Decision[] = ['alert-sender', 'ignore'];

export function partyOf(reason: Reason): Party {
  return PARTY_OF[reason];
}

export function decide(reason: Reason, hard: boolean, policy: DecisionPolicy = DEFAULT_POLICY): Decision {
  const rule = policy[reason];
  return typeof rule === 'string' ? rule : hard ? rule.hard : rule.soft;
}

const REASON_SET: ReadonlySet<string> = new Set(REASONS);
const DECISION_SET: ReadonlySet<string> = new Set(DECISIONS);

function isReason(v: string): v is Reason {
  return REASON_SET.has(v);
}

function checkDecision(reason: Reason, where: string, v: unknown): Decision {
  if (typeof v !== 'string' || !DECISION_SET.has(v)) {
    throw new Error(
      `policy: reason "${reason}"${where}: unknown decision ${JSON.stringify(v)} (expected one of ${DECISIONS.join(', ')})`,
    );
  }
  const decision = v as Decision;
  if (PARTY_OF[reason] === 'sender' && !SENDER_DECISIONS.includes(decision)) {
    throw new Error(
      `policy: reason "${reason}" is a sender-side failure; decision "${decision}" would suppress the recipient for our fault (use ${SENDER_DECISIONS.join(' or ')})`,
    );
  }
  return decision;
}

function checkRule(reason: Reason, v: unknown): DecisionRule {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => k !== 'hard' && k !== 'soft');
    if (extra.length > 0)
      throw new Error(`policy: reason "${reason}": unknown key "${extra[0]}" (expected hard, soft)`);
    return Object.freeze({
      hard: checkDecision(reason, '.hard', o.hard),
      soft: checkDecision(reason, '.soft', o.soft),
    });
  }
  return checkDecision(reason, '', v);
}

/**
 * The default policy with `overrides` applied, e.g. from a config file:
 * `{ "mailboxfull": "suppress-temporarily", "notaccept": { "hard": "suppress", "soft": "ignore" } }`.
 * Throws, quoting the bad value, on an unknown reason or decision, or a sender-side reason set to
 * anything but alert-sender / ignore.
 */
export function resolvePolicy(
  overrides: unknown = {},
  base: DecisionPolicy = DEFAULT_POLICY,
): DecisionPolicy {
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new Error(
      `policy: overrides must be an object of reason → decision, got ${JSON.stringify(overrides)}`,
    );
  }
  const out: Record<Reason, DecisionRule> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (!isReason(key))
      throw new Error(`policy: unknown reason "${key}" (expected one of ${REASONS.join(', ')})`);
    out[key] = checkRule(key, value);
  }
  return Object.freeze(out);
}

export interface PolicyRow {
  reason: Reason;
  party: Party;
  /** Decision for a hard and for a soft bounce of this reason (equal unless the policy splits them). */
  hard: Decision;
  soft: Decision;
}

/** The policy as rows, in REASONS order, e.g. for a README or `--help`. */
export function policyTable(policy: DecisionPolicy = DEFAULT_POLICY): PolicyRow[] {
  return REASONS.map((reason) => ({
    reason,
    party: PARTY_OF[reason],
    hard: decide(reason, true, policy),
    soft: decide(reason, false, policy),
  }));
}

/** The policy as a Markdown table. */
export function formatPolicyTable(policy: DecisionPolicy = DEFAULT_POLICY): string {
  const rows = policyTable(policy).map(
    (r) =>
      `| ${r.reason} | ${r.party} | ${r.hard === r.soft ? r.hard : `${r.hard} (hard) / ${r.soft} (soft)`} |`,
  );
  return ['| reason | party | decision |', '|---|---|---|', ...rows].join('\n');
}
