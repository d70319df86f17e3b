import { AUTOMATON } from './automaton.generated';
import { type Rule, rule, status, TIER, text, vague, weak } from './define';
import { compile, type Matcher } from './engine';
import * as P from './phrases';
import { RECEIVER_RULES } from './receivers';
import type { Signals } from './signals';
import { HOST_MARK } from './structure';
import type { Reason } from './types';

export { type Rule, TIER, type Tier } from './define';

/**
 * The rule table. Every rule has a tier (./define): the matching rule of the most specific tier
 * wins, whatever order the table is in — a receiver's documented reply beats a phrase family,
 * which beats a specific enhanced code, then weak wording, the reply code, SES's subtype, vague
 * wording, and last the enhanced code's class and subject. Within a tier, table order decides, and
 * it encodes the judgement calls:
 *   - auto-replies first;
 *   - sender-side texts before recipient-side ones, because receivers often send blocks with
 *     recipient-looking codes and words (5.1.x, "Recipient address rejected: Client host …");
 *   - named system failures before queue texts that merely say the queue gave up.
 * Rules are phrase families and code families from the meaning of codes and the receivers'
 * documentation, never single corpus strings. Regexes run on the lower-cased, capped text and are
 * compiled once at module load.
 */

const permanent = (s: Signals) => s.klass !== 4;
const transientCode = (s: Signals) => s.klass === 4;
const subjectIsNot = (n: number) => (s: Signals) => s.subject !== n;
// "Mailbox unavailable" and the like, with a permanent code that is not a security/policy one.
const permanentNotPolicy = (s: Signals) => s.klass !== 4 && s.subject !== 7;
const sesSub = (sub: string) => (s: Signals) => s.subType === sub;
const ses = (id: string, reason: Reason, test: (s: Signals) => boolean): Rule =>
  rule(`ses.${reason}.${id}`, reason, TIER.ses, test);
const reply = (codes: readonly number[], reason: Reason): Rule => {
  const set = new Set(codes);
  return rule(`reply.${reason}.${codes.join('+')}`, reason, TIER.reply, (s) => set.has(s.reply));
};
/** The enhanced code's subject alone (RFC 3463 §3): the last reading of a code before onhold. */
const subject = (n: number, reason: Reason, what: string): Rule =>
  rule(`class.${reason}.x.${n}-${what}`, reason, TIER.klass, (s) => s.subject === n && s.klass >= 4);

