import { hashAddress } from './address';

// Anything shaped like local@domain inside free text (errors, diagnostic codes).
const ADDRESS_IN_TEXT = /[^\s"'<>(),;:[\]]+@[^\s"'<>(),;:[\]]+/g;

/** Replaces every address-looking token with its short hash, for logs (addresses are PII). */
export function redactAddresses(text: string): string {
  return text.replace(ADDRESS_IN_TEXT, (match) => `<addr:${hashAddress(match)}>`);
}
