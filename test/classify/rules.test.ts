import { describe, expect, it } from 'vitest';
import { classify, type Reason, type RecipientBounce } from '../../shared/core/classify/index';

type Case = readonly [
  name: string,
  status: string | null,
  diagnosticCode: string,
  reason: Reason,
  rule?: string,
];

function run(cases: readonly Case[]) {
  for (const [name, status, diagnosticCode, reason, rule] of cases) {
    it(name, () => {
      const input: RecipientBounce = { action: 'failed', diagnosticCode };
      if (status !== null) input.status = status;
      const got = classify(input);
      expect(got.reason).toBe(reason);
      if (rule !== undefined) expect(got.rule).toBe(rule);
    });
  }
}

describe('recipient unknown', () => {
  run([
    [
      'Gmail 550-5.1.1 does not exist',
      '5.1.1',
      "smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. Learn more at 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser d2si1 - gsmtp",
      'userunknown',
      'receiver.userunknown.gmail-no-such-user',
    ],
    [
      'Exchange Online 5.1.10 RecipientNotFound',
      '5.1.10',
      'smtp; 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
      'userunknown',
      'text.userunknown.exchange-resolver',
    ],
    [
      'Exchange on-prem 5.1.1 RecipNotFound',
      '5.1.1',
      'smtp; #550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##',
      'userunknown',
      'text.userunknown.exchange-resolver',
    ],
    [
      'Exchange ExRecipNotFound',
      '5.1.1',
      'smtp; 550 5.1.1 RESOLVER.ADR.ExRecipNotFound; not found',
      'userunknown',
      'text.userunknown.exchange-resolver',
    ],
    [
      'Microsoft 365 directory-based edge blocking 5.4.1',
      '5.4.1',
      'smtp; 550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [DB5EUR03FT.eop-EUR03.prod.protection.outlook.com]',
      'userunknown',
    ],
    [
      'Yahoo dd',
      null,
      "smtp; 554 delivery error: dd This user doesn't have a yahoo.com account (nobody@yahoo.com) [0] - mta1021.mail.gq1.yahoo.com",
      'userunknown',
      'receiver.userunknown.yahoo-no-such-user',
    ],
    [
      'AOL dd',
      '5.0.0',
      'smtp; 554 delivery error: dd Sorry your message to nobody@aol.com cannot be delivered. This account has been disabled or discontinued [#102]. - mta.aol',
      'suspend',
    ],
    ['iCloud', '5.1.1', 'smtp; 550 5.1.1 <nobody@icloud.com>: user does not exist', 'userunknown'],
    [
      'Postfix local recipient table',
      '5.1.1',
      'smtp; 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in local recipient table',
      'userunknown',
    ],
    [
      'Postfix virtual alias table',
      '5.1.1',
      'smtp; 550 5.1.1 <x@example.org>: Recipient address rejected: User unknown in virtual alias table',
      'userunknown',
    ],
    ['Exim', null, 'smtp; 550 No Such User Here', 'userunknown'],
    ['qmail', '5.1.1', 'smtp; Sorry, no mailbox here by that name. (#5.1.1)', 'userunknown'],
    ['Sendmail', '5.1.1', 'smtp; 550 5.1.1 <x@example.jp>... User unknown', 'userunknown'],
    [
      'Mimecast',
      '5.0.0',
      'smtp; 550 Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550',
      'userunknown',
    ],
    ['Proofpoint', '5.1.1', 'smtp; 550 5.1.1 User Unknown', 'userunknown'],
    [
      'mailbox unavailable 550',
      '5.0.0',
      'smtp; 550 Requested action not taken: mailbox unavailable',
      'userunknown',
    ],
    [
      'French receiver',
      '5.5.0',
      'smtp; 550 5.5.0 Adresse destinataire invalide. Invalid recipient.',
      'userunknown',
    ],
    ['status 5.1.1 alone', '5.1.1', '', 'userunknown', 'status.userunknown.5.1.1+5.1.3+5.1.10'],
  ]);
});

