import { describe, expect, it } from 'vitest';
import { classify } from '../../shared/core/classify/index';

/**
 * What makes a suppression (docs/classification.md, "The evidence ladder"), one block per kind of
 * miss the held-out sets showed. Every reply here is written for this test from the meaning of the
 * codes (RFC 5321, RFC 3463) and of the words — none is a corpus line.
 */
type Case = readonly [status: string | null, diagnosticCode: string];

const run = ([status, diagnosticCode]: Case) =>
  classify({ action: 'failed', diagnosticCode, ...(status === null ? {} : { status }) });

const suppresses = (decision: string) => decision === 'suppress' || decision === 'suppress-temporarily';

describe('words inside addresses, host names and URLs fire no phrase family', () => {
  it.each<readonly [string | null, string, string]>([
    // A local part or domain made of family words; the reply itself only says "mailbox unavailable".
    [
      '4.2.0',
      'smtp; 450 4.2.0 <no-such-user@example.org>: mailbox temporarily unavailable',
      'onhold|systemerror',
    ],
    ['5.0.0', 'smtp; 550 <spam.reports@example.org> please resend with a shorter subject', 'onhold'],
    ['5.0.0', 'smtp; 554 mail for virus-lab@example.org refused by its owner', 'blocked'],
    // A host named after a product, and a URL whose path names a meaning.
    [
      '4.0.0',
      'smtp; 421 4.0.0 antispam.mailbox-full.example.net closing connection',
      'onhold|networkerror|systemerror',
    ],
    ['5.0.0', 'smtp; 550 see https://help.example.net/user-unknown/faq for our sending rules', 'onhold'],
  ])('%s %s → %s', (status, text, reasons) => {
    const got = run([status, text]);
    expect(got.reason, got.rule).toMatch(new RegExp(`^(?:${reasons})$`));
    expect(suppresses(got.decision), got.rule).toBe(false);
  });

  it.each<Case>([
    // the families added for issue 25's plain-English variants, spelled inside addresses and hosts
    ['5.0.0', 'smtp; 550 <account-was-deleted@example.org>: message refused by the content filter'],
    ['5.0.0', 'smtp; 550 <never-existed@example.org> please resend as plain text'],
    ['5.0.0', 'smtp; 550 relay at address-not-registered.example.net rejected the message body'],
    ['5.0.0', 'smtp; 550 <not-in-use@example.org>: message refused by its owner'],
  ])('the newer unknown-user families do not fire inside an address or host: %s %s', (status, text) => {
    const got = run([status, text]);
    expect(got.reason, got.rule).not.toBe('userunknown');
    expect(suppresses(got.decision), got.rule).toBe(false);
  });

  it("reads a blocklist zone from the hosts a reply names, not from an address's domain", () => {
    // A recipient (or any address) at a domain named like a DNS blocklist zone is no blocklisting.
    for (const text of [
      'smtp; 550 <jo@spamcop.net>: recipient rejected',
      'smtp; 554 <jo@spamhaus.org>: rejected',
      'smtp; 421 mailbox of jo@sorbs.net busy, try later',
    ])
      expect(run(['5.0.0', text]).rule, text).not.toBe('text.blocked.dnsbl-zone');
    expect(
      run(['5.7.1', 'smtp; 554 5.7.1 Client host [192.0.2.9] blocked using zen.spamhaus.org']).reason,
    ).toBe('blocked');
    expect(run([null, 'smtp; 550 rejected, listed at b.barracudacentral.org']).rule).toBe(
      'text.blocked.dnsbl-zone',
    );
  });

  it('still reads the words around a masked address', () => {
    expect(run(['5.0.0', 'smtp; 550 <someone@example.org>... User unknown']).reason).toBe('userunknown');
    expect(run([null, 'smtp; 550 someone@example.org does not exist here']).reason).toBe('userunknown');
    expect(run([null, 'smtp; 550 Domain mail.example.org does not exist']).reason).toBe('hostunknown');
  });
});

