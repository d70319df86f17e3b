import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../../shared/core/classify';
import { RULES } from '../../shared/core/classify/rules';
import { clearCaches, fingerprint, signalsOf } from '../../shared/core/classify/signals';
import { HOST_MARK, hostMarks, maskReply, SELF, withSelf } from '../../shared/core/classify/structure';
import type { RecipientBounce } from '../../shared/core/classify/types';
import { host, local, reply, separator } from './arbitraries';
import { corpusExists, corpusPath, DEV_FILES, loadCorpus, toInput } from './corpus-metrics';

// The recipient's own address in a reply is replaced by SELF before masking, so one reply sent to
// many recipients is masked once, and its verdict kept for the next recipient with the same fields.
// Both are speed-ups: nothing the classifier answers may depend on them.

/** What a cold classifier (no cache) makes of `input` without its address. */
function cold(input: RecipientBounce) {
  clearCaches();
  const { emailAddress: _, ...rest } = input;
  return { signals: signalsOf(rest), verdict: classify(rest) };
}

/** What a warm one makes of it, with the address. */
function warm(input: RecipientBounce) {
  return { signals: signalsOf(input), verdict: classify(input) };
}

describe('withSelf', () => {
  it('replaces the address where it stands alone, inside brackets or before sentence punctuation', () => {
    expect(withSelf('550 <jo@example.org>... user unknown', 'jo@example.org')).toBe(
      `550 <${SELF.address}>... user unknown`,
    );
    expect(withSelf('jo@example.org: no such user (jo@example.org).', 'jo@example.org')).toBe(
      `${SELF.address}: no such user (${SELF.address}).`,
    );
  });

  it('leaves the text alone when an occurrence is glued to other token characters', () => {
    expect(withSelf('550 xjo@example.org unknown', 'jo@example.org')).toBeNull();
    expect(withSelf('550 jo@example.org.uk unknown', 'jo@example.org')).toBeNull();
    expect(withSelf('to=jo@example.org', 'jo@example.org')).toBeNull();
    // Lower-cased, the Kelvin sign is a "k" and joins the address.
    expect(withSelf('550 \u212ajo@example.org', 'jo@example.org')).toBeNull();
  });

  it('leaves it alone where a colon could start an IPv6 address or make the address a URL scheme', () => {
    expect(withSelf('550 :ab@example.org', 'ab@example.org')).toBeNull();
    expect(withSelf('see ab@example.org://x', 'ab@example.org')).toBeNull();
    expect(withSelf('rcpt to:ab@example.org unknown', 'ab@example.org')).toBeNull();
    expect(withSelf('0:0::aa:.5b@example.org unknown', '5b@example.org')).toBeNull();
    expect(withSelf('rcpt to:<ab@example.org>: unknown', 'ab@example.org')).toBe(
      `rcpt to:<${SELF.address}>: unknown`,
    );
  });

  it('leaves it alone when the address would not mask as an address (an id-like or overlong local part)', () => {
    const id = 'a1b2c3d4e5f6a7b8c9d0@example.org';
    expect(maskReply(id, null).text).toBe('MSGID');
    expect(withSelf(`550 ${id} unknown`, id)).toBeNull();
    const long = `${'a'.repeat(41)}@example.org`;
    expect(withSelf(`550 ${long} unknown`, long)).toBeNull();
  });

  it("leaves it alone when the text already holds SELF's domain, or does not hold the address", () => {
    expect(withSelf(`550 jo@example.org and ${SELF.domain}`, 'jo@example.org')).toBeNull();
    expect(withSelf('550 user unknown', 'jo@example.org')).toBeNull();
  });
});

describe('hostMarks', () => {
  it('marks a host list as the OR of its hosts (what adding the recipient domain relies on)', () => {
    const named = fc.constantFrom(
      'mx.google.com',
      'groups.google.com',
      'x.mail.protection.outlook.com',
      'mta5.am0.yahoodns.net',
      'zen.spamhaus.org',
      'b.barracudacentral.org',
      'http://postmaster.comcast.net/smtp-error-codes.php#bl000010',
      'http://postmaster.comcast.net/smtp-error-codes.php#rl000001',
      'docomo.ne.jp',
      SELF.domain,
    );
    const anyHost = fc.oneof(
      named,
      host.map((h) => h.toLowerCase()),
    );
    fc.assert(
      fc.property(fc.array(anyHost, { minLength: 1, maxLength: 5 }), (hosts) => {
        const each = hosts.reduce((bits, h) => bits | hostMarks(h), 0);
        expect(hostMarks(hosts.join(' '))).toBe(each);
      }),
      { numRuns: 2000 },
    );
  });

  it("gives SELF's address and domain no mark", () => {
    expect(hostMarks(SELF.address)).toBe(0);
    expect(hostMarks(SELF.domain)).toBe(0);
    expect(hostMarks('zen.spamhaus.org') & HOST_MARK.dnsblZone).not.toBe(0);
  });
});

