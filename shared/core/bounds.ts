import { createHash } from 'node:crypto';
import { hashAddress } from './address';

/**
 * Size bounds applied at the boundary, before any regex or schema reads a value: an SNS message may
 * be 256 KB, and one field of that size must cost no more than any other (every later pass is linear
 * in a bounded length) nor end up on an item (DynamoDB: 400 KB per item, 2 KB partition key, 1 KB sort key).
 * docs/ingest.md ("Bounded sizes") lists what each bound does to the value.
 */
export const TEXT_BOUNDS = {
  /** Cut before folding; the classifier reads 1,200 characters of it and an event keeps 1,024. */
  diagnosticCode: 4096,
  /** DSN `Status` and `Action`, SES bounce type and subtype, complaint feedback type and subtype. */
  shortField: 64,
  /** Reporting and remote MTA, SMTP response, complaint user agent and arrival date. */
  mtaField: 1024,
  /** `mail.source` (only its domain is read, as the identity when sourceArn names none). */
  source: 1024,
  /** `mail.sourceArn` (the identity is the part after `:identity/`). */
  sourceArn: 2048,
  /** `mail.tags`: SES allows 50 tags of at most 256-character names and values. */
  tagCount: 50,
  tagText: 256,
  tagValues: 10,
  /** An identity longer than this (in UTF-8 bytes) is kept as a prefix and a hash (see boundIdentity). */
  identityBytes: 256,
  /** An operator's, an import's or the SES sync's reason text on a manual event. */
  manualReason: 512,
} as const;

/** Short, stable pseudonym of any text (12 hex digits of its SHA-256). */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** `value` cut to `max` characters (the value itself when shorter; non-strings untouched for the schema to refuse). */
export function clip<T>(value: T, max: number): T {
  return typeof value === 'string' && value.length > max ? (value.slice(0, max) as T) : value;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const IDENTITY_PREFIX = 64;

/**
 * An SES identity as it is stored, counted and used in keys: a domain (≤ 253 characters) or an email
 * address is kept as is; anything longer than TEXT_BOUNDS.identityBytes, or with control characters,
 * cannot be a verified identity and becomes its first 64 printable characters and a hash of the
 * whole (`prefix#hash`), so it still groups consistently without bringing an item or a key near
 * DynamoDB's limits. Input is bounded already (sourceArn, source), so this is linear in a small length.
 */
export function boundIdentity(identity: string): string {
  if (Buffer.byteLength(identity, 'utf8') <= TEXT_BOUNDS.identityBytes && !CONTROL.test(identity)) {
    return identity;
  }
  let prefix = '';
  for (const char of identity) {
    if (prefix.length >= IDENTITY_PREFIX) break;
    prefix += CONTROL.test(char) ? '?' : char;
  }
  return `${prefix}#${shortHash(identity)}`;
}

/**
 * The `Identity` dimension of an identity's metrics: an email-address identity is PII and goes out
 * as `email#<hash>` (hashAddress's hash, so `bounce` output and logs name it the same); a domain as is.
 */
export function identityDimension(identity: string): string {
  return identity.includes('@') ? `email#${hashAddress(identity)}` : identity;
}
