import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';

/** RFC 5321 path limit; longer strings cannot be a deliverable address. */
const MAX_ADDRESS_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
// C0/C1 controls, DEL, and the Unicode line/paragraph separators: header-injection material.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// `Name <a@b>`, `"Doe, Jane" <a@b>`, `=?UTF-8?B?…?= <a@b>` (RFC 2047 words), `<a@b>`: a display name of
// unquoted text without <>" and quoted strings (which may hold <, > and escaped quotes), then <addr>.
const DISPLAY_NAME_FORM = /^(?:"(?:[^"\\]|\\.)*"|[^<>"])*<([^<>]*)>\s*$/;
const LOCAL_PART = /^[^\s@"(),:;<>[\\\]]+$/;
// A domain domainToASCII would return unchanged once lower-cased: ASCII letters, digits and hyphens
// in non-empty labels, no punycode label (xn--, which it validates), and a last label that starts
// with a letter (one that looks numeric makes it parse the host as an IPv4 address).
const PLAIN_DOMAIN = /^(?:(?!xn--)[a-z0-9-]+\.)+(?!xn--)[a-z][a-z0-9-]*$/;

export class InvalidAddressError extends Error {
  override readonly name = 'InvalidAddressError';
}

function quote(value: string): string {
  return JSON.stringify(value.length > 300 ? `${value.slice(0, 300)}…` : value);
}

/**
 * The one canonical form of an address, used by the processor, the CLI and the pipeline client alike:
 * trimmed, display name and angle brackets stripped, lower-cased, IDN domain in punycode.
 * Throws InvalidAddressError (quoting the input) for anything that is not an address.
 */
export function normalizeAddress(input: string): string {
  if (typeof input !== 'string')
    throw new InvalidAddressError(`address must be a string, got ${typeof input}`);
  if (CONTROL_CHARACTERS.test(input)) {
    throw new InvalidAddressError(`invalid address ${quote(input)}: contains control characters`);
  }
  let candidate = input.trim();
  // Only a string with '<' can be the display-name form (the regex walks every character).
  const displayName = candidate.includes('<') ? DISPLAY_NAME_FORM.exec(candidate) : null;
  if (displayName) candidate = (displayName[1] ?? '').trim();
  const at = candidate.lastIndexOf('@');
  if (at <= 0 || at === candidate.length - 1) {
    throw new InvalidAddressError(`invalid address ${quote(input)}: expected local@domain`);
  }
  const local = candidate.slice(0, at);
  const domainInput = candidate.slice(at + 1);
  if (local.length > MAX_LOCAL_PART_LENGTH || !LOCAL_PART.test(local) || local.includes('..')) {
    throw new InvalidAddressError(`invalid address ${quote(input)}: bad local part`);
  }
  // domainToASCII lower-cases, applies IDNA mapping and returns '' for what is not a valid host name;
  // the plain domains nearly every address has skip it (a test checks both agree on them).
  const lowered = domainInput.toLowerCase();
  const domain = PLAIN_DOMAIN.test(lowered) ? lowered : domainToASCII(domainInput);
  if (
    domain === '' ||
    !domain.includes('.') ||
    domain.includes('..') ||
    domain.startsWith('.') ||
    domain.endsWith('.')
  ) {
    throw new InvalidAddressError(`invalid address ${quote(input)}: bad domain ${quote(domainInput)}`);
  }
  const address = `${local.toLowerCase()}@${domain}`;
  if (address.length > MAX_ADDRESS_LENGTH) {
    throw new InvalidAddressError(
      `invalid address ${quote(input)}: ${address.length} characters, at most ${MAX_ADDRESS_LENGTH}`,
    );
  }
  return address;
}

/** The domain part of an already normalised address. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

/** Short, stable pseudonym for logs: addresses are PII and never logged raw. */
export function hashAddress(address: string): string {
  return createHash('sha256').update(address.trim().toLowerCase()).digest('hex').slice(0, 12);
}