describe('host / domain', () => {
  run([
    [
      'Postfix DNS',
      '5.4.4',
      'smtp; Host or domain name not found. Name service error for name=example.invalid type=A: Host not found',
      'hostunknown',
    ],
    ['Exim unrouteable', null, 'smtp; Unrouteable address', 'hostunknown'],
    [
      'temporary DNS failure',
      '4.4.3',
      'smtp; Host or domain name not found. Name service error for name=example.com type=MX: Host not found, try again',
      'networkerror',
    ],
    [
      'null MX reply 556',
      '5.1.10',
      'smtp; 556 5.1.10 Recipient address rejected: Domain example.com does not accept mail (nullMX)',
      'notaccept',
    ],
    ['no MX', null, 'smtp; No MX found for domain', 'notaccept', 'text.notaccept.no-mx'],
    [
      'no MX and no A record, permanent code',
      '5.4.4',
      'smtp; 550 5.4.4 There is no MX or A record for the domain example.net',
      'notaccept',
      'text.notaccept.no-mx',
    ],
    [
      'no MX under a temporary code: DNS trouble, not a domain without mail',
      '4.4.4',
      'smtp; 451 4.4.4 No MX records for example.net right now',
      'networkerror',
      'text.networkerror.no-mx-temporary',
    ],
    [
      'no mail exchanger under a 4xx reply without an enhanced code',
      null,
      'smtp; 421 Could not find a mail exchanger for example.net',
      'networkerror',
      'text.networkerror.no-mx-temporary',
    ],
    ['status 5.1.2 alone', '5.1.2', 'smtp; 550 5.1.2 Bad destination system address', 'hostunknown'],
  ]);
});

describe('mailbox full / disabled / moved', () => {
  run([
    [
      'Gmail over quota 452 4.2.2',
      '4.2.2',
      'smtp; 452-4.2.2 The email account that you tried to reach is over quota. Please direct 452 4.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaTemp - gsmtp',
      'mailboxfull',
    ],
    [
      'Exchange quota',
      '5.2.2',
      'smtp; 554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException',
      'mailboxfull',
    ],
    [
      'Yahoo 552 mailbox not found (text beats 5.2.2)',
      '5.2.2',
      'smtp; 552 1 Requested mail action aborted, mailbox not found',
      'userunknown',
    ],
    ['text beats 5.1.1', '5.1.1', 'smtp; 550 5.1.1 mailbox full', 'mailboxfull'],
    [
      'Dovecot quota',
      '5.2.2',
      'smtp; 552 5.2.2 <x@example.org> Quota exceeded (mailbox for user is full)',
      'mailboxfull',
    ],
    [
      'Gmail disabled',
      '5.2.1',
      'smtp; 550-5.2.1 The email account that you tried to reach is disabled. Learn more at 550 5.2.1 https://support.google.com/mail/?p=DisabledUser - gsmtp',
      'suspend',
    ],
    ['status 5.2.1 alone', '5.2.1', '', 'suspend'],
    ['moved', '5.1.6', 'smtp; 550 5.1.6 recipient no longer on server: x@example.org', 'hasmoved'],
  ]);
});

describe('sender side: blocklists, reputation, rate', () => {
  run([
    [
      'our IP, masked, said to be blocked',
      '5.0.0',
      'smtp; 554 192.0.2.7 blocked by list.example.net, see the postmaster page',
      'blocked',
      'text.blocked.dnsbl',
    ],
    [
      'a DNS-based RBL named in one word',
      null,
      'smtp; 550 DNSRBL: your mail was refused',
      'blocked',
      'text.blocked.dnsbl',
    ],
    [
      'Spamhaus via Postfix',
      '5.7.1',
      'smtp; 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1',
      'blocked',
      'text.blocked.dnsbl',
    ],
    [
      '5.7.1 + spamhaus is blocked, not security',
      '5.7.1',
      'smtp; 550 5.7.1 rejected because 192.0.2.1 is listed at spamhaus',
      'blocked',
    ],
    [
      'Barracuda',
      '5.7.1',
      'smtp; 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using Barracuda Reputation; http://www.barracudanetworks.com/reputation/?pr=1&ip=192.0.2.1',
      'blocked',
    ],
    ['SpamCop', null, 'smtp; 550 5.7.1 Blocked - see http://www.spamcop.net/bl.shtml?192.0.2.1', 'blocked'],
    [
      'Yahoo BL',
      '5.7.1',
      "smtp; 553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus's list",
      'blocked',
    ],
    [
      'Outlook banned IP 5.7.606',
      '5.7.606',
      'smtp; 550 5.7.606 Access denied, banned sending IP [192.0.2.1]. To request removal from this list please visit https://sender.office.com/',
      'blocked',
    ],
    [
      'Outlook IP reputation 4.7.650',
      '4.7.650',
      'smtp; 451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation.',
      'badreputation',
    ],
    [
      'Gmail low reputation',
      '5.7.1',
      'smtp; 550-5.7.1 [192.0.2.1] Our system has detected that this message is likely suspicious due to the very low reputation of the sending IP address.',
      'badreputation',
    ],
    [
      'Gmail 421-4.7.0 unsolicited rate',
      '4.7.0',
      'smtp; 421-4.7.0 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. - gsmtp',
      'speeding',
    ],
    [
      'Gmail receiving rate',
      '4.2.1',
      'smtp; 450-4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered. - gsmtp',
      'speeding',
    ],
    ['connection rate', '4.3.2', 'smtp; 452 4.3.2 Connection rate limit exceeded.', 'toomanyconn'],
    [
      'too many connections',
      '4.7.0',
      'smtp; 421 4.7.0 Too many concurrent SMTP connections from this IP address; please try again later.',
      'toomanyconn',
    ],
  ]);
});

