import { compile, type Matcher } from './engine';
import { type Signals, statusKey } from './signals';
import type { Reason } from './types';

/**
 * One named rule: if `test` holds, the recipient's reason is `reason`. The ordered table below is
 * evaluated top to bottom and the first match wins; its id is reported as `rule`.
 *
 * Id scheme: `<source>.<reason>.<detail>` where source is
 *   ses    – SES bounceType / bounceSubType
 *   text   – the diagnostic text (provider phrasing)
 *   status – the RFC 3463 enhanced status code
 *   reply  – the SMTP reply code
 *   action – the DSN action
 *   fallback
 *
 * Order, and why (sections are marked in RULES):
 *   1. SES's own suppression subtypes: SES never contacted the receiver, nothing else is evidence.
 *      A DSN that reports success is no failure.
 *   2. Specific text: the receiver's own words beat its code (`550 5.1.1 mailbox full` is full,
 *      `550 5.7.1 … spamhaus` is a blocklist). Auto-replies first; then sender-side texts, because
 *      receivers often send those with recipient-looking codes (5.1.x, "Recipient address rejected:
 *      Client host …"); then recipient-side texts.
 *   3. SES subtypes (NoEmail, MailboxFull, …) when the text said nothing specific.
 *   4. Transient texts, and a DSN action of "delayed" (still queued → expired).
 *   5. Specific enhanced status codes; generic ones (x.0.0, 5.1.0, 5.7.0, 5.7.1, …) wait for step 6.
 *   6. Generic wording, generic codes, then fallbacks (auto-reply without DSN, onhold, undefined).
 * Rules are provider phrasings and code families, never single corpus strings.
 * All regexes run on the lower-cased, capped text and are compiled once at module load.
 */
export interface Rule {
  readonly id: string;
  readonly reason: Reason;
  /** The rule's meaning; the compiled matcher (./engine) gives the same answers faster. */
  readonly test: (s: Signals) => boolean;
  /** Text rules: the regex over `Signals.text`, and an extra condition on the other signals. */
  readonly re?: RegExp;
  readonly when?: (s: Signals) => boolean;
  /** Status rules: the enhanced codes as `statusKey`s, class 0 meaning any class (`x.s.d`). */
  readonly codes?: ReadonlySet<number>;
}

function text(id: string, reason: Reason, re: RegExp, when?: (s: Signals) => boolean): Rule {
  if (re.flags !== '')
    throw new Error(`rule "${id}": regex flags "${re.flags}" not supported (text is lower-cased)`);
  const test =
    when === undefined ? (s: Signals) => re.test(s.text) : (s: Signals) => when(s) && re.test(s.text);
  return when === undefined
    ? { id: `text.${reason}.${id}`, reason, test, re }
    : { id: `text.${reason}.${id}`, reason, test, re, when };
}

function status(codes: readonly string[], reason: Reason): Rule {
  const keys = new Set<number>();
  for (const c of codes) {
    const m = /^([x245])\.(\d{1,3})\.(\d{1,3})$/.exec(c);
    if (m === null) throw new Error(`rule status: bad code "${c}"`);
    keys.add(statusKey(m[1] === 'x' ? 0 : Number(m[1]), Number(m[2]), Number(m[3])));
  }
  const test = (s: Signals) =>
    s.status !== '' &&
    (keys.has(statusKey(s.klass, s.subject, s.detail)) || keys.has(statusKey(0, s.subject, s.detail)));
  return { id: `status.${reason}.${codes.join('+')}`, reason, test, codes: keys };
}

function ses(id: string, reason: Reason, test: (s: Signals) => boolean): Rule {
  return { id: `ses.${reason}.${id}`, reason, test };
}

const permanent = (s: Signals) => s.klass !== 4;
const transientCode = (s: Signals) => s.klass === 4;
const subjectIsNot = (n: number) => (s: Signals) => s.subject !== n;