export const RULES: readonly Rule[] = [
  // Absolute: SES never tried the receiver; a DSN that reports success is no failure.
  rule('ses.suppressed.subtype.suppressed', 'suppressed', TIER.absolute, sesSub('suppressed')),
  rule(
    'ses.suppressed.subtype.on-account-suppression-list',
    'suppressed',
    TIER.absolute,
    sesSub('onaccountsuppressionlist'),
  ),
  // SES Auto Validation refused the send: SES's verdict on the address, like its list's (docs/policy.md).
  rule(
    'ses.suppressed.subtype.email-validation-suppressed',
    'suppressed',
    TIER.absolute,
    sesSub('emailvalidationsuppressed'),
  ),
  rule(
    'action.delivered.success',
    'delivered',
    TIER.absolute,
    (s) => s.action === 'delivered' || s.action === 'relayed' || s.action === 'expanded',
  ),

  // Receivers' documented replies (./receivers).
  ...RECEIVER_RULES,

  // Phrase families. Auto-replies.
  text('autoreply', 'vacation', P.VACATION),
  // The mailbox is full, in words the sender-side families would otherwise read as our rate or size.
  text('mailbox-worded', 'mailboxfull', P.MAILBOX_FULL_WORDED),
  // Sender side (fix our setup; never the recipient's fault).
  text('dmarc', 'authfailure', P.AUTH_DMARC),
  text('spf', 'authfailure', P.AUTH_SPF),
  text('dkim', 'authfailure', P.AUTH_DKIM),
  text('authenticate', 'authfailure', P.AUTH_GENERIC),
  text('reverse-dns', 'requireptr', P.REQUIRE_PTR),
  text('our-host-unknown', 'blocked', P.OUR_HOST_UNKNOWN),
  text('dnsbl', 'blocked', P.DNSBL),
  rule('text.blocked.dnsbl-zone', 'blocked', TIER.text, (s) => (s.hostMarks & HOST_MARK.dnsblZone) !== 0),
  text('reputation', 'badreputation', P.BAD_REPUTATION),
  text('connections', 'toomanyconn', P.TOO_MANY_CONN),
  text('rate', 'speeding', P.SPEEDING),
  text('starttls', 'failedstarttls', P.FAILED_STARTTLS),
  text('auth-required', 'securityerror', P.SECURITY_AUTH),
  text('rfc5322', 'notcompliantrfc', P.NOT_RFC),
  text('security-reason', 'securityerror', P.SECURITY_REASON),
  text('virus', 'virusdetected', P.VIRUS),
  text('spam', 'spamdetected', P.SPAM),
  // RFC 3463 x.6.x is a media/content problem; otherwise "content rejected" is a spam verdict.
  text('content-rejected', 'spamdetected', P.CONTENT_REJECTED, subjectIsNot(6)),
  text('media', 'contenterror', P.CONTENT_ERROR),
  text('policy', 'policyviolation', P.POLICY),
  text('sender', 'rejected', P.SENDER_REJECTED),
  text('our-header-address', 'rejected', P.OUR_HEADER_ADDRESS),
  text('google-groups', 'rejected', P.GOOGLE_GROUPS),
  rule('text.rejected.google-groups-host', 'rejected', TIER.text, (s) => s.receiver === 'google-groups'),
  text(
    'docomo-after-data',
    'rejected',
    P.DOCOMO_AFTER_DATA,
    (s) => s.receiver === 'docomo' && s.stage === 'data',
  ),
  text('at-mail-from', 'rejected', P.AT_MAIL_FROM),
  // Recipient side. The mail system's own failures first: they come with user-unknown codes.
  text('mail-loop', 'networkerror', P.MAIL_LOOP),
  text('alias-expansion', 'systemerror', P.ALIAS_EXPANSION),
  text('relay', 'norelaying', P.NO_RELAY),
  // Permanent only: a 4xx "mailbox locked" is a busy mailbox, not a disabled one.
  text('disabled', 'suspend', P.SUSPEND, permanent),
  text('system-storage', 'systemfull', P.SYSTEM_FULL),
  text('quota', 'mailboxfull', P.MAILBOX_FULL),
  // x.2.3 is the recipient's own per-message limit (sisimai: exceedlimit); otherwise too big for the system.
  text('size', 'mesgtoobig', P.TOO_BIG),
  text('moved', 'hasmoved', P.HAS_MOVED),
  text('null-mx', 'notaccept', P.NOT_ACCEPT),
  // "No MX" with a temporary code is DNS trouble the sender may retry through, like a temporary
  // "host not found" below; with a permanent one the domain has no mail route (RFC 5321 §5.1).
  text('no-mx-temporary', 'networkerror', P.NO_MAIL_EXCHANGER, transientCode),
  text('no-mx', 'notaccept', P.NO_MAIL_EXCHANGER),
  // 556 is RFC 7505's null-MX reply (with 5.1.10, which Microsoft also uses for unknown recipients).
  rule('reply.notaccept.556', 'notaccept', TIER.text, (s) => s.reply === 556),
  // A DNS failure reported with a temporary code is no proof the domain is gone.
  text('dns-temporary', 'networkerror', P.HOST_UNKNOWN, transientCode),
  text('dns-ask-later', 'networkerror', P.DNS_ASK_LATER),
  text('no-such-domain', 'hostunknown', P.HOST_UNKNOWN),
  text('mailer', 'mailererror', /mailer error|unknown mailer/),
  text('exchange-resolver', 'userunknown', P.UU_EXCHANGE),
  text('gmail', 'userunknown', P.UU_GMAIL),
  text('generic', 'userunknown', P.UU_ENGLISH),
  text('languages', 'userunknown', P.UU_OTHER_LANGUAGES),
  text('worded', 'userunknown', P.UU_WORDED),
  text('weak-5xx', 'userunknown', P.UU_WEAK, permanentNotPolicy),
  text('on-connect', 'blocked', P.AT_CONNECT),
  text('recipient-filter', 'filtered', P.FILTERED),
  // Transient.
  text('network', 'networkerror', P.NETWORK),
  text('system-named', 'systemerror', P.SYSTEM_ERROR_NAMED),
  // A DSN that says "delayed" is a message still (or no longer) waiting in a queue.
  rule('action.expired.delayed', 'expired', TIER.text, (s) => s.action === 'delayed'),
  text('queue', 'expired', P.EXPIRED),
  text('ldap-or-server', 'systemerror', P.SYSTEM_ERROR),
  text('local-mailer', 'mailererror', P.MAILER_ERROR),
  text('smtp-syntax', 'syntaxerror', P.SYNTAX),
  text('smtputf8', 'onhold', P.SMTPUTF8),

  // Specific enhanced status codes (RFC 3463, RFC 5248's registry, RFC 7372, RFC 7505).
  status(['5.1.1', '5.1.3', '5.1.10'], 'userunknown'),
  status(['5.1.2'], 'hostunknown'),
  status(['x.1.6'], 'hasmoved'),
  status(['x.1.7', 'x.1.8', 'x.7.27'], 'rejected'),
  status(['x.2.1', 'x.7.13'], 'suspend'),
  status(['x.2.2'], 'mailboxfull'),
  status(['x.2.3'], 'exceedlimit'),
  status(['x.3.1', 'x.4.5'], 'systemfull'),
  status(['x.3.4'], 'mesgtoobig'),
  status(['x.2.4', 'x.3.2', 'x.3.5', 'x.4.3'], 'systemerror'),
  status(['5.4.4'], 'hostunknown'),
  status(['x.4.0', 'x.4.7'], 'expired'),
  status(['4.4.1', '4.4.2', '4.4.4', 'x.4.6'], 'networkerror'),
  status(['x.5.1', 'x.5.2', 'x.5.4'], 'syntaxerror'),
  status(['x.5.3'], 'toomanyconn'),
  status(['x.6.0', 'x.6.1', 'x.6.2', 'x.6.3', 'x.6.4', 'x.6.5', 'x.6.6'], 'contenterror'),
  status(['x.7.10', 'x.7.11', 'x.7.30'], 'failedstarttls'),
  status(['x.7.20', 'x.7.21', 'x.7.22', 'x.7.23', 'x.7.24', 'x.7.26', 'x.7.29'], 'authfailure'),
  status(['x.7.25'], 'requireptr'),
  status(['x.7.28'], 'speeding'),
  status(['x.7.9'], 'policyviolation'),
  status(['x.7.3', 'x.7.4', 'x.7.5', 'x.7.6', 'x.7.7', 'x.7.8', 'x.7.14', 'x.7.15'], 'securityerror'),

  // Weak wording: "access denied" is about our access, unless something more specific was said.
  weak('access-denied', 'securityerror', P.ACCESS_DENIED),
  weak('blocked-word', 'blocked', P.BLOCKED_WORD),

  // SMTP reply codes (RFC 5321 §4.2.3) where they carry one meaning.
  reply([552], 'mailboxfull'),
  reply([452], 'systemfull'),
  reply([500, 501, 502, 503, 504, 555], 'syntaxerror'),
  reply([530, 534, 535, 538], 'securityerror'),

  // SES subtypes, when nothing more specific was said.
  ses('subtype.noemail', 'userunknown', sesSub('noemail')),
  ses('subtype.mailboxfull', 'mailboxfull', sesSub('mailboxfull')),
  ses('subtype.messagetoolarge', 'mesgtoobig', sesSub('messagetoolarge')),
  ses('subtype.contentrejected', 'contenterror', sesSub('contentrejected')),
  ses('subtype.attachmentrejected', 'policyviolation', sesSub('attachmentrejected')),

  // Vague wording.
  vague('temporary', 'onhold', P.TEMP_FAILURE),
  vague('remote-wrapper', 'filtered', P.REJECTED_BY_REMOTE),

  // The code's subject alone. x.1 and x.2 are the recipient's address or mailbox refused for a
  // reason not given: recipient side, but soft (filtered), never a suppression on a guess.
  subject(1, 'filtered', 'address'),
  subject(2, 'filtered', 'mailbox'),
  subject(3, 'systemerror', 'mail-system'),
  subject(4, 'networkerror', 'network'),
  subject(5, 'syntaxerror', 'protocol'),
  subject(6, 'contenterror', 'content'),
  subject(7, 'securityerror', 'security'),

  // SES says Transient/General for auto-replies, which carry no SMTP code at all.
  rule(
    'ses.vacation.type.transient-general-autoreply',
    'vacation',
    TIER.last,
    (s) => s.type === 'transient' && s.subType === 'general' && s.status === '' && s.reply === 0,
  ),
  // Plain text with no DSN fields, no diagnostic type (`smtp;`) and no SMTP code is an auto-reply
  // that came back as mail, not a failure report.
  rule(
    'fallback.vacation.no-dsn',
    'vacation',
    TIER.last,
    (s) =>
      s.action === '' &&
      s.status === '' &&
      s.reply === 0 &&
      s.type === '' &&
      s.text !== '' &&
      !P.DIAG_TYPE.test(s.text),
  ),
  // A failure report whose only content is x.0.0, RFC 3463's "other undefined status": nothing is
  // known but that it failed (no text, no reply code to read).
  rule(
    'status.undefined.x.0.0-alone',
    'undefined',
    TIER.last,
    (s) => s.text === '' && s.subject === 0 && s.detail === 0,
  ),
  // Some evidence of a failure, but none we can read: sisimai's "onhold" (undecided).
  rule(
    'fallback.onhold.undecided',
    'onhold',
    TIER.last,
    (s) => s.klass !== 0 || s.type !== '' || s.text !== '' || s.action !== '',
  ),
];

