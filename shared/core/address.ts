import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';

/** RFC 5321 path limit, in octets (RFC 6531 keeps it for UTF-8); longer strings cannot be a deliverable address. */
const MAX_ADDRESS_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
/**
 * Longest input read at all (a display name may make a real one longer than the address): anything
 * longer is refused before any regex runs, so a 250 KB field costs one length check.
 */
export const MAX_ADDRESS_INPUT = 1024;
// C0/C1 controls, DEL, and the Unicode line/paragraph separators: header-injection material.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// `Name <a@b>`, `"Doe, Jane" <a@b>`, `=?UTF-8?B?…?= <a@b>` (RFC 2047 words), `<a@b>`: a display name of
// unquoted text without <>" and quoted strings (which may hold <, > and escaped quotes), then <addr>.
const DISPLAY_NAME_FORM = /^(?:"(?:[^"\\]|\\.)*"|[^<>"])*<([^<>]*)>\s*$/;
const LOCAL_PART = /^[^\s@"(),:;<>[\\\]]+$/;
// RFC 5321 Quoted-string content: any printable ASCII but `"` and `\`, which come as quoted pairs.
const QUOTED_CONTENT = /^(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])+$/;
const IPV4_LITERAL = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
// A domain domainToASCII would return unchanged once lower-cased: ASCII letters, digits and hyphens
// in non-empty labels, no punycode label (xn--, which it validates), and a last label that starts
// with a letter (one that looks numeric makes it parse the host as an IPv4 address).
const PLAIN_DOMAIN = /^(?:(?!xn--)[a-z0-9-]+\.)+(?!xn--)[a-z][a-z0-9-]*$/;

export class InvalidAddressError extends Error {
  override readonly name = 'InvalidAddressError';
}

/**
 * How an error names the input: its hash and length, never the text (display names and fragments
 * of local parts are PII too); `bounce lookup` of the same text finds the same hash.
 */
function named(input: string): string {
  return `#${hashAddress(input)} (${input.length} characters)`;
}

/**
 * The canonical local part: unquoted as given when it is a dot-atom (RFC 5321 §4.1.2: `"jane"` and
 * `jane` are the same mailbox), else quoted with only `"` and `\` escaped. Lower-cased either way,
 * like every local part here. Undefined when it is neither.
 */
