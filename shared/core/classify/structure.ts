/**
 * The parts of an SMTP reply the rules read apart, so each rule sees only what it should:
 *  - the free text with addresses, host names, IPs, URLs, message ids and encoded blobs masked
 *    (`maskReply`), so a word inside a recipient's local part or a host named after a product cannot
 *    fire a phrase family;
 *  - the host names it masked (`hosts`), for the few rules that are about hosts (a blocklist zone, a
 *    receiver's fingerprint);
 *  - the SMTP stage, when the text says it (`stageOf`);
 *  - the receiver, from its fingerprints (`receiverOf`).
 * Every pass here is one left-to-right scan (hand-written, or a regex without nested quantifiers) over
 * text already capped by ./signals.
 */

import { COMCAST_BLOCK, COMCAST_RATE, DNSBL_ZONE } from './phrases';

/** Where in the SMTP dialogue the reply came, when the text says it ('' when it does not). */
export type Stage = '' | 'connect' | 'helo' | 'mail' | 'rcpt' | 'data';

/** The receivers whose fingerprints rules use (documented replies in ./receivers). */
export type Receiver = '' | 'gmail' | 'microsoft' | 'yahoo' | 'docomo' | 'google-groups';

/**
 * Placeholders of masked tokens: upper case, so no phrase regex (written in lower case, run on the
 * lower-cased text) can match inside one, while `[^ ]` and `\b` still see a word there.
 */
export const MASK = {
  address: 'ADDR',
  messageId: 'MSGID',
  host: 'HOST',
  ip: 'IP',
  url: 'URL',
  blob: 'BLOB',
} as const;

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

// Character classes of ASCII codes (the text is lower-cased), one table lookup per character.
const TOKEN = 1; // a character of an address, host, id or blob token: a-z 0-9 . - _ @ + % = /
const HEX = 2; // 0-9 a-f
const ALNUM = 4; // a-z 0-9
const DIGIT = 8;
const EDGE = 16; // punctuation that belongs to the sentence at a token's ends: . - _ / = +
const HOST = 32; // a-z 0-9 - _ (a host label)
const AT = 64;
const DOT = 128;
const CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = TOKEN | HEX | ALNUM | DIGIT | HOST;
for (let c = 97; c <= 122; c++) CLASS[c] = TOKEN | ALNUM | HOST | (c <= 102 ? HEX : 0);
const mark = (chars: string, bits: number) => {
  for (let i = 0; i < chars.length; i++)
    CLASS[chars.charCodeAt(i)] = (CLASS[chars.charCodeAt(i)] ?? 0) | bits;
};
mark('.-_@+%=/', TOKEN);
mark('.-_/=+', EDGE);
mark('-_', HOST);
mark('@', AT);
mark('.', DOT);

/** The class bits of `c` (0 for anything outside ASCII). */
const classOf = (c: number): number => (c < 128 ? (CLASS[c] as number) : 0);

/**
 * A dotted name whose last label is a top-level domain: `mx.example.com`, not `unknown.please`.
 * Reads text[from, to); `raw` is the text before lower-casing (null: no capitalisation hint).
 */
function isHostName(text: string, from: number, to: number, raw: string | null): boolean {
  let last = -1;
  let dots = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (i === from || text.charCodeAt(i - 1) === 46) return false;
      last = i;
      dots++;
    } else if ((classOf(c) & HOST) === 0) return false;
  }
  if (last < 0 || last === to - 1) return false;
  for (let i = last + 1; i < to; i++) if (!isLower(text.charCodeAt(i))) return false;
  if (to - last - 1 === 2) {
    // "does not exist.In …": two words run together at a sentence end, not a country's domain.
    if (dots === 1 && raw !== null) {
      const c0 = raw.charCodeAt(last + 1);
      const c1 = raw.charCodeAt(last + 2);
      if (isUpper(c0) && isLower(c1)) return false;
    }
    return true;
  }
  return TLDS.has(text.slice(last + 1, to));
}

