import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INPUT_FIELDS, plainRecipientLine, schemaRecipientLine } from '../cli/commands/classify';

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