describe('rules read hosts only through their marks', () => {
  it('no rule changes its answer when the host list changes but its marks do not', () => {
    const inputs = [
      'smtp; 554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.org',
      'smtp; 550 Blocked, see http://postmaster.comcast.net/smtp-error-codes.php#BL000010',
      'smtp; 550 5.1.1 <jo@gmail.com>: user unknown',
      'smtp; 452 too many connections, see https://postmaster.comcast.net/smtp-error-codes.php#RL000001',
    ];
    for (const diagnosticCode of inputs) {
      const s = signalsOf({ diagnosticCode, status: '5.0.0' });
      expect(s.hosts, diagnosticCode).not.toBe('');
      const other = { ...s, hosts: 'other.example' };
      for (const rule of RULES)
        expect(rule.test(other), `${rule.id} on ${diagnosticCode}`).toBe(rule.test(s));
    }
  });
});

/** A local part and a domain the masker keeps as one address (and some it does not). */
const address = fc
  .tuple(
    fc.oneof(local, fc.constantFrom('jo', 'Jo.Smith', 'spam.trap', 'blocked-user')),
    fc.oneof(
      host,
      fc.constantFrom(
        'gmail.com',
        'outlook.com',
        'yahoo.co.jp',
        'spamcop.net',
        'docomo.ne.jp',
        'Example.ORG',
      ),
    ),
  )
  .map(([l, h]) => `${l}@${h}`);
const around = fc.oneof(separator, fc.constantFrom('<', '>...', '(', ').', ' :', '://', '\u212a', 'İ', ''));