/** text[from, to) is a dotted-quad IPv4 address. */
function isIPv4(text: string, from: number, to: number): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = from; i <= to; i++) {
    const c = i < to ? text.charCodeAt(i) : 46;
    if ((classOf(c) & DIGIT) !== 0) {
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

/**
 * Long runs of letters and digits mixed: ids, hashes, base64 (not words, not codes like BL000010).
 * `length`: the run's length; `digits`, `letters`: how many of each it holds.
 */
const isBlob = (length: number, digits: number, letters: number) =>
  length >= 16 && digits >= 2 && letters >= 2;

/** Letters and digits of text[from, to): `counted[0]` digits, `counted[1]` letters. */
const counted = new Int32Array(2);
function count(text: string, from: number, to: number): void {
  let digits = 0;
  let letters = 0;
  for (let i = from; i < to; i++) {
    const k = classOf(text.charCodeAt(i));
    if ((k & DIGIT) !== 0) digits++;
    else if ((k & ALNUM) !== 0) letters++;
  }
  counted[0] = digits;
  counted[1] = letters;
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
      if (j + 1 < text.length && text.charCodeAt(j + 1) === 58) double = true;
      group = 0;
    } else if ((classOf(c) & HEX) !== 0) {
      if (++group > 4) return -1 - j;
    } else if (c === 46 && colons >= 2) {
      // An IPv4 tail (::ffff:192.0.2.1).
      let k = j + 1;
      while (k < text.length && ((classOf(text.charCodeAt(k)) & DIGIT) !== 0 || text.charCodeAt(k) === 46))
        k++;
      j = k;
      break;
    } else break;
    j++;
  }
  if (!(colons >= 5 || (double && colons >= 2))) return -1 - j;
  // Ends on a hex digit or `::`; a trailing single colon belongs to the sentence.
  while (j > i && text.charCodeAt(j - 1) === 58 && (j < 2 || text.charCodeAt(j - 2) !== 58)) j--;
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

/** End of the host name that starts at `from` in text[…, to): letters, digits, `-`, `_`, single dots. */
function domainEnd(text: string, from: number, to: number): number {
  let j = from;
  while (j < to) {
    const c = text.charCodeAt(j);
    if (c === 46) {
      if (j === from || j + 1 === to || text.charCodeAt(j + 1) === 46) break;
    } else if ((classOf(c) & HOST) === 0) break;
    j++;
  }
  return j;
}

export interface Masked {
  /** The text with tokens replaced by MASK placeholders. */
  text: string;
  /** The host names found (bare hosts, address domains) and whole URLs, space-separated; '' when none. */
  hosts: string;
  /**
   * Those of `hosts` not read from an address (bare hosts, `@host`, URLs): a blocklist zone or a
   * receiver's code in its URL is read from these only, since an address's domain (the
   * recipient's own, say at a domain named like a blocklist) says nothing of either.
   */
  named: string;
}

// The masked text being built (maskReply is synchronous and not re-entrant): module state rather
// than closures, which would be allocated on every call.
let out = '';
let copied = 0;
let hosts = '';
let named = '';

function emit(text: string, from: number, to: number, mask: string): void {
  out += text.slice(copied, from) + mask;
  copied = to;
}

function addHost(h: string, inAddress = false): void {
  if (h.length === 0) return;
  hosts = hosts === '' ? h : `${hosts} ${h}`;
  if (!inAddress) named = named === '' ? h : `${named} ${h}`;
}

/**
 * Masks addresses, host names, IPs, URLs, message ids and blobs in `text` (lower-cased). `raw` is the
 * same text before lower-casing, or null when lower-casing changed its length (then the
 * capitalisation hint for "word.Word" is not used). One left-to-right pass: a plain word (letters
 * and digits, no `@` or `.`, shorter than a blob, not a scheme) costs a table lookup per character
 * and nothing else; only a token that may be masked is looked at again. Returns `text` itself when
 * nothing was masked. test/classify/mask-agreement.test.ts checks it against the token-slicing
 * masker it replaced (test/classify/reference-mask.ts).
 */
export function maskReply(text: string, raw: string | null): Masked {
  out = '';
  copied = 0;
  hosts = '';
  named = '';
  const n = text.length;
  let i = 0;
  // A hex-and-colon run that is no IPv6 address is not scanned again from inside it.
  let notIPv6Before = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const k = classOf(c);
    if ((k & TOKEN) === 0) {
      // An IPv6 address may start at a colon that is not inside a word ("::1").
      if (c === 58 && i >= notIPv6Before && (i === 0 || (classOf(text.charCodeAt(i - 1)) & TOKEN) === 0)) {
        const e = ipv6End(text, i);
        if (e > 0) {
          emit(text, i, e, MASK.ip);
          i = e;
          continue;
        }
        notIPv6Before = -1 - e;
      }
      i++;
      continue;
    }
    if (c === 47) {
      i++;
      continue;
    }
    // The token, and what it holds: `any` has a class bit if one of its characters has it, `all`
    // if all of them do.
    let any = k;
    let all = k;
    let j = i + 1;
    for (; j < n; j++) {
      const d = classOf(text.charCodeAt(j));
      if ((d & TOKEN) === 0) break;
      any |= d;
      all &= d;
    }
    // (Reads stay in bounds: an out-of-bounds charCodeAt makes V8 compile a slower access.)
    const next = j < n ? text.charCodeAt(j) : 0;
    // IPv6 (from a hex digit, not inside a word): its first group of at most 4 hex digits ends at a
    // colon. Without one, ipv6End would stop before any colon (and mark nothing another start
    // could reach).
    if (
      j - i <= 4 &&
      (all & HEX) !== 0 &&
      next === 58 &&
      i >= notIPv6Before &&
      (i === 0 || (classOf(text.charCodeAt(i - 1)) & TOKEN) === 0)
    ) {
      const e = ipv6End(text, i);
      if (e > 0) {
        emit(text, i, e, MASK.ip);
        i = e;
        continue;
      }
      notIPv6Before = -1 - e;
    }
    // URL: a scheme and "://".
    if (next === 58 && j + 2 < n && text.charCodeAt(j + 1) === 47 && text.charCodeAt(j + 2) === 47) {
      const e = urlEnd(text, j);
      // The whole URL: receivers put their codes in its path or anchor (Comcast's #BL000010).
      addHost(text.slice(i, e));
      emit(text, i, e, MASK.url);
      i = e;
      continue;
    }
    // A plain word: nothing to mask (a blob has at least 16 characters).
    if ((any & (AT | DOT)) === 0 && j - i < 16) {
      i = j;
      continue;
    }
    const ats = any & AT;
    const dots = any & DOT;
    // Punctuation around a token belongs to the sentence.
    let a = i;
    let b = j;
    while (a < b && (classOf(text.charCodeAt(a)) & EDGE) !== 0) a++;
    while (b > a && (classOf(text.charCodeAt(b - 1)) & EDGE) !== 0) b--;
    if (ats > 0) {
      // `@` is no edge: it is inside [a, b). The domain ends where a host name cannot go on
      // ("user@example.com...User unknown"); the rest is scanned again.
      let at = b - 1;
      while (text.charCodeAt(at) !== 64) at--;
      const end = domainEnd(text, at + 1, b);
      if (at > a && end > at + 1) {
        addHost(text.slice(at + 1, end), true);
        count(text, a, at);
        const local = (counted[0] as number) + (counted[1] as number);
        emit(
          text,
          a,
          end,
          isBlob(local, counted[0] as number, counted[1] as number) || at - a > 40
            ? MASK.messageId
            : MASK.address,
        );
        i = end;
        continue;
      }
      if (at === a && isHostName(text, at + 1, end, null)) {
        addHost(text.slice(at + 1, end));
        emit(text, a, end, MASK.host);
        i = end;
        continue;
      }
    } else if (b - a >= 4 && text.startsWith('www.', a)) {
      addHost(text.slice(a, b));
      emit(text, a, b, MASK.url);
    } else if (dots > 0 && hasDot(text, a, b)) {
      count(text, a, b);
      if (isIPv4(text, a, b)) emit(text, a, b, MASK.ip);
      else if (isHostName(text, a, b, raw)) {
        addHost(text.slice(a, b));
        emit(text, a, b, MASK.host);
      } else if (
        isBlob((counted[0] as number) + (counted[1] as number), counted[0] as number, counted[1] as number)
      )
        emit(text, a, b, MASK.blob);
    } else if (b - a >= 16) {
      count(text, a, b);
      if (isBlob(b - a, counted[0] as number, counted[1] as number)) emit(text, a, b, MASK.blob);
    }
    i = j;
  }
  const found = hosts;
  const outside = named;
  hosts = '';
  named = '';
  if (copied === 0) return { text, hosts: found, named: outside };
  const masked = out + text.slice(copied);
  out = '';
  return { text: masked, hosts: found, named: outside };
}

