import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explain } from '../../shared/core/classify/index';
import { signalsOf } from '../../shared/core/classify/signals';
import { MASK, maskReply, receiverOf, stageOf } from '../../shared/core/classify/structure';

const mask = (text: string) => maskReply(text.toLowerCase(), text);

describe('maskReply', () => {
  it.each([
    ['550 <no.such.user@example.org>: rejected', `550 <${MASK.address}>: rejected`],
    ['mail for spam-trap@mx.example.com... user unknown', `mail for ${MASK.address}... user unknown`],
    ['host mail-virus.example.net[192.0.2.7] said', `host ${MASK.host}[${MASK.ip}] said`],
    ['from [2001:db8::25] refused', `from [${MASK.ip}] refused`],
    ['see https://example.net/blocked/spam?ip=192.0.2.1. thanks', `see ${MASK.url}. thanks`],
    ['id <20240101.ab12cd34ef56@mx.example.org> queued', `id <${MASK.messageId}> queued`],
    ['ref a1b2c3d4e5f60718293a4b5c gone', `ref ${MASK.blob} gone`],
  ])('%j → %j', (text, masked) => {
    expect(mask(text).text).toBe(masked);
  });

  it('keeps what only looks dotted: codes, receivers’ status names, run-on sentences', () => {
    for (const text of [
      '550 5.1.1 user unknown',
      '550 5.1.10 resolver.adr.recipientnotfound; not found',
      '550 5.1.1 resolver.adr.invalid; some.name not listed in domino directory',
      '554 storedrv.deliver.exception: mailbox failure',
      'user does not exist.Please check the address',
      '421 4.7.0 [tss04] deferred; bl000010 rl000001 (s3140)',
      '2024-06-24t08:58:06 12:34:56',
    ]) {
      expect(mask(text).text, text).toBe(text.toLowerCase());
    }
  });

  it('collects the hosts and URLs it masked, for the rules about hosts', () => {
    expect(
      mask('a@mail.example.org via mx.example.net, see http://postmaster.example.com/codes#BL000010').hosts,
    ).toBe('mail.example.org mx.example.net http://postmaster.example.com/codes#bl000010');
  });

  it('never leaves a lower-case word of an address behind, and keeps everything else', () => {
    const word = fc.stringMatching(/^[a-z]{2,8}$/);
    fc.assert(
      fc.property(word, word, word, fc.constantFrom('com', 'org', 'net', 'de'), (before, local, sub, tld) => {
        const text = `${before} <${local}.${before}@${sub}.${tld}>: ${before}`;
        const got = mask(text).text;
        expect(got).toBe(`${before} <${MASK.address}>: ${before}`);
      }),
    );
  });

  it('is linear: a long run of address-like characters is scanned once', () => {
    // No timing here (speed lives in `npm run bench`); the shape that makes backtracking regexes blow
    // up must come out whole and masked.
    const text = `${'a.'.repeat(5000)}a@${'b-'.repeat(5000)}x.org`;
    expect(mask(text).text).toBe(MASK.messageId);
    // A hex-and-colon run that is no IPv6 address stays text (and is not rescanned from inside).
    const colons = `${'ab:'.repeat(400)}abcde`;
    expect(mask(colons).text).toBe(colons);
    expect(mask(`x ${'ab:'.repeat(5)}:1 y`).text).toBe(`x ${MASK.ip} y`);
  });
});

describe('stageOf', () => {
  it.each([
    ['550 5.1.1 user unknown (in reply to rcpt to command)', 'rcpt'],
    ['smtp error from remote mail server after rcpt to:<addr>: 550 no such user', 'rcpt'],
    ['554 rejected (in reply to mail from command)', 'mail'],
    ['smtp error from remote mail server after mail from:<addr> size=1234: 550 denied', 'mail'],
    ['550 unknown user (in reply to end of data command)', 'data'],
    ['smtp error from remote mail server after end of data: 554 refused', 'data'],
    ['>>> data <<< 554 message refused', 'data'],
    ['504 5.5.2 helo command rejected: need fully-qualified hostname', 'helo'],
    ['550 bad name (in reply to ehlo command)', 'helo'],
    ['host mx.example.org refused to talk to me: 554 go away', 'connect'],
    ['550 5.1.1 user unknown', ''],
    // A transcript: the last command is the one refused.
    ['>>> mail from:<addr> size=10 <<< 250 ok >>> rcpt to:<addr> <<< 550 no such user', 'rcpt'],
    ['helo command rejected: host not found (in reply to rcpt to command)', 'rcpt'],
  ])('%j → %j', (text, stage) => {
    expect(stageOf(text)).toBe(stage);
  });
});

describe('receiverOf', () => {
  it('reads the receiver from fingerprints in the text, the masked hosts and the reporting MTA', () => {
    expect(receiverOf('550 5.1.1 no such user - gsmtp', '', '')).toBe('gmail');
    expect(receiverOf('550 5.4.1 access denied', 'x.mail.protection.outlook.com', '')).toBe('microsoft');
    expect(receiverOf('554 rejected', '', 'mta7.am0.yahoodns.net')).toBe('yahoo');
    expect(receiverOf('554 delivery error: dd sorry', '', '')).toBe('yahoo');
    expect(receiverOf('550 no such user', 'mx.example.org', '')).toBe('');
  });
});

describe('signals from the structure', () => {
  it('a temporary reply code with a permanent enhanced code (and the other way round) is temporary, and disagrees', () => {
    expect(signalsOf({ diagnosticCode: 'smtp; 450 5.1.1 user unknown' })).toMatchObject({
      reply: 450,
      klass: 5,
      temporaryCode: true,
      codesDisagree: true,
    });
    expect(signalsOf({ status: '4.1.1', diagnosticCode: 'smtp; 550 user unknown' })).toMatchObject({
      temporaryCode: true,
      codesDisagree: true,
    });
    expect(signalsOf({ status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' })).toMatchObject({
      temporaryCode: false,
      codesDisagree: false,
    });
  });

  it('reads no reply code out of an address or an IP', () => {
    expect(signalsOf({ diagnosticCode: 'smtp; <550@example.org> 192.0.2.250 rejected' }).reply).toBe(0);
  });
});

describe('explain', () => {
  it('says which rung a demoted suppression missed, and shows the structure', () => {
    const got = explain({
      action: 'failed',
      status: '5.0.0',
      diagnosticCode: 'smtp; 550 <someone@example.org>: User unknown (in reply to end of DATA command)',
    });
    expect(got).toMatchObject({
      reason: 'filtered',
      decision: 'count-soft',
      rule: 'ladder.filtered.stage-data',
    });
    expect(got.demoted).toMatch(/^text\.userunknown\./);
    expect(got.matched[0]).toBe(got.rule);
    expect(got.matched).toContain(got.demoted);
    expect(got.missing.join('\n')).toMatch(/^stage: refused at DATA/);
    expect(got.structure).toMatchObject({ stage: 'data', reply: 550, status: '5.0.0' });
    expect(got.structure.text).toContain(`<${MASK.address}>`);
  });

  it('says what a soft verdict lacked, and nothing when it suppresses', () => {
    const soft = explain({ action: 'failed', diagnosticCode: 'smtp; 550 Requested action not taken' });
    expect(soft.decision).toBe('count-soft');
    expect(soft.missing[0]).toMatch(/^evidence: nothing says the mailbox or its domain does not exist/);
    const hard = explain({ action: 'failed', diagnosticCode: 'smtp; 550 5.1.1 User unknown' });
    expect(hard.decision).toBe('suppress');
    expect(hard.missing).toEqual([]);
  });
});