describe('a refusal at a stage where the recipient is not known yet does not suppress', () => {
  it.each<readonly [string | null, string, string]>([
    // After DATA, words without the destination's code may be about any address in the message.
    ['5.0.0', 'smtp; 550 Recipient unknown (in reply to end of DATA command)', 'filtered'],
    [
      '5.0.0',
      'smtp; SMTP error from remote mail server after end of data: 550 No such user here',
      'filtered',
    ],
    // a host that does not exist, named after the data: not necessarily the recipient's domain
    [null, 'smtp; 550 relay.example.com does not exist (in reply to end of DATA command)', 'filtered'],
    ['5.0.0', 'smtp; 554 domain does not exist (in reply to MAIL FROM command)', 'rejected'],
    ['5.0.0', 'smtp; 550 Host unknown: your HELO name (in reply to EHLO command)', 'blocked'],
    ['5.0.0', 'smtp; host mx.example.org refused to talk to me: 554 host not found', 'blocked'],
    ['5.0.0', 'smtp; 550 That mailbox was deleted (in reply to MAIL FROM command)', 'rejected'],
    ['5.0.0', 'smtp; 550 Address is not registered (in reply to MAIL FROM command)', 'rejected'],
    ['5.0.0', 'smtp; 550 The account never existed (in reply to EHLO command)', 'blocked'],
  ])('%s %s → %s', (status, text, reason) => {
    const got = run([status, text]);
    expect(got.reason, got.rule).toBe(reason);
    expect(suppresses(got.decision), got.rule).toBe(false);
  });

  // 5.1.1 / 5.1.2 are about the destination address (the sender's have x.1.7 / x.1.8), and some
  // receivers answer for each recipient only after the data (LMTP, RFC 2033 §4.2).
  it.each<readonly [string | null, string, string]>([
    ['5.1.1', 'smtp; 550 5.1.1 Recipient unknown (in reply to end of DATA command)', 'userunknown'],
    [
      null,
      'smtp; SMTP error from remote mail server after end of data: 550 5.1.1 <pat@example.org>: no such mailbox here',
      'userunknown',
    ],
    [
      '5.1.2',
      'smtp; 550 5.1.2 Destination domain does not exist (in reply to end of DATA command)',
      'hostunknown',
    ],
  ])('after DATA, words and the destination code together suppress: %s %s', (status, text, reason) => {
    const got = run([status, text]);
    expect(got.reason, got.rule).toBe(reason);
    expect(got.decision).toBe('suppress');
  });

  it.each<Case>([
    // weak wording, even with 5.1.1
    ['5.1.1', 'smtp; 550 5.1.1 Mailbox unavailable (in reply to end of DATA command)'],
    // the words name a header or sender address
    ['5.1.1', 'smtp; 550 5.1.1 From: header address unknown (in reply to end of DATA command)'],
    ['5.1.1', 'smtp; 550 5.1.1 Reply-To address does not exist (in reply to end of DATA command)'],
    ['5.1.2', 'smtp; 550 5.1.2 Envelope sender domain does not exist (in reply to end of DATA command)'],
    // a policy code, a temporary code, temporary wording
    ['5.7.1', 'smtp; 550 5.7.1 User unknown (in reply to end of DATA command)'],
    ['4.1.1', 'smtp; 450 4.1.1 User unknown (in reply to end of DATA command)'],
    ['5.1.1', 'smtp; 550 5.1.1 User unknown, try again later (in reply to end of DATA command)'],
    // the mail system's own failures with 5.1.1
    ['5.1.1', 'smtp; 550 5.1.1 Forwarding loop detected for this user (in reply to end of DATA command)'],
    // another stage with the same pair
    ['5.1.1', 'smtp; 550 5.1.1 User unknown (in reply to MAIL FROM command)'],
  ])('after DATA or another stage, anything less does not suppress: %s %s', (status, text) => {
    const got = run([status, text]);
    expect(suppresses(got.decision), `${got.reason} ${got.rule}`).toBe(false);
  });

  it('suppresses the same words at RCPT TO, or when no stage is named', () => {
    expect(run(['5.1.1', 'smtp; 550 5.1.1 Recipient unknown (in reply to RCPT TO command)']).decision).toBe(
      'suppress',
    );
    expect(run(['5.1.1', 'smtp; 550 5.1.1 Recipient unknown']).decision).toBe('suppress');
  });
});