/**
 * The recipient's own address in a reply is masked like any other address, yet it makes each
 * recipient's copy of one reply a different text. ./signals puts `SELF.address` in its place
 * ({@link withSelf}) so that a reply sent to many recipients is lower-cased and masked once: the
 * masked text is the same, and so are the hosts once SELF's domain is put back ({@link selfHosts}).
 * Digits and dashes only in the domain: no other character lower-cases to them.
 */
export const SELF = { address: 'x@0--0--0', domain: '0--0--0' } as const;

/**
 * `address` masks exactly as SELF.address does wherever it stands alone: ASCII token characters,
 * one `@` after a local part that is no blob and at most 40 long (so MASK.address, not
 * MASK.messageId), no sentence punctuation at its ends (which the masker would trim), and a domain
 * the masker takes whole (labels and single dots).
 */
function masksLikeSelf(address: string): boolean {
  const n = address.length;
  if (n < 3 || n > 254) return false;
  const lowered = address.toLowerCase();
  if (lowered.length !== n) return false;
  for (let i = 0; i < n; i++) if ((classOf(lowered.charCodeAt(i)) & TOKEN) === 0) return false;
  const at = lowered.indexOf('@');
  if (at <= 0 || at > 40 || lowered.lastIndexOf('@') !== at) return false;
  if ((classOf(lowered.charCodeAt(0)) & EDGE) !== 0 || (classOf(lowered.charCodeAt(n - 1)) & EDGE) !== 0)
    return false;
  count(lowered, 0, at);
  if (isBlob((counted[0] as number) + (counted[1] as number), counted[0] as number, counted[1] as number))
    return false;
  return n > at + 1 && domainEnd(lowered, at + 1, n) === n;
}

