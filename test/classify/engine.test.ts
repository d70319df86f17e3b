import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requiredLiterals } from '../../shared/core/classify/literals';
import { FALLBACK_RULE, firstMatch, firstMatchLinear, RULES } from '../../shared/core/classify/rules';
import { replyCode, signalsOf } from '../../shared/core/classify/signals';
import { corpusExists, loadCorpus, toInput } from './corpus-metrics';

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
    else expect(new Set(got)).toEqual(new Set(expected.map((s) => s.slice(0, 16))));
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

  it('agrees with the linear rule table on the corpus', () => {
    if (!corpusExists()) return;
    for (const c of loadCorpus()) {
      const s = signalsOf(toInput(c));
      expect(firstMatch(s).id, c.id).toBe(firstMatchLinear(s).id);
    }
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
        },
      ),
      { numRuns: 3000 },
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