describe('sender side: authentication and PTR', () => {
  run([
    [
      'Gmail DMARC 5.7.26',
      '5.7.26',
      "smtp; 550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's 550-5.7.26 DMARC policy. Please contact the administrator of example.com domain - gsmtp",
      'authfailure',
    ],
    [
      'Outlook DMARC 5.7.509',
      '5.7.509',
      'smtp; 550 5.7.509 Access denied, sending domain [EXAMPLE.COM] does not pass DMARC verification and has a DMARC policy of reject.',
      'authfailure',
    ],
    [
      'Yahoo DMARC',
      '5.7.9',
      'smtp; 554 5.7.9 Message not accepted for policy reasons. DMARC policy reject',
      'authfailure',
    ],
    [
      'Gmail SPF',
      '5.7.26',
      'smtp; 550-5.7.26 The MAIL FROM domain [example.com] has an SPF record with a hard fail 550-5.7.26 policy (-all) but it fails to pass SPF checks with the ip: [192.0.2.1]',
      'authfailure',
    ],
    ['DKIM', '5.7.1', 'smtp; 550 5.7.1 DKIM signature verification failed', 'authfailure'],
    ['status 5.7.26 alone', '5.7.26', '', 'authfailure'],
    [
      'PTR required',
      null,
      'smtp; 550 5.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.1]',
      'requireptr',
    ],
    [
      'Comcast PTR',
      null,
      'smtp; 554 resimta-po-20v.sys.comcast.net comcast 192.0.2.1 Comcast requires that all mail servers must have a PTR record with a valid Reverse DNS entry.',
      'requireptr',
    ],
    ['relay denied', '5.7.1', 'smtp; 554 5.7.1 <x@example.com>: Relay access denied', 'norelaying'],
    ['auth required', '5.7.1', 'smtp; 530 5.7.1 Authentication required', 'securityerror'],
    [
      'Microsoft auth level 5.7.515',
      '5.7.515',
      "smtp; 550 5.7.515 Access denied, sending domain EXAMPLE.COM doesn't meet the required authentication level.",
      'securityerror',
    ],
    ['STARTTLS required', '5.7.10', 'smtp; 530 5.7.0 Must issue a STARTTLS command first', 'failedstarttls'],
    [
      'generic 5.7.1 access denied',
      '5.7.1',
      'smtp; 550 5.7.1 <x@example.jp>... Access denied',
      'securityerror',
    ],
  ]);
});

describe('sender side: content, spam, policy, size', () => {
  run([
    [
      'Gmail spam',
      '5.7.1',
      'smtp; 550-5.7.1 Our system has detected that this message is 550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail, - gsmtp',
      'spamdetected',
    ],
    ['Amavis', '5.7.0', 'smtp; 554 5.7.0 Reject, id=12345-01 - SPAM', 'spamdetected'],
    [
      'Proofpoint content',
      '5.7.1',
      'smtp; 550 5.7.1 Message content rejected, UBE, id=00000-00-000',
      'spamdetected',
    ],
    ['media 5.6.x content rejected', '5.6.1', 'smtp; 500 5.6.1 Message content rejected', 'contenterror'],
    [
      'virus',
      '5.7.1',
      'smtp; 554 5.7.1 The message was rejected because it contains prohibited virus or spam content',
      'virusdetected',
    ],
    [
      'Gmail blocked content',
      '5.7.0',
      'smtp; 552-5.7.0 This message was blocked because its content presents a potential 552-5.7.0 security issue. - gsmtp',
      'policyviolation',
    ],
    [
      'Yahoo policy',
      '5.7.9',
      'smtp; 554 5.7.9 Message not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes',
      'policyviolation',
    ],
    [
      'Gmail RFC 5322',
      '5.7.1',
      'smtp; 550-5.7.1 [192.0.2.1] Our system has detected that this message is 550-5.7.1 not RFC 5322 compliant: Multiple From headers found. - gsmtp',
      'notcompliantrfc',
    ],
    [
      'Exchange size',
      '5.2.3',
      'smtp; 550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient',
      'mesgtoobig',
    ],
    [
      'Sendmail size 5.3.4',
      '5.3.4',
      'smtp; 552 5.3.4 Message size exceeds fixed maximum message size (10485760)',
      'mesgtoobig',
    ],
    [
      'Gmail size 5.2.3',
      '5.2.3',
      "smtp; 552-5.2.3 Your message exceeded Google's message size limits.",
      // Google's system-wide limit (not the recipient's own): too big for the system, whatever the code.
      'mesgtoobig',
    ],
    ['sender address rejected', '5.1.8', 'smtp; 501 5.1.8 Sender address rejected', 'rejected'],
    [
      'rejected at MAIL FROM',
      '5.7.1',
      'smtp; host mx.example.jp[192.0.2.1] said: 550 5.7.1 Access denied (in reply to MAIL FROM command)',
      'rejected',
    ],
  ]);
});