/** Outside any token once lower-cased: ASCII that is no token character, or non-ASCII other than
 * the two characters that lower-case to ASCII letters (U+0130 İ, U+212A Kelvin sign). */
function outside(c: number): boolean {
  if (c >= 128) return c !== 0x130 && c !== 0x212a;
  return (classOf(c >= 65 && c <= 90 ? c + 32 : c) & TOKEN) === 0;
}

const isEdge = (c: number) => c < 128 && (classOf(c) & EDGE) !== 0;

/**
 * The address at raw[from, to) is a token of its own for the masker: around it only sentence
 * punctuation the masker trims (`<addr>...`, `addr.`), then a character outside tokens, or the ends.
 * No colon before it: an IPv6 scan passes colons and hex digits (and, after two colons, dots and
 * digits) into whatever follows. A colon after it makes it a URL's scheme only when `//` follows.
 */
function standsAlone(raw: string, from: number, to: number): boolean {
  let k = from - 1;
  while (k >= 0 && isEdge(raw.charCodeAt(k))) k--;
  if (k >= 0 && (raw.charCodeAt(k) === 58 || !outside(raw.charCodeAt(k)))) return false;
  k = to;
  while (k < raw.length && isEdge(raw.charCodeAt(k))) k++;
  if (k < raw.length) {
    const c = raw.charCodeAt(k);
    if (c === 58) return !(raw.charCodeAt(k + 1) === 47 && raw.charCodeAt(k + 2) === 47);
    return outside(c);
  }
  return true;
}

