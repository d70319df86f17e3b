import { hashAddress } from './address';

// A token: a maximal run of characters that can be part of an address inside free text. Maximal runs
// do not overlap, so one scan is linear (the former `[^…]+@[^…]+` retried every start of a long run
// without `@`: quadratic, 250 KB of it took seconds).
const TOKEN = /[^\s"'<>(),;:[\]]+/g;

/**
 * Replaces every address-looking token (local@domain inside errors, diagnostic codes) with its short
 * hash, for logs (addresses are PII). A token counts when it has an `@` with a character on each side.
 */
export function redactAddresses(text: string): string {
  return text.replace(TOKEN, (token) => {
    const at = token.indexOf('@', 1);
    return at > 0 && at < token.length - 1 ? `<addr:${hashAddress(token)}>` : token;
  });
}