describe('temporary codes and wording under a permanent-looking verdict do not suppress', () => {
  it.each<Case>([
    // 4xx reply with a permanent enhanced code: the reply code is what the client acts on.
    ['5.1.1', 'smtp; 450 5.1.1 User unknown'],
    ['4.1.1', 'smtp; 550 4.1.1 Mailbox does not exist'],
    ['5.1.2', 'smtp; 550 5.1.2 Host unknown; the name server returned SERVFAIL'],
    ['5.4.4', 'smtp; 554 5.4.4 Unable to route: DNS lookup timed out'],
    ['5.1.1', 'smtp; 550 5.1.1 User unknown at the moment; please try again later'],
    ['5.1.2', 'smtp; 550 5.1.2 Domain not found (temporary failure in name resolution)'],
    // DNS answers that are no answer: REFUSED, a silent name server, the resolver's "try again"
    ['5.1.2', 'smtp; 550 5.1.2 Bad destination host: the query was refused by its name server'],
    ['5.4.4', 'smtp; 550 5.4.4 Host not found: the name servers did not respond'],
    [null, 'smtp; 550 Domain name not found, try again'],
    ['5.0.0', 'smtp; 550 Unknown host (query timeout)'],
    // "not now" or "could not check", not "does not exist"
    ['5.1.1', 'smtp; 550 5.1.1 Recipient unknown; the system will retry'],
    ['5.0.0', 'smtp; 550 Mailbox not found at the moment, resend later'],
    ['5.1.1', 'smtp; 550 5.1.1 Directory is busy: user unknown'],
    ['5.1.1', 'smtp; 550 5.1.1 We were unable to verify this recipient'],
    ['5.0.0', 'smtp; 550 No such user right now'],
  ])('%s %s', (status, text) => {
    const got = run([status, text]);
    expect(suppresses(got.decision), `${got.reason} ${got.rule}`).toBe(false);
    expect(got.hard).toBe(false);
  });
});

describe('a permanent refusal that only suggests checking the address still suppresses', () => {
  it.each<Case>([
    ['5.1.1', 'smtp; 550 5.1.1 User unknown. Check the address and try again'],
    ['5.1.2', 'smtp; 550 5.1.2 Host unknown: the domain returned NXDOMAIN'],
    ['5.1.1', 'smtp; 550 5.1.1 Unknown recipient, please correct the address and retry'],
  ])('%s %s', (status, text) => {
    expect(run([status, text]).decision).toBe('suppress');
  });
});

describe('plain-English variants of the commonest meanings', () => {
  it.each<Case>([
    ['5.0.0', 'smtp; 550 No mailbox found for this recipient'],
    ['5.0.0', 'smtp; 550 This is not an active address at this organisation'],
    ['5.7.1', 'smtp; 550 5.7.1 Recipient address not recognised'],
    ['5.0.0', 'smtp; 550 There is no final delivery point for this address'],
    ['5.0.0', 'smtp; 550 Invalid user id'],
    ['5.0.0', 'smtp; 550 Directory lookup returned no match for the recipient'],
    ['5.0.0', 'smtp; 550 We could not find the recipient in our systems'],
    ['5.0.0', 'smtp; 550 Adresse non reconnue par ce serveur'],
    ['5.0.0', 'smtp; 550 Buzón no encontrado'],
    ['5.0.0', 'smtp; 550 Caixa postal não encontrada'],
    ['5.0.0', 'smtp; 550 Casella non trovata'],
    ['5.0.0', 'smtp; 550 Postfach wurde nicht gefunden'],
    ['5.0.0', 'smtp; 550 The mailbox for this address was deleted'],
    ['5.0.0', 'smtp; 550 Recipient account has been removed'],
    ['5.0.0', 'smtp; 550 Sorry, that account was purged'],
    ['5.0.0', 'smtp; 550 That recipient has no mailbox on this host'],
    ['5.0.0', 'smtp; 550 The given address is not registered here'],
    ['5.0.0', 'smtp; 550 This mailbox is not in use'],
    ['5.0.0', 'smtp; 550 That address never existed on this system'],
    ['5.0.0', 'smtp; 550 Address not in our valid recipient table'],
    ['5.0.0', 'smtp; 550 Diese E-Mail-Adresse ist hier nicht bekannt'],
    ['5.0.0', 'smtp; 550 Casella di posta sconosciuta'],
  ])('unknown user: %s %s', (status, text) => {
    const got = run([status, text]);
    expect(got.reason, got.rule).toBe('userunknown');
    expect(got.decision).toBe('suppress');
  });

  it.each<Case>([
    ['5.0.0', 'smtp; 552 The mailbox has exceeded its size limit'],
    ['4.0.0', 'smtp; 452 Too many messages stored in this mailbox'],
    ['5.0.0', 'smtp; 550 The recipient is over the allowed mailbox size'],
    ['5.0.0', 'smtp; 552 The inbox has run out of storage space'],
    ['5.0.0', 'smtp; 552 This mailbox exceeds its permitted storage'],
    ['5.0.0', 'smtp; 550 Mailbox exceeds the maximum size, ask the owner to clean up'],
    ['5.0.0', 'smtp; 550 The mailbox has too many messages, ask the owner to delete some'],
    ['4.0.0', 'smtp; 452 Too many messages stored in the recipient mailbox'],
    ['4.0.0', 'smtp; 452 Too many messages in the user mailbox'],
    ['5.0.0', 'smtp; 550 Boîte de réception pleine'],
    ['5.0.0', 'smtp; 552 Boîte aux lettres saturée'],
    ['5.0.0', 'smtp; 552 Buzón saturado'],
    ['5.0.0', 'smtp; 552 Caixa postal lotada'],
  ])('mailbox full: %s %s', (status, text) => {
    const got = run([status, text]);
    expect(got.reason, got.rule).toBe('mailboxfull');
    expect(got.decision).toBe('count-soft');
  });

  it.each<Case>([
    ['5.0.0', 'smtp; 550 Recipient domain is not registered'],
    ['5.0.0', 'smtp; 550 Non-existent domain'],
    ['5.1.2', 'smtp; 550 5.1.2 The domain name could not be found'],
  ])('domain unknown: %s %s', (status, text) => {
    const got = run([status, text]);
    expect(got.reason, got.rule).toBe('hostunknown');
    expect(got.decision).toBe('suppress');
  });

  it('rate and message-size wordings stay ours', () => {
    expect(run(['4.0.0', 'smtp; 421 Too many messages from your IP, slow down']).reason).toBe('speeding');
    expect(run(['5.3.4', 'smtp; 552 5.3.4 Message size exceeds the fixed limit']).reason).toBe('mesgtoobig');
  });
});