describe('transient and other', () => {
  run([
    [
      'SES expired',
      '4.4.7',
      'smtp; 554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>',
      'expired',
    ],
    ['no route', '4.4.1', 'smtp; connect to mx.example.com[192.0.2.1]:25: No route to host', 'networkerror'],
    ['mail loop', '5.4.6', 'smtp; 554 5.4.6 Too many hops', 'networkerror'],
    ['LDAP', '4.4.3', 'smtp; Unable to contact LDAP server. (#4.4.3)', 'systemerror'],
    ['server disk full', '4.3.1', 'smtp; 452 4.3.1 Insufficient system storage', 'systemfull'],
    ['pipe', '5.0.0', 'x-unix; pipe to |/usr/local/bin/handler exited with status 1', 'mailererror'],
    ['syntax', '5.5.2', 'smtp; 500 5.5.2 Syntax error, command unrecognized', 'syntaxerror'],
    ['auto reply', null, 'I am currently out of the office with limited access to email.', 'vacation'],
    ['German auto reply', null, 'Ich bin bis 12.08. nicht im Büro. Abwesenheitsnotiz', 'vacation'],
    ['temporary failure', '4.0.0', 'smtp; 450 4.0.0 Temporary failure', 'onhold'],
    ['a failure with no text or code', null, '', 'onhold', 'fallback.onhold.undecided'],
    // RFC 3463 x.0.0 is "other undefined status": only the class of the failure is known.
    ['only x.0.0, no text', '5.0.0', '', 'undefined', 'status.undefined.x.0.0-alone'],
    ['only 4.0.0, no text', '4.0.0', '', 'undefined', 'status.undefined.x.0.0-alone'],
    [
      'x.0.0 with words we cannot read',
      '5.0.0',
      'smtp; nothing we know',
      'onhold',
      'fallback.onhold.undecided',
    ],
    ['x.0.0 with a reply code alone', '5.0.0', 'smtp; 550', 'onhold', 'fallback.onhold.undecided'],
  ]);
});

describe('nothing known', () => {
  it('an empty record is undefined', () => {
    expect(classify({})).toMatchObject({
      reason: 'undefined',
      rule: 'fallback.undefined',
      party: 'transient',
    });
  });
  it('null-ish fields are tolerated', () => {
    const input = { status: null, diagnosticCode: null } as unknown as RecipientBounce;
    expect(classify(input).reason).toBe('undefined');
  });
  it('a bad status is ignored, not thrown', () => {
    expect(classify({ status: 'five', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }).reason).toBe(
      'userunknown',
    );
  });
});