// ---------------------------------------------------------------------------------------------
// Texts. Kept as alternations of short provider phrasings; no phrase spans an SMTP continuation
// marker (`550-5.7.26 `) because multi-line replies arrive joined.
// ---------------------------------------------------------------------------------------------

const VACATION =
  /(?:out of (?:the )?office|on (?:vacation|holiday|leave)|auto(?:matic)?[- ]?(?:reply|response|responder)|i am (?:currently )?(?:away|out)|i'm (?:currently )?(?:away|out of)|away from (?:the|my) (?:office|desk)|abwesenheit|ich bin (?:bis|vom|derzeit)|absent du bureau|je suis absent|fuera de la oficina)/;

// Authentication of our mail (SPF, DKIM, DMARC, ARC): fix our DNS / signing.
const MS_AUTH_LEVEL = /(?:doesn't|does not) meet the required authentication level/;
const AUTH_DMARC =
  /dmarc (?:policy|verification|check|fail|reject)|per dmarc|(?:fails?|failed|not pass) (?:the )?dmarc|dmarc.{0,20}(?:fail|reject)|unauthenticated email/;
const AUTH_SPF =
  /spf (?:record|check|fail|valid|softfail|hard ?fail|permerror|policy)|(?:fails?|failed|not pass) (?:the )?spf|bad spf|sender policy framework|\bspf=fail/;
const AUTH_DKIM =
  /dkim(?: signature)?(?: verification| validation| check)? (?:is )?(?:invalid|fail)|(?:fails?|failed|invalid) dkim|no valid dkim/;

// Receivers that only say "authenticate" (Gmail's 2024 sender rules, generic SPF/DKIM wording).
const AUTH_GENERIC =
  /sender is unauthenticated|requires? all senders to authenticate|(?:fails?|failed) to pass authentication|does not have authentication information|authentication checks? (?:fail|did not pass)|\b(?:spf|dkim)\b.{0,30}(?:requirement|alignment|not aligned)/;

// Our sending IP: reverse DNS, blocklists, reputation, rate.
const REQUIRE_PTR =
  /reverse dns|\brdns\b|\bptr (?:record|resource|lookup|check)|dns ptr|no ptr|reverse (?:lookup|mapping|hostname)|cannot find your (?:reverse )?hostname|unverif(?:y|i)able sending ip|mismatches client ip|without a valid sender domain|not resolve (?:to )?your (?:ip|hostname)|client host .{0,40} (?:unknown|not resolv)/;
const NO_RELAY =
  /relay(?:ing)? (?:access )?(?:denied|not (?:permitted|allowed)|prohibited)|not (?:configured|permitted|allowed|authorized) to relay|unable to relay|(?:we do not|does not|cannot) relay|no relaying|relay not permitted|relaying mail to .{0,60} not allowed|email address is not verified|identities failed the check|(?:isn't|not) in my list of allowed rcpthosts/;
const DNSBL =
  /spamhaus|spamcop|barracudacentral|\bsorbs\b|uceprotect|blocked using|black ?list|block ?list|\bdnsbl\b|\brbl\b|(?:listed|found) (?:at|in|on|by) (?:the )?(?:[a-z0-9.-]+ )?(?:dnsbl|rbl|bl\b|spam)|banned sending ip|\[bl\d+\]|(?:ip|address|host|network) (?:is |has been )?(?:blocked|blacklisted|banned|blocklisted)|is on our block list|open relay|ip .{0,30} (?:has been )?(?:blocked|banned)|client host rejected|client (?:ip|address) (?:is )?(?:rejected|not allowed|denied)|not accepted from (?:this|your) ip|permanently deferred/;
const BAD_REPUTATION =
  /reputation (?:score|fail)|(?:bad|poor|low|negative) (?:sender |sending |ip |domain |email )?reputation|due to (?:ip |domain )?reputation|reputation of the sending|unexpected volume or user complaints|ip\/domain reputation/;
const SPEEDING =
  /receiving mail at a rate|rate that prevents additional|unusual rate of unsolicited|(?:sending|message|email|mail) rate (?:limit|exceeded|too high)|rate limit(?:ed)?(?! due to ip reputation)|too many (?:messages|mails|emails)(?! (?:in|on) (?:the|this|your) (?:mailbox|account|inbox))|try again slower|sending too (?:fast|quickly)|throttl|too fast/;
const TOO_MANY_CONN =
  /too many (?:connections|concurrent|simultaneous|sessions|recipients|rcpt)|connection rate limit|connection limit|(?:max(?:imum)?|number of) (?:concurrent |simultaneous )?connections|too many (?:smtp )?sessions|recipients? limit (?:reached|exceeded)/;
const FAILED_STARTTLS =
  /starttls|tls (?:is )?required|requires? (?:a )?(?:secure|tls|encrypted) (?:connection|transport)|must (?:use|issue) (?:a )?(?:tls|starttls)|tls negotiation failed|failed to negotiate tls|encryption required|requiretls/;
const SECURITY_AUTH =
  /(?:smtp )?auth(?:entication)? (?:is )?required|resolver\.rst\.authrequired|turn on smtp authentication|unauthenticated senders? not allowed|must (?:be )?authenticate|not permitted to relay without auth|sender (?:is )?not authenticated/;
// Bare "rfc822;" is an address-type prefix, not evidence.
const NOT_RFC =
  /(?:not|non)[- ](?:rfc ?(?:5322|2822|822)[- ])?complian|rfc ?(?:5322|2822|822) (?:complian|violation|standards?)|multiple (?:from|date|subject|sender|to|message-id) headers|missing (?:a |the )?(?:valid )?(?:date|from|message-id) header|malformed (?:header|message)/;
const VIRUS = /virus|malware|infected|trojan|ransomware/;
const SPAM =
  /\bspam\b|\bspamm|\bube\b|unsolicited|junk ?mail|content rejected, ube|likely (?:suspicious|unsolicited)|looks like spam|spam ?score|classified as spam|spam (?:detected|filter|content|message)|bulk mail|message (?:was )?(?:identified|detected|considered) as spam|mail rejete/;
const CONTENT_REJECTED = /message content rejected|content (?:was )?rejected|content filter rejection/;
const CONTENT_ERROR =
  /media error|headers? (?:too (?:large|long|big)|size exceeds)|too many headers|invalid (?:mime|header|character|encoding)|mime (?:error|syntax)|bare (?:lf|linefeed|cr)|line too long|8-?bit (?:data|characters?) (?:not|in)|non-ascii/;
const POLICY =
  /polic(?:y|ies) (?:reasons?|violation)|denied by policy|by (?:local |site |our )?policy|(?:due to|per) (?:local |site |our |the )?(?:security )?policy|policy restrictions?|anti-spoofing|not accepted for policy|violat(?:es?|ion of|ing) (?:our|the|local|site) ?(?:polic|terms|rules)|content presents a potential|host network not allowed|message not allowed|(?:attachment|file (?:type|extension)) (?:is |are )?(?:not allowed|blocked|prohibited|rejected)|prohibited attachment|(?:blocked|forbidden|banned) (?:attachment|file|extension)|executable (?:file|attachment|content)|members-only list|non-member/;

// Our envelope sender or the sending account is refused (not the recipient).
const SENDER_REJECTED =
  /sender address rejected|domain of sender address|(?:unroutable|unrouteable|invalid|unknown|unverified) sender|sender (?:address |domain )?(?:is )?(?:invalid|unknown|not allowed|denied|blocked|banned|not permitted|rejected)|sender verify failed|sender verification (?:failed|rejected)|(?:mail ?from|envelope from|from address) (?:is )?(?:rejected|invalid|not (?:allowed|accepted))|send mail as|not (?:allowed|permitted|authorized) to (?:send|post)|permission to (?:post|send)/;
// Google Groups "the group may not exist, or you may not have permission to post" in its common languages.
const GOOGLE_GROUPS =
  /group you tried to contact|groups\.google\.|le groupe que vous avez essayé|el grupo con el que|die gruppe, die sie|グループ（[^）]*）が存在しない|المجموعة \(/;
// NTT docomo's MX answers "Unknown user" after DATA when the recipient's filter refuses our sender
// (the address itself was accepted at RCPT TO): a sender rejection, not a dead mailbox.
const DOCOMO_AFTER_DATA = /docomo\.ne\.jp.*unknown user.*end of data/;
// The rejection came at MAIL FROM: the receiver refused our envelope sender, whatever it said.
const AT_MAIL_FROM = /after mail from|in reply to mail from|mail from command|\[mail_from\]/;
// Rejections before any envelope was given are about our host, not the recipient.
const AT_CONNECT =
  /after (?:initial connection|connect|ehlo|helo|banner)|in reply to (?:ehlo|helo)|refused to talk to me/;

// Recipient side.
const SUSPEND =
  /(?:account|mailbox|address|user|recipient) (?:is |has been |was )?(?:temporarily )?(?:disabled|suspended|deactivated|inactive|frozen|locked|closed|blocked by (?:the )?administrator)|(?:disabled|suspended|inactive|deactivated|frozen) (?:user|account|mailbox|recipient|address)|account (?:is )?(?:not active|on hold|expired)|user\(s\) account is disabled|mailbox not active|is (?:disabled|inactive|suspended|deactivated)\b|account has been disabled/;
const SYSTEM_FULL =
  /insufficient (?:system |disk )?(?:storage|space)(?! (?:for|in) (?:the )?(?:mailbox|user))|system (?:storage )?(?:is )?full|(?:disk|file ?system|spool) (?:is )?full(?! for)/;
const MAILBOX_FULL =
  /mailbox (?:is )?full|mailbox.{0,40}(?:full|over quota|exceeded)|over ?quota|over (?:the |their |his |her |its )?(?:storage |mailbox |disk )?quota|quota (?:exceed|full|exhausted|violation)|(?:exceeded|exceeds|reached) (?:the |their |his |her |its |storage |mailbox |disk )*(?:quota|storage (?:limit|allocation))|disk quota|not enough (?:disk |storage )?space|(?:inbox|mailbox|mail box|postfach|boîte|casella) (?:is )?(?:full|voll|pleine|piena)|full mailbox|out of storage|storage (?:is )?full|insufficient (?:storage|space) (?:for|in) (?:the )?(?:mailbox|user)|too many messages (?:in|on) (?:the|this) (?:mailbox|account)|storedrv\.deliver: mailbox full|quotaexceeded|buzón (?:está )?lleno|容量(?:が)?(?:オーバー|超過|不足)/;
const TOO_BIG_FOR_US =
  /message (?:is |was )?too (?:large|big|long)|message too large for this recipient|(?:message|mail) size (?:limit )?(?:exceeds?|exceeded|too (?:large|big))|(?:message|mail) size limit (?:exceeded|reached)|exceeds? (?:the )?(?:max(?:imum)?|allowed|fixed maximum) (?:message |mail |email )?size|message length exceeds|size of (?:the |this )?message exceeds|recipsizelimit/;
const HAS_MOVED =
  /has moved|mailbox (?:has )?moved|moved (?:permanently|to a new)|no forwarding address|no longer (?:on (?:this )?server|at this (?:address|domain)|with (?:us|this)|accepts? mail|in use|here)|changed (?:his|her|their) (?:e-?mail )?address/;
const NOT_ACCEPT =
  /no mx (?:found|record|for)|(?:couldn't|could not|cannot|unable to) find (?:a|any) mail exchanger|null mx|does not accept (?:e-?)?mail|doesn't accept (?:e-?)?mail|(?:domain|host) (?:does not|doesn't|will not) (?:receive|accept) (?:any )?(?:e-?)?mail|not accepting (?:any )?(?:e-?)?mail/;
const HOST_UNKNOWN =
  /host (?:or domain name )?(?:unknown|not found)|unknown (?:host|domain)|host or domain name not found|(?:domain|host)(?: name)? (?:does not|doesn't) exist|no such (?:domain|host)|(?:unroutable|unrouteable) (?:address|mail domain|domain)|(?:recipient |destination )?domain (?:name )?(?:not found|is invalid|unknown|is not (?:valid|registered))|invalid (?:recipient )?domain|nxdomain|name or service not known|(?:^|[\s:;'"<([])[a-z0-9-]+(?:\.[a-z0-9-]+)+ does not exist/;

// "The mailbox does not exist", as the big receivers word it.
const UU_EXCHANGE =
  /resolver\.adr\.(?:ex)?recip(?:ient)?notfound|recipient not found by smtp address lookup|unknown recipient|recipient address rejected: access denied|(?:smtp address|user) has no mailbox|resolver\.adr\.invalid/;
const UU_GMAIL =
  /(?:email|e-mail) account that you tried to reach does not exist|address couldn't be found|address not found|the email address you entered couldn't be found/;
const UU_YAHOO = /this user doesn't have an? [a-z0-9.-]+ account|delivery error: dd /;
const UU_GENERIC =
  /user(?:name)? unknown|unknown (?:user|recipient|mailbox|address(?! error)|account|local[- ]part|alias|or illegal alias|e-?mail address)|no such (?:user|mailbox|recipient|account|address|person|local user)|(?:user|mailbox|recipient|address|account|addressee|e-?mail address) (?:not found|unknown|does not exist|doesn't exist|not exist|is unknown|is not valid|invalid)|(?:user|mailbox|recipient) (?:name )?(?:is )?not (?:found|known|listed|valid|registered)|invalid (?:recipient|mailbox|address|user|e-?mail address|destination)|(?:not a|no) (?:valid|known) (?:user|mailbox|address)|not a (?:valid|known) recipient|\(and other recipients in the same domain\)|no mailbox (?:here|by that name|for)|does not have (?:a|an) (?:mailbox|account)|not listed in (?:domino directory|public name)|bad destination mailbox address|destination mailbox address (?:is )?(?:invalid|unknown)|please check if (?:the )?address is correct|mailbox (?:does not|doesn't) exist|recipient (?:does not|doesn't) exist|user does not exist|@[a-z0-9-]+(?:\.[a-z0-9-]+)+>?(?:\.{3})?:? (?:does not|doesn't) exist|adresse (?:destinataire )?(?:invalide|inconnue)|destinataire inconnu|utilisateur inconnu|empfänger unbekannt|unbekannter (?:empfänger|benutzer)|usuario (?:desconocido|no existe)|destinatario (?:inexistente|desconocido|sconosciuto)|utente (?:sconosciuto|inesistente)|宛先(?:が|の)?(?:見つかりません|存在しません)|用户不存在|收件人不存在/;
// Weaker wording; only a refusal when the code is permanent.
const UU_WEAK =
  /mailbox unavailable|recipient (?:address )?rejected|address rejected|no valid recipients|invalid address|not our customer|mailbox not available|no such address|recipient not (?:accepted|allowed)/;

// Gmail's relay wrapper says "rejected by the recipient domain" around any reply; it is the last resort here.
const FILTERED =
  /message filtered|filtered|refused due to recipient preferences|recipient preferences|rejected by (?:a |the )?remote mail server|rejected by the recipient domain|blocked by (?:the )?recipient|recipient (?:has )?(?:blocked|refused)|not accepting mail from you|does not wish to receive|envelope blocked/;

// Transient trouble on the way.
const NETWORK =
  /no route to host|network (?:is )?(?:unreachable|error)|host name lookup failure|lookup failure|malformed or unexpected name server reply|name server (?:failure|error|timeout|reply)|dns (?:error|failure|lookup failed)|temporary dns|too many hops|hop count exceeded|mail loop|loops? back to myself|routing loop|wasn't able to establish|(?:unable|failed) to establish (?:an )?smtp connection|connection (?:refused|reset)|broken pipe|lost connection/;
const EXPIRED =
  /message expired|envelope expired|(?:retry|queue) (?:time(?:out)?|period) (?:exceeded|expired)|in the queue too long|could not be delivered for too long|could not deliver for the last|delivery (?:time|attempts?) (?:expired|exceeded)|giving up|gave up|too many (?:delivery )?(?:attempts|retries)|after (?:multiple|several|many) (?:retries|attempts)|failed \d+ attempts|will be (?:retried|deleted from queue)|has been delayed|delivery (?:is )?delayed|connection timed out|timed out|did not accept our requests to connect|unable to connect successfully|host not reachable|could not find a gateway|retry time not reached|long failure period/;
// Named failures of the receiving system; checked before queue texts that merely say it gave up.
const SYSTEM_ERROR_NAMED =
  /\bldap\b|directory (?:server|lookup) (?:failure|error)|local (?:configuration )?error|configuration error|insufficient permission|could not load|internal (?:server )?error/;
const SYSTEM_ERROR =
  /system (?:error|problem|failure)|service (?:currently |temporarily )?(?:unavailable|not available)|server (?:is )?(?:busy|unavailable|overloaded)|permission denied|resources? temporarily unavailable|other mail system problem|server error|error in processing/;
const MAILER_ERROR =
  /^x-unix;|pipe to \||mailer error|unknown mailer|procmail|command (?:died|failed)|exit (?:status|code) \d|program failed|delivery to (?:file|program) failed/;
const SYNTAX =
  /syntax error|command (?:not recognized|unrecognized|parameter not implemented|not implemented)|improper sequence|bad sequence of commands|malformed address|line too long for (?:smtp|command)|invalid command|unrecognized command/;
const SMTPUTF8 = /smtputf8|utf-?8 (?:local[- ]part|address)/;
const ACCESS_DENIED = /access denied|not authorized|unauthori[sz]ed/;
const TEMP_FAILURE =
  /temporar(?:y|ily) (?:failure|error|problem|unavailable|deferred|rejected)|try again later|please try (?:again )?later/;

const DIAG_TYPE = /^[a-z0-9-]+; ?/;

const sesSub = (sub: string) => (s: Signals) => s.subType === sub;

export const RULES: readonly Rule[] = [
  // 1. SES never tried the receiver.
  ses('subtype.suppressed', 'suppressed', sesSub('suppressed')),
  ses('subtype.on-account-suppression-list', 'suppressed', sesSub('onaccountsuppressionlist')),

  // A DSN that reports success (action delivered/relayed/expanded) is not a failure at all.
  {
    id: 'action.delivered.success',
    reason: 'delivered',
    test: (s) => s.action === 'delivered' || s.action === 'relayed' || s.action === 'expanded',
  },

  // 2a. Auto-replies.
  text('autoreply', 'vacation', VACATION),

  // 2b. Specific sender-side texts (fix our setup; never the recipient's fault).
  text('microsoft-auth-level', 'securityerror', MS_AUTH_LEVEL),
  text('dmarc', 'authfailure', AUTH_DMARC),
  text('spf', 'authfailure', AUTH_SPF),
  text('dkim', 'authfailure', AUTH_DKIM),
  text('authenticate', 'authfailure', AUTH_GENERIC),
  text('relay', 'norelaying', NO_RELAY),
  text('reverse-dns', 'requireptr', REQUIRE_PTR),
  text('dnsbl', 'blocked', DNSBL),
  text('reputation', 'badreputation', BAD_REPUTATION),
  text('connections', 'toomanyconn', TOO_MANY_CONN),
  text('rate', 'speeding', SPEEDING),
  text('starttls', 'failedstarttls', FAILED_STARTTLS),
  text('auth-required', 'securityerror', SECURITY_AUTH),
  text('rfc5322', 'notcompliantrfc', NOT_RFC),
  text('virus', 'virusdetected', VIRUS),
  text('spam', 'spamdetected', SPAM),
  // RFC 3463 x.6.x is a media/content problem; otherwise "content rejected" is a spam verdict.
  text('content-rejected', 'spamdetected', CONTENT_REJECTED, subjectIsNot(6)),
  text('media', 'contenterror', CONTENT_ERROR),
  text('policy', 'policyviolation', POLICY),
  text('sender', 'rejected', SENDER_REJECTED),
  text('google-groups', 'rejected', GOOGLE_GROUPS),
  text('docomo-after-data', 'rejected', DOCOMO_AFTER_DATA),
  text('at-mail-from', 'rejected', AT_MAIL_FROM),

  // 2c. Specific recipient-side texts.
  // Permanent only: a 4xx "mailbox locked" is a busy mailbox, not a disabled one.
  text('disabled', 'suspend', SUSPEND, permanent),
  text('system-storage', 'systemfull', SYSTEM_FULL),
  text('quota', 'mailboxfull', MAILBOX_FULL),
  text('too-big', 'mesgtoobig', /message (?:is |was )?too (?:large|big)|recipsizelimit/),
  // x.2.3: the recipient's own per-message limit (sisimai: exceedlimit); other size texts: ours is too big.
  status(['x.2.3'], 'exceedlimit'),
  text('size', 'mesgtoobig', TOO_BIG_FOR_US),
  text('moved', 'hasmoved', HAS_MOVED),
  text('null-mx', 'notaccept', NOT_ACCEPT),
  // 556 is RFC 7505's null-MX reply; Microsoft also uses 5.1.10 for unknown recipients, hence the reply test.
  { id: 'reply.notaccept.556', reason: 'notaccept', test: (s) => s.reply === 556 },
  // A DNS failure reported with a temporary code is no proof the domain is gone.
  text('dns-temporary', 'networkerror', HOST_UNKNOWN, transientCode),
  text('no-such-domain', 'hostunknown', HOST_UNKNOWN),
  text('mailer', 'mailererror', /mailer error|unknown mailer/),
  text('exchange-resolver', 'userunknown', UU_EXCHANGE),
  text('gmail', 'userunknown', UU_GMAIL),
  text('yahoo', 'userunknown', UU_YAHOO),
  text('generic', 'userunknown', UU_GENERIC),
  text('weak-5xx', 'userunknown', UU_WEAK, permanent),
  text('on-connect', 'blocked', AT_CONNECT),
  text('access-denied', 'securityerror', ACCESS_DENIED),
  text('recipient-filter', 'filtered', FILTERED),

  // 3. SES subtypes, when the text had nothing specific.
  ses('subtype.noemail', 'userunknown', sesSub('noemail')),
  ses('subtype.mailboxfull', 'mailboxfull', sesSub('mailboxfull')),
  ses('subtype.messagetoolarge', 'mesgtoobig', sesSub('messagetoolarge')),
  ses('subtype.contentrejected', 'contenterror', sesSub('contentrejected')),
  ses('subtype.attachmentrejected', 'policyviolation', sesSub('attachmentrejected')),

  // 4. Transient texts. A DSN that says "delayed" is a message still (or no longer) waiting in a queue.
  text('network', 'networkerror', NETWORK),
  text('system-named', 'systemerror', SYSTEM_ERROR_NAMED),
  { id: 'action.expired.delayed', reason: 'expired', test: (s) => s.action === 'delayed' },
  text('queue', 'expired', EXPIRED),
  text('ldap-or-server', 'systemerror', SYSTEM_ERROR),
  text('local-mailer', 'mailererror', MAILER_ERROR),
  text('smtp-syntax', 'syntaxerror', SYNTAX),
  text('smtputf8', 'onhold', SMTPUTF8),

  // 5. Specific enhanced status codes (RFC 3463, RFC 7372, Microsoft's 5.7.5xx/6xx).
  status(['5.1.1', '5.1.3', '5.1.10'], 'userunknown'),
  status(['5.1.2'], 'hostunknown'),
  status(['x.1.6'], 'hasmoved'),
  status(['x.1.7', 'x.1.8', 'x.7.27'], 'rejected'),
  status(['x.2.1', 'x.7.13'], 'suspend'),
  status(['x.2.2'], 'mailboxfull'),
  status(['x.3.1', 'x.4.5'], 'systemfull'),
  status(['x.3.4'], 'mesgtoobig'),
  status(['x.3.2', 'x.3.5', 'x.4.3'], 'systemerror'),
  status(['5.4.4'], 'hostunknown'),
  status(['x.4.0', 'x.4.7'], 'expired'),
  status(['4.4.1', '4.4.2', '4.4.4', 'x.4.6'], 'networkerror'),
  status(['x.5.1', 'x.5.2', 'x.5.4'], 'syntaxerror'),
  status(['x.6.0', 'x.6.1', 'x.6.2', 'x.6.3', 'x.6.4', 'x.6.5', 'x.6.6'], 'contenterror'),
  status(['x.7.10', 'x.7.11', 'x.7.30'], 'failedstarttls'),
  status(['x.7.20', 'x.7.21', 'x.7.22', 'x.7.23', 'x.7.24', 'x.7.26', 'x.7.29', 'x.7.509'], 'authfailure'),
  status(['x.7.25'], 'requireptr'),
  status(['x.7.28'], 'speeding'),
  status(['x.7.650', 'x.7.651'], 'badreputation'),
  status(['x.7.606', 'x.7.607', 'x.7.608', 'x.7.708'], 'blocked'),
  status(['x.7.9'], 'policyviolation'),
  status(
    ['x.7.515', 'x.7.57', 'x.7.3', 'x.7.4', 'x.7.5', 'x.7.6', 'x.7.7', 'x.7.8', 'x.7.14', 'x.7.15'],
    'securityerror',
  ),
  status(['5.4.1'], 'userunknown'),

  // 6. Generic wording, then generic codes.
  text('temporary', 'onhold', TEMP_FAILURE),
  status(['5.7.0', '5.7.1'], 'securityerror'),
  status(['x.5.0', 'x.5.3', 'x.5.5'], 'syntaxerror'),
  // SES says Transient/General for auto-replies, which carry no SMTP code at all.
  ses(
    'type.transient-general-autoreply',
    'vacation',
    (s) => s.type === 'transient' && s.subType === 'general' && s.status === '' && s.reply === 0,
  ),
  // Plain text with no DSN fields, no diagnostic type (`smtp;`) and no SMTP code is an auto-reply
  // that came back as mail, not a failure report.
  {
    id: 'fallback.vacation.no-dsn',
    reason: 'vacation',
    test: (s) =>
      s.action === '' &&
      s.status === '' &&
      s.reply === 0 &&
      s.type === '' &&
      s.text !== '' &&
      !DIAG_TYPE.test(s.text),
  },
  // Some evidence of a failure, but none we can read: sisimai's "onhold" (undecided).
  {
    id: 'fallback.onhold.undecided',
    reason: 'onhold',
    test: (s) => s.klass !== 0 || s.type !== '' || s.text !== '' || s.action !== '',
  },
];

/** The rule reported when nothing at all is known (no code, no text, no SES type). */
export const FALLBACK_RULE: Rule = { id: 'fallback.undefined', reason: 'undefined', test: () => true };

/** Reference semantics: every rule in order. Slow; the compiled matcher must agree with it. */
export function firstMatchLinear(s: Signals): Rule {
  for (const rule of RULES) if (rule.test(s)) return rule;
  return FALLBACK_RULE;
}

/** The rule table compiled for speed (same answers as `firstMatchLinear`). */
export const firstMatch: Matcher = compile(RULES, FALLBACK_RULE);
