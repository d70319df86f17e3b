import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskReply } from '../../shared/core/classify/structure';
import { corpusExists, corpusPath, DEV_FILES, loadCorpus } from './corpus-metrics';
import { referenceMaskReply } from './reference-mask';

// `maskReply` skips plain words and reads tokens in place instead of slicing each one; it must
// mask exactly what the token-slicing masker it replaced masked (./reference-mask.ts).

const both = (raw: string) => {
  const text = raw.toLowerCase();
  const hint = text.length === raw.length ? raw : null;
  return { got: maskReply(text, hint), want: referenceMaskReply(text, hint) };
};

const hex = fc.stringMatching(/^[0-9a-fA-F]{1,5}$/);
const label = fc.stringMatching(/^[a-zA-Z0-9_-]{1,10}$/);
const tld = fc.constantFrom('com', 'org', 'jp', 'de', 'In', 'Please', 'local', 'a', 'c0m', 'co.uk', 'xyz');
const host = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 4 }), tld, fc.constantFrom('.', '..'))
  .map(([labels, t, dot]) => `${labels.join(dot)}.${t}`);
const local = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9.+=_%/-]{1,14}$/),
  fc.stringMatching(/^[a-zA-Z0-9]{14,44}$/),
);
const octet = fc.integer({ min: 0, max: 300 }).map(String);
const ipv4 = fc.array(octet, { minLength: 3, maxLength: 5 }).map((parts) => parts.join('.'));
const ipv6 = fc.oneof(
  fc.array(hex, { minLength: 1, maxLength: 9 }).map((groups) => groups.join(':')),
  fc
    .tuple(fc.array(hex, { maxLength: 4 }), fc.array(hex, { maxLength: 4 }))
    .map(([a, b]) => `${a.join(':')}::${b.join(':')}`),
  ipv4.map((v4) => `::ffff:${v4}`),
  fc
    .tuple(fc.array(hex, { minLength: 2, maxLength: 8 }), fc.constantFrom(':', ':x', '.'))
    .map(([groups, tail]) => `${groups.join(':')}${tail}`),
);
const token = fc.oneof(
  fc.tuple(local, host).map(([l, h]) => `${l}@${h}`),
  fc.tuple(local, host).map(([l, h]) => `<${l}@${h}>`),
  host,
  host.map((h) => `@${h}`),
  host.map((h) => `www.${h}`),
  local.map((l) => `${l}@`),
  ipv4,
  ipv6,
  fc
    .tuple(fc.constantFrom('http', 'HTTPS', 'x'), host, fc.stringMatching(/^[a-zA-Z0-9/?=&#.,%-]{0,20}$/))
    .map(([scheme, h, path]) => `${scheme}://${h}/${path}`),
  fc.stringMatching(/^[a-zA-Z0-9+/=]{12,40}$/),
  fc.stringMatching(/^[a-z0-9.:@/=+_-]{1,12}$/),
  fc.constantFrom(
    '550',
    '5.1.1',
    '550-5.1.1',
    'user',
    'unknown',
    'exist.In',
    'RESOLVER.ADR.Invalid',
    'İ',
    'ß',
  ),
);
const separator = fc.constantFrom(
  ' ',
  '',
  '; ',
  ', ',
  '<',
  '>',
  '[',
  ']',
  '(',
  ')',
  ':',
  '\n',
  '=',
  '/',
  '...',
  '"',
);
const reply = fc
  .array(fc.tuple(token, separator), { maxLength: 24 })
  .map((parts) => parts.map(([t, s]) => t + s).join(''));

describe('maskReply agrees with the token-slicing masker it replaced', () => {
  it('on random replies of addresses, hosts, IPs, URLs, ids and punctuation', () => {
    fc.assert(
      fc.property(reply, (raw) => {
        const { got, want } = both(raw);
        expect(got).toEqual(want);
      }),
      { numRuns: 5000 },
    );
  });

  it('on random strings over the characters tokens are made of', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-fA-F0-9.:@/=+_%x<> -]{0,80}$/), (raw) => {
        const { got, want } = both(raw);
        expect(got).toEqual(want);
      }),
      { numRuns: 5000 },
    );
  });

  it.skipIf(!corpusExists())('on every corpus reply', () => {
    for (const file of DEV_FILES) {
      for (const c of loadCorpus(corpusPath(file))) {
        const { got, want } = both(c.recipient.diagnosticCode ?? '');
        expect(got, c.id).toEqual(want);
      }
    }
  });

  it('stays linear on adversarial runs (and agrees)', () => {
    // Shapes that make a rescanning masker quadratic; no timing (speed lives in `npm run bench`),
    // but a quadratic pass over these lengths would stall the test.
    for (const raw of [
      `${'ab:'.repeat(4000)}abcde`,
      `${'1:'.repeat(6000)}`,
      `${'a.'.repeat(5000)}a@${'b-'.repeat(5000)}x.org`,
      `${'@'.repeat(10000)}x.org`,
      `${'a@'.repeat(6000)}`,
      `${'x'.repeat(12000)}://`,
      `${'www.'.repeat(3000)}`,
      `${'/'.repeat(12000)}a`,
      `${'abcd '.repeat(3000)}`,
    ]) {
      const { got, want } = both(raw);
      expect(got).toEqual(want);
    }
  });
});
