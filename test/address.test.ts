import { domainToASCII } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashAddress, InvalidAddressError, normalizeAddress } from '../shared/core/address';
import { redactAddresses } from '../shared/core/redact';

describe('normalizeAddress', () => {
  it.each([
    ['  Jane.Doe@Example.COM ', 'jane.doe@example.com'],
    ['"Jane Doe" <jane@example.com>', 'jane@example.com'],
    ['Jane Doe <JANE@example.com>', 'jane@example.com'],
    ['<jane@example.com>', 'jane@example.com'],
    ['user@Bücher.de', 'user@xn--bcher-kva.de'],
    ['user@xn--bcher-kva.de', 'user@xn--bcher-kva.de'],
    ['first+tag@sub.example.co.uk', 'first+tag@sub.example.co.uk'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalizeAddress(input)).toBe(expected);
  });

  it.each([
    ['', /expected local@domain/],
    ['no-at-sign', /expected local@domain/],
    ['@example.com', /expected local@domain/],
    ['jane@', /expected local@domain/],
    ['jane@localhost', /bad domain/],
    ['jane@exa mple.com', /bad domain/],
    ['jane@example..com', /bad domain/],
    ['ja ne@example.com', /bad local part/],
    ['jane..doe@example.com', /bad local part/],
    ['jane@example.com\r\nBcc: victim@example.org', /control characters/],
    ['jane\u0000@example.com', /control characters/],
    [`${'a'.repeat(65)}@example.com`, /bad local part/],
    [
      `jane@${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(10)}.com`,
      /at most 254/,
    ],
  ])('rejects %j with an error that quotes it', (input, message) => {
    expect(() => normalizeAddress(input)).toThrow(InvalidAddressError);
    expect(() => normalizeAddress(input)).toThrow(message);
    expect(() => normalizeAddress(input)).toThrow(JSON.stringify(input).slice(0, 20));
  });
  it('reads plain ASCII domains as the WHATWG domainToASCII does (its fast path skips the call)', () => {
    // The reference: every domain through domainToASCII, then the same checks.
    const reference = (domain: string) => {
      const d = domainToASCII(domain);
      const valid =
        d !== '' && d.includes('.') && !d.includes('..') && !d.startsWith('.') && !d.endsWith('.');
      return valid ? `u@${d}` : 'invalid';
    };
    const actual = (domain: string) => {
      try {
        return normalizeAddress(`u@${domain}`);
      } catch (error) {
        if (error instanceof InvalidAddressError) return 'invalid';
        throw error;
      }
    };
    const label = fc.oneof(
      fc.stringMatching(/^[a-zA-Z0-9-]{1,12}$/),
      fc.stringMatching(/^xn--[a-z0-9-]{0,8}$/),
      fc.stringMatching(/^(?:0x[0-9a-f]{1,4}|[0-9]{1,4})$/),
      fc.constantFrom('', 'B\u00fccher', 'EXAMPLE', 'xn--bcher-kva', 'a-', '-a', '0', '255'),
    );
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 5 }), (labels) => {
        const domain = labels.join('.');
        expect(actual(domain), domain).toBe(reference(domain));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('hashAddress and redactAddresses', () => {
  it('gives a short stable pseudonym that does not contain the address', () => {
    expect(hashAddress('Jane@Example.com')).toBe(hashAddress('jane@example.com'));
    expect(hashAddress('jane@example.com')).toMatch(/^[0-9a-f]{12}$/);
    expect(hashAddress('jane@example.com')).not.toBe(hashAddress('john@example.com'));
  });

  it('replaces every address in free text by its hash', () => {
    const text = 'invalid address "jane@example.com": 550 <john@example.org> unknown';
    const redacted = redactAddresses(text);
    expect(redacted).not.toMatch(/jane@|john@/);
    expect(redacted).toContain(`<addr:${hashAddress('jane@example.com')}>`);
  });
});
