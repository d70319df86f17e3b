import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAutomaton, compile } from '../../shared/core/classify/engine';
import { SUPPRESSING } from '../../shared/core/classify/ladder';
import { MAX_LITERAL, requiredLiterals } from '../../shared/core/classify/literals';
import {
  allMatches,
  FALLBACK_RULE,
  firstMatch,
  firstMatchLinear,
  RULES,
  TIER,
} from '../../shared/core/classify/rules';
import { replyCode, signalsOf } from '../../shared/core/classify/signals';
import { maskReply } from '../../shared/core/classify/structure';
import { corpusExists, corpusPath, DEV_FILES, loadCorpus, toInput } from './corpus-metrics';

describe('requiredLiterals', () => {
  it.each([
    ['user unknown', ['user unknown']],
    ['user(?:name)? unknown', ['user unknown', 'username unknown']],
    ['mailbox full|over ?quota', ['mailbox full', 'over quota', 'overquota']],
    [
      'auto(?:matic)?[- ]?reply',
      ['autoreply', 'auto-reply', 'auto reply', 'automaticreply', 'automatic-reply', 'automatic reply'],
    ],
    ['\\bspam\\b', ['spam']],
    ['(?<![\\d.])5\\.1\\.1', ['5.1.1']],
    // Either side of `.{0,40}` would do; the longer minimum wins.
    ['mailbox.{0,40}(?:full|over quota)', ['mailbox']],
    ['[a-z]+ does not exist', [' does not exist']],
    ['a|[0-9]', null],
    ['x*', null],
  ])('/%s/', (source, expected) => {
    const got = requiredLiterals(source);
    if (expected === null) expect(got).toBeNull();
    else expect(new Set(got)).toEqual(new Set(expected.map((s) => s.slice(0, MAX_LITERAL))));
  });

  it('refuses syntax it does not understand', () => {
    expect(() => requiredLiterals('\\p{L}')).toThrow('unsupported escape');
    expect(() => requiredLiterals('(?<name>x)')).toThrow('unsupported group');
  });

  it('every rule regex can be analysed and needs a literal', () => {
    for (const rule of RULES) {
      if (rule.re === undefined) continue;
      const lits = requiredLiterals(rule.re.source);
      expect(lits, rule.id).not.toBeNull();
      expect(
        lits?.every((l) => l.length > 0),
        rule.id,
      ).toBe(true);
    }
    expect(firstMatch.stats.alwaysRun).toEqual([]);
  });
});

