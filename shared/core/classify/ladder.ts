import { type Rule, TIER } from './define';
import type { Signals } from './signals';
import { TEMPORARY_WORDING } from './structure';
import type { Reason } from './types';

/**
 * The evidence ladder a verdict that ends a customer's mail must climb. A rule of one of these
 * reasons only decides when the reply's structure allows it; otherwise the recipient is classified
 * by the best evidence of any other reason, or counted soft (see `demote`).
 */
export const SUPPRESSING: ReadonlySet<Reason> = new Set<Reason>([
  'userunknown',
  'hostunknown',
  'hasmoved',
  'notaccept',
  'suspend',
]);

/** What a refusal at a stage other than RCPT TO is about instead of the recipient. */
const STAGE_REASON = {
  connect: 'blocked',
  helo: 'blocked',
  mail: 'rejected',
  data: 'filtered',
} as const satisfies Record<string, Reason>;

const STAGE_NAME = {
  connect: 'the connection greeting',
  helo: 'HELO/EHLO',
  mail: 'MAIL FROM',
  data: 'DATA / end of DATA',
} as const;

/**
 * A refusal after DATA that names the destination itself as nonexistent: a phrase family saying the
 * mailbox (or domain) does not exist, under the enhanced code whose RFC 3463 meaning is exactly that
 * for the *destination* address — 5.1.1 "the mailbox specified in the address does not exist",
 * 5.1.2 "the destination system … does not exist". Problems with our envelope sender have their own
 * codes (x.1.7, x.1.8), so the pair cannot be about it. Receivers do answer for recipients after
 * the data: LMTP gives one reply per recipient after the final "." (RFC 2033 §4.2), and some
 * receivers check recipients at the end of DATA (Yahoo documents it). A bare "user unknown" or
 * "<host> does not exist" after DATA without the code, weak wording ("mailbox unavailable"), or
 * words that name a sender or header address may be about something else and stay soft.
 */
function namesDestination(rule: Rule, s: Signals): boolean {
  if (rule.tier !== TIER.text || s.klass !== 5 || rule.id === WEAK_USER_UNKNOWN) return false;
  const code = rule.reason === 'userunknown' ? '5.1.1' : rule.reason === 'hostunknown' ? '5.1.2' : '';
  return code !== '' && s.status === code && !NAMES_OTHER_ADDRESS.test(s.text);
}

/**
 * More ways a receiver says "not now" or "could not check" rather than "does not exist": it will
 * retry or asks us to resend soon, the refusal holds "at the moment", a server or directory behind
 * it is busy or down, the recipient could not be verified, a lookup timed out. None of them is a
 * statement that the address is gone.
 */
const ASK_LATER =
  /will retry|retrying|retry (?:later|soon|shortly|in \d)|, retry\b(?! (?:time|timeout|limit|count|period))|resend (?:it )?(?:shortly|later|soon)|at (?:the|this) (?:moment|time)|right now|for (?:now|the time being)|(?:server|service|system|directory|database|backend) (?:is )?(?:busy|unavailable|not available|down|not responding)|unable to verify|(?:could not|cannot|can't) (?:be )?verif(?:y|ied)|verification (?:is )?(?:unavailable|not available)|(?:lookup|query|resolution) time ?out|timed out/;

/** "Mailbox unavailable" and the like: wording too weak to stand after DATA even with 5.1.1. */
const WEAK_USER_UNKNOWN = 'text.userunknown.weak-5xx';
/** After DATA the words may be about the sender or a header address; then they are not about the recipient. */
const NAMES_OTHER_ADDRESS = /sender|header|return-path|reply-to|\bfrom(?::| address| domain)/;

/**
 * Why a verdict of `rule` may not suppress here: one line per missing rung, [] when it may.
 *  1. stage: a refusal at connect, HELO/EHLO, MAIL FROM or after DATA says nothing about whether
 *     the recipient exists (only RCPT TO, or a reply that names no stage, can) — unless, after DATA,
 *     the reply names the destination as nonexistent in words and code (`namesDestination`);
 *  2. code: a 4xx reply or a 4.x.x enhanced code (also when the other one is permanent) says the
 *     receiver itself may accept later;
 *  3. wording: "try again later", "temporarily", a DNS answer that means "ask later" under a
 *     permanent-looking code — not for a disabled mailbox, whose "temporarily disabled" is its meaning.
 * The mail system's own failures with user-unknown codes (forwarding loops, alias expansion) never
 * reach the ladder: their phrase family (./phrases `MAIL_SYSTEM`) outranks the user-unknown families.
 */
export function missingRungs(rule: Rule, s: Signals): string[] {
  if (!SUPPRESSING.has(rule.reason)) return [];
  const out: string[] = [];
  const stage = s.stage;
  // A receiver's documented reply means what the receiver says, at whatever stage it answers; and
  // Yahoo documents that it checks recipients after the message was sent ("failed after I sent the
  // message … This user doesn't have a yahoo.com account", https://senders.yahooinc.com/smtp-error-codes/).
  if (
    stage !== '' &&
    stage !== 'rcpt' &&
    rule.tier !== TIER.receiver &&
    !(stage === 'data' && (s.receiver === 'yahoo' || namesDestination(rule, s)))
  )
    out.push(
      `stage: refused at ${STAGE_NAME[stage]}, which says nothing about whether the recipient exists (needs RCPT TO or no stage named)`,
    );
  if (s.temporaryCode)
    out.push(
      s.codesDisagree
        ? `code: reply ${s.reply} and enhanced code ${s.status} disagree, and one is temporary (4xx / 4.x.x)`
        : `code: temporary (${s.reply > 0 ? s.reply : s.status}): the receiver says it may accept later`,
    );
  else if (s.codesDisagree) out.push(`code: reply ${s.reply} and enhanced code ${s.status} disagree`);
  if (
    rule.reason !== 'suspend' &&
    rule.tier > TIER.absolute &&
    (TEMPORARY_WORDING.test(s.text) || ASK_LATER.test(s.text))
  )
    out.push(
      'wording: the text says the failure is temporary (try again later, temporarily, DNS not answering)',
    );
  return out;
}

/** The reason and rule id a demoted verdict takes when no other reason's evidence matched. */
export function demotedReason(rule: Rule, s: Signals): { reason: Reason; id: string } {
  const stage = s.stage;
  if (stage !== '' && stage !== 'rcpt') {
    const reason = STAGE_REASON[stage];
    return { reason, id: `ladder.${reason}.stage-${stage}` };
  }
  if (rule.reason === 'hostunknown')
    return { reason: 'networkerror', id: 'ladder.networkerror.temporary-dns' };
  return { reason: 'onhold', id: `ladder.onhold.temporary-${rule.reason}` };
}

/** What an ambiguous (soft) verdict lacked to be a suppression, for `bounce classify --explain`. */
export function missingForSuppression(s: Signals): string[] {
  const out = [
    'evidence: nothing says the mailbox or its domain does not exist (a user-unknown or domain-unknown statement, 5.1.1 / 5.1.2 / 5.1.10, a null MX)',
  ];
  if (s.stage !== '' && s.stage !== 'rcpt') out.push(`stage: refused at ${STAGE_NAME[s.stage]}`);
  if (s.temporaryCode) out.push('code: temporary (4xx / 4.x.x)');
  return out;
}