function canonicalLocal(local: string): string | undefined {
  if (!(local.length >= 2 && local.startsWith('"') && local.endsWith('"'))) {
    return LOCAL_PART.test(local) && !local.includes('..') ? local.toLowerCase() : undefined;
  }
  const content = local.slice(1, -1);
  if (!QUOTED_CONTENT.test(content)) return undefined;
  const unescaped = content.replace(/\\(.)/g, '$1').toLowerCase();
  const dotAtom =
    LOCAL_PART.test(unescaped) &&
    !unescaped.includes('..') &&
    !unescaped.startsWith('.') &&
    !unescaped.endsWith('.');
  return dotAtom ? unescaped : `"${unescaped.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * The canonical domain: an address literal (`[192.0.2.1]`, `[IPv6:2001:db8::1]`) in its shortest
 * form; a name lower-cased, IDN in punycode, one trailing root dot (`example.com.`) dropped.
 * Undefined when it is neither.
 */
function canonicalDomain(input: string): string | undefined {
  if (input.startsWith('[') && input.endsWith(']')) {
    const literal = input.slice(1, -1);
    const v4 = IPV4_LITERAL.exec(literal);
    if (v4) {
      const octets = v4.slice(1).map(Number);
      return octets.every((octet) => octet <= 255) ? `[${octets.join('.')}]` : undefined;
    }
    const v6 = literal.slice(0, 5).toLowerCase() === 'ipv6:' ? literal.slice(5) : '';
    if (!isIPv6(v6)) return undefined;
    return `[ipv6:${new URL(`http://[${v6}]`).hostname.slice(1, -1)}]`;
  }
  const name = input.endsWith('.') && !input.endsWith('..') ? input.slice(0, -1) : input;
  // domainToASCII lower-cases, applies IDNA mapping and returns '' for what is not a valid host name;
  // the plain domains nearly every address has skip it (a test checks both agree on them).
  const lowered = name.toLowerCase();
  const domain = PLAIN_DOMAIN.test(lowered) ? lowered : domainToASCII(name);
  const bad =
    domain === '' ||
    !domain.includes('.') ||
    domain.includes('..') ||
    domain.startsWith('.') ||
    domain.endsWith('.');
  return bad ? undefined : domain;
}

const isLowerAlnum = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);

/**
 * `input` is already canonical and plain: a local part of lower-case letters, digits and `._%+=-`
 * (at most 64, no `..`), one `@`, and a domain of lower-case labels of letters, digits and `-`
 * (two or more, none empty, none punycode, the last starting with a letter). normalizeAddress
 * returns such an input unchanged without reading it again: nearly every address SES reports is
 * one (test/address.test.ts checks the two agree).
 */
export function isPlainCanonical(input: string): boolean {
  const n = input.length;
  if (n < 5 || n > MAX_ADDRESS_LENGTH) return false;
  const at = input.indexOf('@');
  if (at <= 0 || at > MAX_LOCAL_PART_LENGTH) return false;
  for (let i = 0; i < at; i++) {
    const c = input.charCodeAt(i);
    if (isLowerAlnum(c) || c === 95 || c === 37 || c === 43 || c === 61 || c === 45) continue;
    if (c !== 46 || (i > 0 && input.charCodeAt(i - 1) === 46)) return false;
  }
  let labelStart = at + 1;
  let labels = 0;
  for (let i = at + 1; i <= n; i++) {
    const c = i < n ? input.charCodeAt(i) : 46;
    if (c === 46) {
      if (i === labelStart || input.startsWith('xn--', labelStart)) return false;
      labels++;
      if (i === n) {
        const first = input.charCodeAt(labelStart);
        return labels >= 2 && first >= 97 && first <= 122;
      }
      labelStart = i + 1;
    } else if (!isLowerAlnum(c) && c !== 45) return false;
  }
  return false;
}

/**
 * The one canonical form of an address, used by the processor, the CLI and the pipeline client alike:
 * trimmed, display name and angle brackets stripped, lower-cased, IDN domain in punycode; every form
 * SES delivers to has one key: a quoted local part (`"john doe"@example.com`; `"jane"` is `jane`),
 * an address literal (`jane@[192.0.2.1]`), a domain with its root dot (`jane@example.com.` is
 * `jane@example.com`). Throws InvalidAddressError (naming the input by its hash, never its text) for
 * anything that is not an address.
 */
export function normalizeAddress(input: string): string {
  if (typeof input !== 'string')
    throw new InvalidAddressError(`address must be a string, got ${typeof input}`);
  if (isPlainCanonical(input)) return input;
  if (input.length > MAX_ADDRESS_INPUT) {
    throw new InvalidAddressError(
      `invalid address ${named(input)}: longer than ${MAX_ADDRESS_INPUT} characters, not read`,
    );
  }
  if (CONTROL_CHARACTERS.test(input)) {
    throw new InvalidAddressError(`invalid address ${named(input)}: contains control characters`);
  }
  let candidate = input.trim();
  // Only a string with '<' can be the display-name form (the regex walks every character).
  const displayName = candidate.includes('<') ? DISPLAY_NAME_FORM.exec(candidate) : null;
  if (displayName) candidate = (displayName[1] ?? '').trim();
  const at = candidate.lastIndexOf('@');
  if (at <= 0 || at === candidate.length - 1) {
    throw new InvalidAddressError(`invalid address ${named(input)}: expected local@domain`);
  }
  // The last `@`: a quoted local part may hold one (`"a@b"@example.com`), a domain never does.
  const local = canonicalLocal(candidate.slice(0, at));
  if (local === undefined || Buffer.byteLength(local, 'utf8') > MAX_LOCAL_PART_LENGTH) {
    throw new InvalidAddressError(`invalid address ${named(input)}: bad local part`);
  }
  const domain = canonicalDomain(candidate.slice(at + 1));
  if (domain === undefined) {
    throw new InvalidAddressError(`invalid address ${named(input)}: bad domain`);
  }
  const address = `${local}@${domain}`;
  const octets = Buffer.byteLength(address, 'utf8');
  if (octets > MAX_ADDRESS_LENGTH) {
    throw new InvalidAddressError(
      `invalid address ${named(input)}: ${octets} octets, at most ${MAX_ADDRESS_LENGTH}`,
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