describe('compiled matcher', () => {
  it('rule ids are unique', () => {
    const ids = [...RULES.map((r) => r.id), FALLBACK_RULE.id];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('agrees with the linear rule table on the corpora, also when skipping the suppressing reasons', () => {
    for (const file of DEV_FILES) {
      if (!corpusExists(corpusPath(file))) continue;
      for (const c of loadCorpus(corpusPath(file))) {
        const s = signalsOf(toInput(c));
        expect(firstMatch(s).id, c.id).toBe(firstMatchLinear(s).id);
        const other = firstMatch(s, SUPPRESSING);
        expect(other.id, c.id).toBe(firstMatchLinear(s, SUPPRESSING).id);
        expect(SUPPRESSING.has(other.reason), c.id).toBe(false);
      }
    }
  });

  it('remembers what a text says, never the verdict: one text under other codes, actions, subtypes and skips', () => {
    // The matcher keeps each text's literal hits and regex answers; every rule's other conditions
    // (codes, SES fields, `when`) must still be read per recipient. Each text is seen again under
    // other signals, in an order that mixes cached and fresh texts.
    const texts = new Set<string>([
      '',
      'smtp; 550 user unknown',
      '421 4.7.0 try again later',
      'mailbox full',
    ]);
    for (const file of DEV_FILES) {
      if (!corpusExists(corpusPath(file))) continue;
      for (const c of loadCorpus(corpusPath(file))) texts.add(c.recipient.diagnosticCode ?? '');
    }
    const variants = [
      {},
      { status: '5.1.1', action: 'failed', bounceType: 'Permanent', bounceSubType: 'General' },
      { status: '4.2.2', action: 'delayed', bounceType: 'Transient', bounceSubType: 'MailboxFull' },
      { status: '5.7.1', bounceType: 'Permanent', bounceSubType: 'Suppressed' },
      { action: 'delivered', bounceSubType: 'NoEmail' },
    ];
    for (const variant of variants) {
      for (const diagnosticCode of texts) {
        const s = signalsOf({ ...variant, diagnosticCode });
        expect(firstMatch(s).id, diagnosticCode).toBe(firstMatchLinear(s).id);
        expect(firstMatch(s, SUPPRESSING).id, diagnosticCode).toBe(firstMatchLinear(s, SUPPRESSING).id);
      }
    }
  });

  it('specific evidence wins whatever the order of the table (tiers, then table order within a tier)', () => {
    // Reversing the table must only change answers between rules of the same tier.
    const reversed = compile([...RULES].reverse(), FALLBACK_RULE);
    const texts = [
      'smtp; 550 5.2.2 Submission quota exceeded',
      'smtp; 450 4.2.1 The user you are trying to contact is receiving mail too quickly - gsmtp',
      'smtp; 550 5.7.1 Service unavailable, Client host [192.0.2.1] blocked using Spamhaus',
      'smtp; 550 5.1.1 mailbox full',
      'smtp; 554 5.7.1 nothing readable here',
      'smtp; 552 hmm',
    ];
    for (const t of texts) {
      const s = signalsOf({ diagnosticCode: t, action: 'failed' });
      const a = firstMatch(s);
      const b = reversed(s);
      expect(b.tier, t).toBe(a.tier);
    }
  });

  it('a receiver code beats a phrase family, which beats a code, a reply code, SES and the class', () => {
    const gmail = signalsOf({
      status: '5.2.1',
      diagnosticCode:
        'smtp; 550 5.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered. - gsmtp',
      bounceType: 'Permanent',
      bounceSubType: 'MailboxFull',
    });
    const matched = allMatches(gmail);
    expect(matched[0]?.id).toBe('receiver.speeding.gmail-rate');
    // The rest is what the winner outranked: the RFC 3463 reading of 5.2.1 and SES's subtype.
    expect(matched.map((r) => r.id)).toEqual(
      expect.arrayContaining(['status.suspend.x.2.1+x.7.13', 'ses.mailboxfull.subtype.mailboxfull']),
    );
    for (let i = 1; i < matched.length; i++)
      expect((matched[i] as { tier: number }).tier).toBeGreaterThanOrEqual(
        (matched[i - 1] as { tier: number }).tier,
      );
  });

  it('the fallback reads the code class and subject before it says onhold', () => {
    const cases: [string, string][] = [
      ['5.1.0', 'filtered'],
      ['5.2.0', 'filtered'],
      ['4.3.0', 'systemerror'],
      ['5.4.9', 'networkerror'],
      ['5.5.0', 'syntaxerror'],
      ['5.6.9', 'contenterror'],
      ['5.7.0', 'securityerror'],
    ];
    for (const [status, reason] of cases) {
      const r = firstMatch(signalsOf({ status, diagnosticCode: 'smtp; nothing we know', action: 'failed' }));
      expect(r.reason, status).toBe(reason);
      expect(r.tier, status).toBe(TIER.klass);
    }
    expect(
      firstMatch(signalsOf({ status: '5.0.0', diagnosticCode: 'smtp; nothing we know', action: 'failed' }))
        .id,
    ).toBe('fallback.onhold.undecided');
  });

  it('non-ASCII literals only pre-filter: the regex still decides', () => {
    // Same count of non-ASCII characters as "用户不存在", but another meaning.
    const s = signalsOf({ diagnosticCode: 'smtp; 550 天气很好啊', action: 'failed' });
    expect(firstMatch(s).reason).not.toBe('userunknown');
    expect(firstMatch(signalsOf({ diagnosticCode: 'smtp; 550 用户不存在' })).reason).toBe('userunknown');
  });

  it('agrees with the linear rule table on random bounce-like texts', () => {
    const words = [
      'smtp;',
      '550',
      '5.1.1',
      '4.2.2',
      '421',
      'user',
      'unknown',
      'mailbox',
      'full',
      'quota',
      'over',
      'is',
      'not',
      'spamhaus',
      'blocked',
      'using',
      'dmarc',
      'policy',
      'reverse',
      'dns',
      'relay',
      'access',
      'denied',
      'rate',
      'limit',
      'exceeded',
      'too',
      'many',
      'connections',
      'message',
      'size',
      'account',
      'disabled',
      'does',
      'exist',
      'host',
      'domain',
      'no',
      'such',
      'recipient',
      'address',
      'rejected',
      'spam',
      'virus',
      'timed',
      'out',
      'in',
      'reply',
      'to',
      'mail',
      'from',
      'command',
      'temporarily',
      'deferred',
      'reputation',
      'auto',
      'office',
      'resolver.adr.recipnotfound',
      '(in reply to RCPT TO command)',
      'x-unix;',
      "doesn't",
      'have',
      'a',
      'someone@example.org',
      'mx.example.net',
      'http://example.com/x#bl000010',
      '(in reply to end of DATA command)',
      'try again later',
      'forwarding loop',
      'stored',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...words), { maxLength: 14 }),
        fc.option(fc.constantFrom('5.1.1', '4.4.7', '5.7.1', '5.0.0', '4.2.2', '5.4.1', '5.2.3')),
        fc.option(fc.constantFrom('failed', 'delayed')),
        (ws, status, action) => {
          const s = signalsOf({
            diagnosticCode: ws.join(' '),
            status: status ?? undefined,
            action: action ?? undefined,
          });
          expect(firstMatch(s).id).toBe(firstMatchLinear(s).id);
          expect(firstMatch(s, SUPPRESSING).id).toBe(firstMatchLinear(s, SUPPRESSING).id);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('Aho–Corasick automaton', () => {
  // Every non-ASCII character is one column of the automaton: to it, "é" and "用" are the same.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
  const fold = (s: string) => s.replace(/[^\u0000-\u007f]/g, '\u0080');

  /** Slots with a literal in `text`, and those with a sure ASCII literal in it: by `includes`. */
  function naive(literalsOf: { text: string; sure: boolean }[][], text: string) {
    const found = new Set<number>();
    const sure = new Set<number>();
    literalsOf.forEach((lits, slot) => {
      for (const l of lits) {
        if (!fold(text).includes(fold(l.text))) continue;
        found.add(slot);
        // A non-ASCII literal only pre-filters (its characters share one column): never sure.
        if (l.sure && [...l.text].every((c) => c.charCodeAt(0) < 128)) sure.add(slot);
      }
    });
    return { found, sure };
  }

  it('finds exactly the slots whose literals occur, on every scan as its transitions fill in', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', ' ', '.', '5', 'é', '用');
    const literal = fc.record({
      text: fc.array(alphabet, { minLength: 1, maxLength: 6 }).map((cs) => cs.join('')),
      sure: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(literal, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 }),
        fc.array(
          fc.array(alphabet, { maxLength: 40 }).map((cs) => cs.join('')),
          { minLength: 1, maxLength: 6 },
        ),
        (literalsOf, texts) => {
          const ac = buildAutomaton(literalsOf);
          const seen = new Int32Array(literalsOf.length);
          const sure = new Int32Array(literalsOf.length);
          const hits = new Int32Array(literalsOf.length);
          let generation = 0;
          // Every text twice: the second scan runs on the transitions the first one resolved.
          for (const text of [...texts, ...texts]) {
            generation++;
            const count = ac.scan(text, seen, sure, generation, hits);
            const want = naive(literalsOf, text);
            const got = new Set([...hits.subarray(0, count)]);
            expect(got, text).toEqual(want.found);
            expect(count, text).toBe(want.found.size);
            const gotSure = new Set(
              literalsOf.map((_, slot) => slot).filter((slot) => sure[slot] === generation),
            );
            expect(gotSure, text).toEqual(want.sure);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a literal deeper than the trie allows, naming it', () => {
    expect(() => buildAutomaton([[{ text: 'x'.repeat(300), sure: false }]])).toThrow(
      /classifier literal must have 1 to 255 characters: "x{300}"/,
    );
  });
});

describe('signals', () => {
  it.each([
    ['smtp; 550 5.1.1 user unknown', 550],
    ['smtp; 550-5.7.26 unauthenticated', 550],
    ['error_code :550, x', 550],
    ['remote host said: 452 4.2.2 full', 452],
    ['host [192.0.2.250] said nothing', 0],
    ['id 1550 or 5505 or 550.1', 0],
    ['2024-06-24t08:58:06', 0],
    ['', 0],
  ])('reply code of %j is %i', (text, code) => {
    expect(replyCode(text)).toBe(code);
  });

  it('takes the enhanced code from the status field, else from the text', () => {
    expect(signalsOf({ status: ' 5.1.1 ' })).toMatchObject({
      status: '5.1.1',
      klass: 5,
      subject: 1,
      detail: 1,
    });
    expect(signalsOf({ status: '5.01.010' }).status).toBe('5.1.10');
    expect(signalsOf({ diagnosticCode: 'smtp; 550 #5.1.0 address rejected' })).toMatchObject({
      status: '5.1.0',
      reply: 550,
    });
    // Not from an IP address or a dotted version.
    expect(signalsOf({ diagnosticCode: 'smtp; host [192.0.5.4.4] version 4.4.1.2' }).status).toBe('');
    expect(signalsOf({ diagnosticCode: 'smtp; 421 try later' })).toMatchObject({
      status: '',
      klass: 4,
      reply: 421,
    });
  });

  it('reads a text seen before the same way, whatever the status field said then or says now', () => {
    // The text's own facts (stage, reply code, its enhanced code) are remembered per text; the
    // status field is read per recipient and still wins.
    const diagnosticCode = 'smtp; 550 5.1.1 <a@example.org>: user unknown (in reply to RCPT TO command)';
    const fresh = { ...signalsOf({ diagnosticCode }) };
    expect(fresh).toMatchObject({ status: '5.1.1', reply: 550, stage: 'rcpt', klass: 5 });
    expect(signalsOf({ diagnosticCode, status: '4.2.2' })).toMatchObject({
      status: '4.2.2',
      klass: 4,
      subject: 2,
      detail: 2,
      temporaryCode: true,
      codesDisagree: true,
    });
    expect(signalsOf({ diagnosticCode, status: 'garbage' })).toEqual(fresh);
    expect(signalsOf({ diagnosticCode: diagnosticCode.replace('a@', 'b@') })).toEqual(fresh);
  });

  it('masks a reply seen before as it masked it the first time, capitals included', () => {
    // Replies are remembered as received: two texts that differ only in case are masked apart
    // ("exist.In" is two words run together, "exist.in" a host name).
    for (const diagnosticCode of [
      'smtp; 550 mailbox does not exist.In doubt, contact mx.example.org [192.0.2.1]',
      'smtp; 550 mailbox does not exist.in doubt, contact mx.example.org [192.0.2.1]',
      'smtp; 550 mailbox does not exist.In doubt, contact mx.example.org [192.0.2.1]',
      'smtp; 550 <a@example.org> unknown',
      'smtp; 550 <a@example.org> unknown',
    ]) {
      const { text, hosts } = maskReply(diagnosticCode.toLowerCase(), diagnosticCode);
      const want = { text, hosts };
      const s = signalsOf({ diagnosticCode });
      expect({ text: s.text, hosts: s.hosts }, diagnosticCode).toEqual(want);
    }
  });

  it('lower-cases and caps the text', () => {
    const s = signalsOf({
      diagnosticCode: `SMTP; 550 USER UNKNOWN ${'x'.repeat(5000)}`,
      bounceType: 'Permanent',
    });
    expect(s.text.startsWith('smtp; 550 user unknown')).toBe(true);
    expect(s.text.length).toBe(1200);
    expect(s.type).toBe('permanent');
  });
});
