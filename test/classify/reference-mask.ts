/**
 * The reply masker as it was before it was tuned for speed (a token at a time, slicing each token):
 * the reference test/classify/mask-agreement.test.ts checks `maskReply` against. Not used by the
 * classifier; keep it unchanged.
 */
import { MASK } from '../../shared/core/classify/structure';

// The generic top-level domains mail hosts use, and private ones; any two-letter label counts as a
// country code. Anything else after the last dot (RESOLVER.ADR.RecipNotFound, RESOLVER.ADR.Invalid,
// STOREDRV.Deliver, a Domino name "Some.Name", "unknown.please") is not a host name.
const TLDS = new Set([
  'com',
  'net',
  'org',
  'edu',
  'gov',
  'mil',
  'int',
  'info',
  'biz',
  'app',
  'dev',
  'cloud',
  'email',
  'online',
  'xyz',
  'local',
  'localdomain',
  'lan',
  'internal',
  'arpa',
]);

const isLower = (c: number) => c >= 97 && c <= 122;
const isUpper = (c: number) => c >= 65 && c <= 90;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102);

/** Characters of an address, host, id or blob token (the text is lower-cased). */
function tokenChar(c: number): boolean {
  return (
    isLower(c) ||
    isDigit(c) ||
    c === 46 || // .
    c === 45 || // -
    c === 95 || // _
    c === 64 || // @
    c === 43 || // +
    c === 37 || // %
    c === 61 || // =
    c === 47 // /
  );
}

/** A dotted name whose last label is a top-level domain: `mx.example.com`, not `unknown.please`. */
function isHostName(t: string, raw: string | null, at: number): boolean {
  const last = t.lastIndexOf('.');
  if (last <= 0 || last === t.length - 1) return false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (!(isLower(c) || isDigit(c) || c === 45 || c === 46 || c === 95)) return false;
    if (c === 46 && (i === 0 || t.charCodeAt(i - 1) === 46)) return false;
  }
  const tld = t.slice(last + 1);
  for (let i = 0; i < tld.length; i++) if (!isLower(tld.charCodeAt(i))) return false;
  if (tld.length === 2) {
    // "does not exist.In …": two words run together at a sentence end, not a country's domain.
    if (t.indexOf('.') === last && raw !== null) {
      const c0 = raw.charCodeAt(at + last + 1);
      const c1 = raw.charCodeAt(at + last + 2);
      if (isUpper(c0) && isLower(c1)) return false;
    }
    return true;
  }
  return TLDS.has(tld);
}

function isIPv4(t: string): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= t.length; i++) {
    const c = i < t.length ? t.charCodeAt(i) : 46;
    if (isDigit(c)) {
      if (++digits > 3) return false;
      value = value * 10 + c - 48;
    } else if (c === 46) {
      if (digits === 0 || value > 255) return false;
      parts++;
      digits = 0;
      value = 0;
    } else return false;
  }
  return parts === 4;
}

/** Long runs of letters and digits mixed: ids, hashes, base64 (not words, not codes like BL000010). */
function isBlob(t: string): boolean {
  if (t.length < 16) return false;
  let letters = 0;
  let digits = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (isDigit(c)) digits++;
    else if (isLower(c)) letters++;
  }
  return digits >= 2 && letters >= 2;
}

/**
 * End of an IPv6 address starting at `i` (hex groups and colons, with `::` or 5+ colons); else
 * −1 − the end of what was scanned, so the caller does not scan the same run again (linear).
 */
function ipv6End(text: string, i: number): number {
  let j = i;
  let colons = 0;
  let group = 0;
  let double = false;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 58) {
      colons++;
      if (text.charCodeAt(j + 1) === 58) double = true;
      group = 0;
    } else if (isHex(c)) {
      if (++group > 4) return -1 - j;
    } else if (c === 46 && colons >= 2) {
      // An IPv4 tail (::ffff:192.0.2.1).
      let k = j + 1;
      while (k < text.length && (isDigit(text.charCodeAt(k)) || text.charCodeAt(k) === 46)) k++;
      j = k;
      break;
    } else break;
    j++;
  }
  if (!(colons >= 5 || (double && colons >= 2))) return -1 - j;
  // Ends on a hex digit or `::`; a trailing single colon belongs to the sentence.
  while (j > i && text.charCodeAt(j - 1) === 58 && text.charCodeAt(j - 2) !== 58) j--;
  return j;
}