/**
 * `raw` (as received) with every occurrence of `address` replaced by SELF.address, when that
 * changes nothing `maskReply` makes of it but SELF's place in `hosts`: each occurrence stands alone
 * ({@link standsAlone}), the address masks as SELF does, and `raw` does not already hold SELF's domain.
 * Null otherwise (or when `address` is not in `raw`): then the text is masked as it is.
 */
export function withSelf(raw: string, address: string): string | null {
  // The length first: an address field may be any size, and indexOf would search for all of it.
  if (address.length < 3 || address.length > 254) return null;
  let i = raw.indexOf(address);
  if (i < 0 || !masksLikeSelf(address) || raw.includes(SELF.domain)) return null;
  let key = '';
  let from = 0;
  while (i >= 0) {
    if (!standsAlone(raw, i, i + address.length)) return null;
    key += raw.slice(from, i) + SELF.address;
    from = i + address.length;
    i = raw.indexOf(address, from);
  }
  return key + raw.slice(from);
}

/** The `hosts` of a text masked with SELF in place of `address` ({@link withSelf}), with `address` put back. */
export function selfHosts(hosts: string, address: string): string {
  if (!hosts.includes(SELF.domain)) return hosts;
  const lowered = address.toLowerCase();
  return hosts
    .replaceAll(SELF.address, lowered)
    .replaceAll(SELF.domain, lowered.slice(lowered.indexOf('@') + 1));
}

function hasDot(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 46) return true;
  return false;
}

/**
 * The SMTP stage, when the text names it: Postfix's "(in reply to RCPT TO command)", Exim's "after
 * RCPT TO:<…>", sendmail's ">>> DATA", "end of DATA", "after MAIL FROM", "HELO/EHLO",
 * "refused to talk to me" (the greeting). In a transcript (sendmail's ">>> MAIL From … >>> RCPT To")
 * the last command named is the one refused, so the last one named wins.
 */
const STAGE =
  /rcpt to|rcpt command|(?:after|in reply to|during) (?:the )?(?:pipelined )?(?:rcpt|mail from|data|end of data|helo|ehlo)|>>> ?(?:rcpt|mail from|data|helo|ehlo)|mail from command|\[(?:rcpt_to|mail_from|data|ehlo|helo|connect)\]|end of data|data command|(?:helo|ehlo) command|(?:after|during|at) (?:the )?(?:initial )?(?:connect|connection time|smtp greeting|greeting|banner)|initial connection|refused to talk to me/g;

export function stageOf(text: string): Stage {
  const re = STAGE;
  re.lastIndex = 0;
  let w = '';
  for (let m = re.exec(text); m !== null; m = re.exec(text)) w = m[0];
  re.lastIndex = 0;
  if (w === '') return '';
  if (w.includes('rcpt')) return 'rcpt';
  if (w.includes('mail')) return 'mail';
  if (w.includes('helo') || w.includes('ehlo')) return 'helo';
  if (w.includes('data')) return 'data';
  return 'connect';
}

/**
 * The receiver, from fingerprints its documentation describes: Gmail's replies end in "gsmtp"
 * (Workspace policies "gcdp"), Microsoft's hosts are in protection.outlook.com / outlook.com; the
 * host names masked out of the text and the reporting MTA.
 */
export function receiverOf(text: string, hosts: string, reportingMta: string): Receiver {
  return receiverFrom(receiverMarks(text), hostMarks(hosts) | hostMarks(reportingMta));
}

/** Fingerprints in the text itself: Gmail's "gsmtp" / "gcdp" and Yahoo's "delivery error: dd ". */
export const TEXT_MARK = { gmail: 1, yahoo: 2 } as const;

