import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifiedRow,
  INPUT_FIELDS,
  plainRecipientLine,
  schemaRecipientLine,
} from '../cli/commands/classify';
import { classify, resolvePolicy } from '../shared/core/classify';

describe('bounce classify: reading a recipient line', () => {
  it('the fast path reads a line exactly as the schema does, and leaves every other line to it', () => {
    const key = fc.constantFrom('emailAddress', ...INPUT_FIELDS, 'other');
    const value = fc.oneof(
      fc.string(),
      fc.constant(null),
      fc.constant(undefined),
      fc.integer(),
      fc.boolean(),
      fc.constant([]),
      fc.constant({}),
    );
    fc.assert(
      fc.property(fc.dictionary(key, value), (line) => {
        const fast = plainRecipientLine(line);
        let schema: ReturnType<typeof schemaRecipientLine> | 'refused';
        try {
          schema = schemaRecipientLine(line);
        } catch {
          schema = 'refused';
        }
        if (fast === undefined) expect(schema, JSON.stringify(line)).toBe('refused');
        else expect(fast, JSON.stringify(line)).toEqual(schema);
      }),
      { numRuns: 5000 },
    );
  });

  it('names the bad field when the schema refuses a line', () => {
    expect(() => schemaRecipientLine({ status: 42 })).toThrow(/status: .*got 42/);
  });
});

describe('bounce classify: writing an output line', () => {
  it('writes exactly what JSON.stringify writes, for any address, input form and verdict', () => {
    const policies = [resolvePolicy({}), resolvePolicy({ mailboxfull: 'suppress', blocked: 'ignore' })];
    const text = fc.constantFrom(
      'smtp; 550 5.1.1 user unknown',
      'smtp; 552 5.2.2 mailbox full',
      '554 5.7.1 blocked using zen.spamhaus.org',
      '421 4.7.0 try again later',
      '',
    );
    const maybe = (arb: fc.Arbitrary<string>) => fc.option(arb, { nil: undefined });
    fc.assert(
      fc.property(
        fc.nat(),
        maybe(fc.string({ unit: 'binary' })),
        maybe(fc.string()),
        text,
        maybe(fc.constantFrom('5.1.1', '4.2.2', '5.2.2')),
        fc.constantFrom(0, 1),
        (line, emailAddress, given, diagnosticCode, status, p) => {
          const verdict = classify({ diagnosticCode, status }, policies[p]);
          const { reason, hard, party, decision, rule } = verdict;
          expect(classifiedRow(line, emailAddress, given, verdict)).toBe(
            JSON.stringify({ line, emailAddress, input: given, reason, hard, party, decision, rule }),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});