/** The rule reported when nothing at all is known (no code, no text, no SES type). */
export const FALLBACK_RULE: Rule = {
  id: 'fallback.undefined',
  reason: 'undefined',
  tier: TIER.last,
  test: () => true,
};

/** The rules in evaluation order: by tier, then by their position in the table (stable sort). */
export function ranked(rules: readonly Rule[]): Rule[] {
  return rules
    .map((r, i) => [r, i] as const)
    .sort((a, b) => a[0].tier - b[0].tier || a[1] - b[1])
    .map(([r]) => r);
}

const RANKED = ranked(RULES);

/** Reference semantics: every rule in rank order. Slow; the compiled matcher must agree with it. */
export function firstMatchLinear(s: Signals, skip: ReadonlySet<Reason> | null = null): Rule {
  for (const r of RANKED) if ((skip === null || !skip.has(r.reason)) && r.test(s)) return r;
  return FALLBACK_RULE;
}

/** Every rule that matches, best first (for `--explain`): the winner, then what else said something. */
export function allMatches(s: Signals): Rule[] {
  const out = RANKED.filter((r) => r.test(s));
  return out.length === 0 ? [FALLBACK_RULE] : out;
}

/** The rule table compiled for speed (same answers as `firstMatchLinear`), with its precomputed automaton. */
export const firstMatch: Matcher = compile(RULES, FALLBACK_RULE, AUTOMATON);