describe('mail-system errors with user-unknown codes are no suppression', () => {
  it.each<readonly [string | null, string, string]>([
    ['5.1.1', 'smtp; 550 5.1.1 Mail forwarding loop for the recipient', 'networkerror'],
    ['5.1.1', 'smtp; 554 5.1.1 Too many hops, the message is looping', 'networkerror'],
    ['5.1.1', 'smtp; 550 5.1.1 Alias expansion failed for the recipient', 'systemerror'],
    ['5.1.1', 'smtp; 550 5.1.1 Unable to expand the distribution list', 'systemerror'],
    ['5.1.1', 'smtp; 550 5.1.1 Aliases nested too deep: too many levels of aliasing', 'networkerror'],
    ['5.1.1', 'smtp; 550 5.1.1 This message was forwarded too many times', 'networkerror'],
    ['5.1.1', 'smtp; 550 5.1.1 Recursive alias for the recipient', 'networkerror'],
    ['5.1.1', 'smtp; 550 5.1.1 The redirect target of this address is unknown', 'systemerror'],
    ['5.1.1', 'smtp; 550 5.1.1 Delivery to the forwarding address failed: user unknown', 'systemerror'],
    ['5.1.1', 'smtp; 550 5.1.1 The alias destination does not exist', 'systemerror'],
    ['5.1.1', 'smtp; 550 5.1.1 Group expansion found no one to deliver to', 'systemerror'],
    ['5.1.1', 'smtp; 550 5.1.1 The list has no members', 'systemerror'],
    ['5.1.1', 'smtp; 550 5.1.1 Error in the .forward file of the user', 'systemerror'],
  ])('%s %s → %s', (status, text, reason) => {
    const got = run([status, text]);
    expect(got.reason, got.rule).toBe(reason);
    expect(got.decision).toBe('count-soft');
  });

  it.each<Case>([
    // a user who left without a forwarding address has moved; an unknown alias is an unknown user
    ['5.1.6', 'smtp; 550 5.1.6 The user left and there is no forwarding address'],
    ['5.1.1', 'smtp; 550 5.1.1 unknown or illegal alias: pat@example.org'],
    ['5.1.1', 'smtp; 550 5.1.1 Unknown alias address'],
  ])('the words of the family about the recipient itself still suppress: %s %s', (status, text) => {
    expect(run([status, text]).decision).toBe('suppress');
  });
});
