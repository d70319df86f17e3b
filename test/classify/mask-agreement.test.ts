import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskReply } from '../../shared/core/classify/structure';
import { reply } from './arbitraries';
import { corpusExists, corpusPath, DEV_FILES, loadCorpus } from './corpus-metrics';
import { referenceMaskReply } from './reference-mask';

// `maskReply` skips plain words and reads tokens in place instead of slicing each one; it must
// mask exactly what the token-slicing masker it replaced masked (./reference-mask.ts).

const both = (raw: string) => {
  const text = raw.toLowerCase();
  const hint = text.length === raw.length ? raw : null;
  const { text: masked, hosts } = maskReply(text, hint);
  return { got: { text: masked, hosts }, want: referenceMaskReply(text, hint) };
};

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