/**
 * The TEXT_MARK bits of `text` — a function of the text alone, so ./signals reads them once per
 * distinct text and passes them to {@link receiverFrom}.
 */
export function receiverMarks(text: string): number {
  return (
    (text.includes('gsmtp') || text.includes('gcdp') ? TEXT_MARK.gmail : 0) |
    (text.includes('delivery error: dd ') ? TEXT_MARK.yahoo : 0)
  );
}

/**
 * What the hosts named in a reply (and the reporting MTA) tell the rules, as bits: the receivers'
 * domains ({@link receiverFrom}), a DNS blocklist's zone, Comcast's codes in its URLs. Rules read
 * hosts only through these bits, and each is a substring test that cannot span two space-separated
 * hosts, so the marks of a host list are the OR of its hosts' marks: ./signals adds the recipient's
 * own domain to a reply's marks without rebuilding its host list.
 */
export const HOST_MARK = {
  googleGroups: 1,
  google: 2,
  microsoft: 4,
  yahoo: 8,
  docomo: 16,
  dnsblZone: 32,
  comcastBlock: 64,
  comcastRate: 128,
} as const;

/** The {@link HOST_MARK} bits that name a receiver: the only ones an address's domain gives. */
export const RECEIVER_MARKS =
  HOST_MARK.googleGroups | HOST_MARK.google | HOST_MARK.microsoft | HOST_MARK.yahoo | HOST_MARK.docomo;

/** The {@link HOST_MARK} bits of `hosts` (one host, or several space-separated). */
export function hostMarks(hosts: string): number {
  if (hosts === '') return 0;
  return (
    (hosts.includes('groups.google.') ? HOST_MARK.googleGroups : 0) |
    (hosts.includes('google.com') || hosts.includes('googlemail') ? HOST_MARK.google : 0) |
    (hosts.includes('outlook.com') || hosts.includes('hotmail.com') || hosts.includes('exchangelabs.com')
      ? HOST_MARK.microsoft
      : 0) |
    (hosts.includes('yahoo') || hosts.includes('aol.com') ? HOST_MARK.yahoo : 0) |
    (hosts.includes('docomo.ne.jp') ? HOST_MARK.docomo : 0) |
    (DNSBL_ZONE.test(hosts) ? HOST_MARK.dnsblZone : 0) |
    (COMCAST_BLOCK.test(hosts) ? HOST_MARK.comcastBlock : 0) |
    (COMCAST_RATE.test(hosts) ? HOST_MARK.comcastRate : 0)
  );
}

/**
 * {@link receiverOf} from the text's {@link receiverMarks} and the {@link hostMarks} of the hosts
 * and the reporting MTA together.
 */
export function receiverFrom(marks: number, hostBits: number): Receiver {
  const gmail = (marks & TEXT_MARK.gmail) !== 0;
  const yahoo = (marks & TEXT_MARK.yahoo) !== 0;
  if ((hostBits & HOST_MARK.googleGroups) !== 0) return 'google-groups';
  if (gmail || (hostBits & HOST_MARK.google) !== 0) return 'gmail';
  if ((hostBits & HOST_MARK.microsoft) !== 0) return 'microsoft';
  if ((hostBits & HOST_MARK.yahoo) !== 0 || yahoo) return 'yahoo';
  if ((hostBits & HOST_MARK.docomo) !== 0) return 'docomo';
  return '';
}

/**
 * Wording that says the refusal may pass: "try again later", "temporarily", greylisting, and DNS
 * answers that mean "ask later" (SERVFAIL, a timeout, "temporary failure in name resolution").
 * Under a permanent-looking code it still rules out a suppression (./ladder).
 */
export const TEMPORARY_WORDING =
  /temporar(?:y|ily)|try (?:again )?later|retry later|(?:try|retry) again (?:in|after|shortly|soon)|please try again|come back later|at a later time|greylist|graylist|servfail|server failure|dns (?:timeout|timed out|lookup timed out)|lookup timed out|resolution timed out|deferr(?:ed|al|ing)|not yet (?:available|ready|active)/;