describe('more provider wordings', () => {
  run([
    [
      'Gmail 2024 unauthenticated sender',
      '5.7.26',
      'smtp; 550-5.7.26 This mail has been blocked because the sender is unauthenticated. 550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.',
      'authfailure',
    ],
    [
      'Microsoft traffic from IP',
      '5.7.708',
      'smtp; 550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.',
      'blocked',
    ],
    [
      'Yahoo TSS09',
      '5.7.2',
      'smtp; 553 5.7.2 [TSS09] All messages from 192.0.2.1 will be permanently deferred; Retrying will NOT succeed.',
      'blocked',
    ],
    [
      'iCloud local policy',
      '5.7.1',
      'smtp; 550 5.7.1 [CS01] Message rejected due to local policy.',
      'policyviolation',
    ],
    [
      'Gmail inactive',
      '5.2.1',
      'smtp; 550 5.2.1 The email account that you tried to reach is inactive.',
      'suspend',
    ],
    [
      'Mimecast user entry',
      '5.0.0',
      'smtp; 550 Envelope blocked - User Entry - https://community.mimecast.com/docs/DOC-1369#550',
      'filtered',
    ],
    [
      'Microsoft block list',
      '5.7.1',
      "smtp; 550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140).",
      'blocked',
    ],
    [
      'Postfix sender domain not found',
      '4.1.8',
      'smtp; 450 4.1.8 <bounce@example.com>: Sender address rejected: Domain not found',
      'rejected',
    ],
    [
      'qmail rcpthosts',
      '5.7.1',
      "smtp; 553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)",
      'norelaying',
    ],
    ['Comcast not our customer', '5.1.1', 'smtp; 550 5.1.1 Not our Customer', 'userunknown'],
    [
      'docomo refuses our sender after DATA',
      '5.0.0',
      'smtp; host mfsmax.docomo.ne.jp[192.0.2.1] said: 550 Unknown user x@docomo.ne.jp (in reply to end of DATA command)',
      'rejected',
    ],
    [
      'docomo unknown user at RCPT is unknown',
      '5.1.1',
      'smtp; host mfsmax.docomo.ne.jp[192.0.2.1] said: 550 Unknown user x@docomo.ne.jp (in reply to RCPT TO command)',
      'userunknown',
    ],
    [
      'Exchange hop count',
      '5.4.14',
      'smtp; 554 5.4.14 Hop count exceeded - possible mail loop ATTR34',
      'networkerror',
    ],
  ]);
});

describe('our HELO family stops at a transcript marker', () => {
  it('a HELO line before the reply to RCPT TO does not make the reply about our host', () => {
    const got = classify({
      action: 'failed',
      diagnosticCode: 'smtp; >>> EHLO out.example.com >>> RCPT TO:<pat@example.org> <<< 550 unknown user',
    });
    expect(got.rule).not.toBe('text.blocked.our-host-unknown');
    expect(got.reason).toBe('userunknown');
  });
});

describe('successes', () => {
  it.each([
    [{ action: 'delivered', status: '2.0.0', diagnosticCode: 'smtp; 250 2.0.0 OK' }],
    [{ action: 'relayed', diagnosticCode: 'smtp; 250 ok' }],
  ])('%j is delivered and ignored', (input) => {
    expect(classify(input)).toMatchObject({
      reason: 'delivered',
      party: 'none',
      decision: 'ignore',
      hard: false,
    });
  });
});

describe('guards against over-reach', () => {
  run([
    [
      'an address that does not exist is a user, not a domain',
      '5.0.0',
      'smtp; 550 bob@example.com does not exist',
      'userunknown',
    ],
    [
      'a host that does not exist is a domain',
      null,
      'smtp; 553 mx.example.net does not exist',
      'hostunknown',
    ],
    [
      '"too many messages in this mailbox" is full, not speeding',
      '5.2.2',
      'smtp; 552 5.2.2 Too many messages in this mailbox',
      'mailboxfull',
    ],
    [
      'we send too many messages: still our rate, not a full mailbox',
      '4.0.0',
      'smtp; 450 Too many messages from your server in the last hour',
      'speeding',
    ],
    [
      'a message over the allowed size stays a size refusal; the mailbox over it is full',
      '5.0.0',
      'smtp; 552 Message exceeds allowed size',
      'mesgtoobig',
    ],
    [
      'our HELO name said not to exist is a refusal of our host',
      '5.0.0',
      'smtp; 550 HELO argument does not resolve to a known host',
      'blocked',
      'text.blocked.our-host-unknown',
    ],
    [
      'unknown user in the envelope sender is ours',
      null,
      'smtp; 550 Unknown user in the MAIL FROM address',
      'rejected',
      'text.rejected.at-mail-from',
    ],
    [
      'a header address of our message is ours',
      null,
      'smtp; 550 The sender header address does not exist',
      'rejected',
    ],
    [
      'a locked mailbox with a 4xx code is not suspended',
      '4.2.0',
      'smtp; 450 4.2.0 Mailbox is locked, try again later',
      'onhold',
    ],
    [
      'a sender address said to be unknown is ours, with the address between',
      '5.1.1',
      'smtp; 550 5.1.1 Sender address <noreply@example.com>: user unknown',
      'rejected',
    ],
    [
      'a sender address said not to exist is ours',
      null,
      'smtp; 553 sender <bounce@example.com> does not exist',
      'rejected',
    ],
    [
      'Gmail unauthenticated, other wording',
      '5.7.26',
      'smtp; 550 5.7.26 Unauthenticated email is not accepted from this domain.',
      'authfailure',
    ],
  ]);
});