describe('the recipient address changes no signal and no verdict', () => {
  it('on random replies holding the address anywhere, with the caches warm across recipients', () => {
    let substituted = 0;
    let runs = 0;
    const recipient = fc.record({
      emailAddress: address,
      status: fc.constantFrom('5.1.1', '4.2.2', '5.7.1', ' 5.1.1', undefined),
      bounceType: fc.constantFrom('Permanent', 'Transient', 'Undetermined', undefined),
      bounceSubType: fc.constantFrom(
        'General',
        'MailboxFull',
        'Suppressed',
        'OnAccountSuppressionList',
        undefined,
      ),
      action: fc.constantFrom('failed', 'delayed', 'delivered', undefined),
      reportingMTA: fc.constantFrom('mx.google.com', 'dsn; a8-1.smtp-out.amazonses.com', undefined),
    });
    const place = fc.record({ before: around, after: around, at: fc.nat(24) });
    fc.assert(
      fc.property(
        reply,
        place,
        fc.array(recipient, { minLength: 1, maxLength: 8 }),
        (text, where, recipients) => {
          // One reply to several recipients, each named in it: all read cold first, then in one warm
          // run where each finds the entries (reply, verdicts) the ones before it left.
          const { before, after, at } = where;
          const i = Math.min(at, text.length);
          const inputs = recipients.map(({ emailAddress, ...fields }) => {
            const diagnosticCode = `${text.slice(0, i)}${before}${emailAddress}${after}${text.slice(i)}`;
            return { ...fields, emailAddress, diagnosticCode };
          });
          const wants = inputs.map(cold);
          clearCaches();
          for (const [i, input] of inputs.entries()) {
            expect(warm(input)).toEqual(wants[i]);
            runs++;
            if (withSelf(input.diagnosticCode.slice(0, 1200), input.emailAddress) !== null) substituted++;
          }
        },
      ),
      { numRuns: 3000 },
    );
    // Not vacuous: the address was replaced in a good share of the replies.
    expect(substituted / runs).toBeGreaterThan(0.1);
  });

  it("keeps a reply's verdicts apart for recipients whose addresses or reporting MTAs mark it differently", () => {
    // The recipient's domain or the reporting MTA names a receiver; inside a URL the whole address is
    // the URL's, and a Comcast code in it marks the reply: a verdict kept for one recipient must not
    // answer for the other.
    const denied = (a: string) => `smtp; 550 <${a}>: Recipient address rejected: Access denied`;
    const url = (a: string) => `smtp; 550 rejected, see http://help.example.net/x,${a}`;
    const runs = [
      ['jo@example.org', 'jo@outlook.com', 'jo@example.org'].map((a) => ({
        emailAddress: a,
        diagnosticCode: denied(a),
      })),
      ['jo@example.org', 'bl000010@example.org', 'jo@example.org'].map((a) => ({
        emailAddress: a,
        diagnosticCode: url(a),
      })),
      [undefined, 'x.mail.protection.outlook.com', undefined].map((reportingMTA) => ({
        emailAddress: 'jo@example.org',
        diagnosticCode: denied('jo@example.org'),
        reportingMTA,
      })),
    ];
    for (const inputs of runs) {
      const all = inputs.map((input) => ({ ...input, status: '5.0.0' }));
      const wants = all.map(cold);
      expect(new Set(wants.map((w) => w.verdict.rule)).size, all[1]?.diagnosticCode).toBeGreaterThan(1);
      clearCaches();
      expect(all.map(warm), all[1]?.diagnosticCode).toEqual(wants);
    }
  });

  it('never lets two replies that share a cache slot (one fingerprint) answer for each other', () => {
    // 16 characters of a 55-character text are sampled: the reply code's first digit is not one of
    // them, and it changes the meaning.
    const a = 'smtp; 550 5.1.1    the mailbox you named: user unknown';
    const b = 'smtp; 450 5.1.1    the mailbox you named: user unknown';
    expect(fingerprint(a)).toBe(fingerprint(b));
    const inputs = [a, b, a, b].map((diagnosticCode) => ({ emailAddress: 'jo@example.org', diagnosticCode }));
    const wants = inputs.map(cold);
    expect(wants[0]?.verdict).not.toEqual(wants[1]?.verdict);
    clearCaches();
    expect(inputs.map(warm)).toEqual(wants);
  });

  it('on random strings over the characters tokens are made of, around the address', () => {
    const soup = fc.stringMatching(/^[a-fA-F0-9.:@/=+_%x<> -]{0,40}$/);
    const mail = fc.tuple(
      fc.stringMatching(/^[a-f0-9.+_-]{1,12}$/),
      fc.constantFrom('example.org', 'a.b', 'gmail.com'),
    );
    fc.assert(
      fc.property(soup, fc.array(mail, { minLength: 1, maxLength: 4 }), soup, (before, mails, after) => {
        const inputs = mails.map(([l, h]) => {
          const emailAddress = `${l}@${h}`;
          return { emailAddress, diagnosticCode: `${before}${emailAddress}${after}`, status: '5.1.1' };
        });
        const wants = inputs.map(cold);
        clearCaches();
        for (const [i, input] of inputs.entries()) expect(warm(input)).toEqual(wants[i]);
      }),
      { numRuns: 5000 },
    );
  });

  it.skipIf(!corpusExists())(
    'on every corpus reply, with its own address and with others put in its place',
    () => {
      const others = ['jo@gmail.com', 'x.y@outlook.com', 'abuse@spamhaus.org', 'a@b.docomo.ne.jp'];
      let substituted = 0;
      for (const file of DEV_FILES) {
        const rows = loadCorpus(corpusPath(file));
        const wants = rows.map((c) => cold({ ...toInput(c), emailAddress: c.recipient.emailAddress }));
        clearCaches();
        for (const [i, c] of rows.entries()) {
          const input = { ...toInput(c), emailAddress: c.recipient.emailAddress };
          expect(warm(input), c.id).toEqual(wants[i]);
          const text: string = input.diagnosticCode ?? '';
          const own = c.recipient.emailAddress;
          if (own === undefined || own === '') continue;
          for (const other of others) {
            const swapped = {
              ...input,
              emailAddress: other,
              diagnosticCode: text.split(own).join(other),
            };
            if (withSelf(swapped.diagnosticCode.slice(0, 1200), other) !== null) substituted++;
            expect(warm(swapped), `${c.id} as ${other}`).toEqual(cold(swapped));
          }
        }
      }
      expect(substituted).toBeGreaterThan(100);
    },
  );
});