/** Where a URL that starts at `i` ends (at white space, a quote or a closing bracket). */
function urlEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c <= 32 || c === 34 || c === 39 || c === 62 || c === 41 || c === 93 || c === 60) break;
    j++;
  }
  // A sentence's full stop or comma after the URL is not part of it.
  while (j > i && (text.charCodeAt(j - 1) === 46 || text.charCodeAt(j - 1) === 44)) j--;
  return j;
}

interface Masked {
  /** The text with tokens replaced by MASK placeholders. */
  text: string;
  /** The host names found (bare hosts, address domains) and whole URLs, space-separated; '' when none. */
  hosts: string;
}

/**
 * Masks addresses, host names, IPs, URLs, message ids and blobs in `text` (lower-cased). `raw` is the
 * same text before lower-casing, or null when lower-casing changed its length (then the
 * capitalisation hint for "word.Word" is not used). One pass; returns `text` itself when nothing was
 * masked.
 */
export function referenceMaskReply(text: string, raw: string | null): Masked {
  let out = '';
  let hosts = '';
  let copied = 0;
  const n = text.length;
  let i = 0;
  // A hex-and-colon run that is no IPv6 address is not scanned again from inside it.
  let notIPv6Before = 0;
  const emit = (from: number, to: number, mask: string) => {
    out += text.slice(copied, from) + mask;
    copied = to;
  };
  const addHost = (h: string) => {
    if (h.length === 0) return;
    hosts = hosts === '' ? h : `${hosts} ${h}`;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    // IPv6 (starts with a hex digit or a colon, not inside a word).
    if (i >= notIPv6Before && (isHex(c) || c === 58) && (i === 0 || !tokenChar(text.charCodeAt(i - 1)))) {
      const e = ipv6End(text, i);
      if (e > 0) {
        emit(i, e, MASK.ip);
        i = e;
        continue;
      }
      notIPv6Before = -1 - e;
    }
    if (!tokenChar(c) || c === 47) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && tokenChar(text.charCodeAt(j))) j++;
    // URL: a scheme and "://".
    if (text.charCodeAt(j) === 58 && text.charCodeAt(j + 1) === 47 && text.charCodeAt(j + 2) === 47) {
      const e = urlEnd(text, j);
      // The whole URL: receivers put their codes in its path or anchor (Comcast's #BL000010).
      addHost(text.slice(i, e));
      emit(i, e, MASK.url);
      i = e;
      continue;
    }
    // Punctuation around a token belongs to the sentence.
    let a = i;
    let b = j;
    while (a < b && isEdge(text.charCodeAt(a))) a++;
    while (b > a && isEdge(text.charCodeAt(b - 1))) b--;
    const t = text.slice(a, b);
    const at = t.lastIndexOf('@');
    if (at >= 0) {
      // The domain ends where a host name cannot go on ("user@example.com...User unknown"); the
      // rest is scanned again.
      const end = domainEnd(t, at + 1);
      const domain = t.slice(at + 1, end);
      if (at > 0 && domain.length > 0) {
        addHost(domain);
        const local = t.slice(0, at);
        emit(
          a,
          a + end,
          isBlob(local.replace(/[^a-z0-9]/g, '')) || local.length > 40 ? MASK.messageId : MASK.address,
        );
        i = a + end;
        continue;
      }
      if (at === 0 && isHostName(domain, null, 0)) {
        addHost(domain);
        emit(a, a + end, MASK.host);
        i = a + end;
        continue;
      }
    } else if (t.startsWith('www.')) {
      addHost(t);
      emit(a, b, MASK.url);
    } else if (t.indexOf('.') > 0) {
      if (isIPv4(t)) emit(a, b, MASK.ip);
      else if (isHostName(t, raw, a)) {
        addHost(t);
        emit(a, b, MASK.host);
      } else if (isBlob(t.replace(/[^a-z0-9]/g, ''))) emit(a, b, MASK.blob);
    } else if (isBlob(t)) emit(a, b, MASK.blob);
    i = j;
  }
  if (copied === 0) return { text, hosts };
  return { text: out + text.slice(copied), hosts };
}

/** End of the host name that starts at `from` in `t`: letters, digits, `-`, `_`, single dots. */
function domainEnd(t: string, from: number): number {
  let j = from;
  while (j < t.length) {
    const c = t.charCodeAt(j);
    if (c === 46) {
      if (j === from || t.charCodeAt(j + 1) === 46 || j + 1 === t.length) break;
    } else if (!(isLower(c) || isDigit(c) || c === 45 || c === 95)) break;
    j++;
  }
  return j;
}

function isEdge(c: number): boolean {
  return c === 46 || c === 45 || c === 95 || c === 47 || c === 61 || c === 43;
}
