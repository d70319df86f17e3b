import {
  hostMarks,
  type Masked,
  maskReply,
  RECEIVER_MARKS,
  type Receiver,
  receiverFrom,
  receiverMarks,
  SELF,
  type Stage,
  selfHosts,
  stageOf,
  withSelf,
} from './structure';
import type { RecipientBounce } from './types';

/**
 * Everything the rules look at, extracted once per recipient so each rule is a cheap test.
 * Strings are lower-cased so the rule regexes need no `i` flag.
 */
export interface Signals {
  /**
   * diagnosticCode, lower-cased and capped (see MAX_TEXT), with addresses, host names, IPs, URLs,
   * message ids and blobs masked (./structure `MASK`): what phrase families read. '' when absent.
   */
  readonly text: string;
  /**
   * The host names (address domains included) and whole URLs masked out of the text,
   * space-separated. Rules do not read it: they read {@link hostMarks} (the verdict cache in
   * ./index relies on that).
   */
  readonly hosts: string;
  /**
   * ./structure `HOST_MARK` bits: what rules may know of the hosts. Every mark of the hosts outside
   * addresses, and the receiver marks of all of them.
   */
  readonly hostMarks: number;
  /** The SMTP stage the text names ('' when it names none). */
  readonly stage: Stage;
  /** The receiver, from its fingerprints ('' when unknown). */
  readonly receiver: Receiver;
  /** The reply code is 4xx or the enhanced code is 4.x.x: the receiver says the refusal may pass. */
  readonly temporaryCode: boolean;
  /** Both a reply code and an enhanced code, of different classes (550 with 4.x.x, 450 with 5.x.x). */
  readonly codesDisagree: boolean;
  /** RFC 3463 enhanced code `c.s.d` from `status`, else the first one in the text; '' when none. */
  readonly status: string;
  /** Class of the failure: 4 or 5 (2 for odd "successes"), from the enhanced code, else the reply code; 0 unknown. */
  readonly klass: number;
  /** Subject and detail of the enhanced code (`s` and `d` in c.s.d); -1 when none. */
  readonly subject: number;
  readonly detail: number;
  /** First SMTP reply code (e.g. 550) found in the text; 0 when none. */
  readonly reply: number;
  /** SES bounceType / bounceSubType, lower-cased; '' when absent. */
  readonly type: string;
  readonly subType: string;
  /** DSN action (failed, delayed, …), lower-cased; '' when absent. */
  readonly action: string;
}

/** Providers put the reason in the first few hundred characters; the rest is headers and ids. Caps regex cost. */
export const MAX_TEXT = 1200;

/** Numeric key of an enhanced code: class × 10⁶ + subject × 10³ + detail; class 0 stands for "any class". */
export function statusKey(klass: number, subject: number, detail: number): number {
  return klass * 1_000_000 + subject * 1000 + detail;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Parses `c.s.d` (c in 2/4/5, s and d 1–3 digits) starting at `i`; writes the parts to `out` and
 * returns the index after it, or -1. Hand-written: a regex with the needed lookbehind is tried at
 * every position and costs more than everything else here.
 */
function enhancedAt(text: string, i: number, out: Int32Array): number {
  const c = text.charCodeAt(i);
  if (c !== 50 && c !== 52 && c !== 53) return -1;
  if (text.charCodeAt(i + 1) !== 46) return -1;
  let j = i + 2;
  let subject = 0;
  const s0 = j;
  while (j < text.length && j - s0 < 4 && isDigit(text.charCodeAt(j)))
    subject = subject * 10 + text.charCodeAt(j++) - 48;
  if (j === s0 || j - s0 > 3 || text.charCodeAt(j) !== 46) return -1;
  j++;
  let detail = 0;
  const d0 = j;
  while (j < text.length && j - d0 < 4 && isDigit(text.charCodeAt(j)))
    detail = detail * 10 + text.charCodeAt(j++) - 48;
  if (j === d0 || j - d0 > 3) return -1;
  out[0] = c - 48;
  out[1] = subject;
  out[2] = detail;
  return j;
}

const parts = new Int32Array(3);

/** The `status` field: the whole value (trimmed) must be an enhanced code. */
function statusField(v: string | undefined | null): boolean {
  if (typeof v !== 'string' || v.length < 5) return false;
  let i = 0;
  while (i < v.length && v.charCodeAt(i) <= 32) i++;
  let end = enhancedAt(v, i, parts);
  if (end < 0) return false;
  while (end < v.length && v.charCodeAt(end) <= 32) end++;
  return end === v.length;
}

/** First enhanced code in the text that is not part of an IP address or a longer dotted number. */
function statusInText(text: string): boolean {
  const re = ENHANCED_CANDIDATE;
  re.lastIndex = 0;
  while (re.test(text)) {
    const i = re.lastIndex - 3;
    re.lastIndex = i + 1;
    if (i > 0) {
      const p = text.charCodeAt(i - 1);
      if (p === 46 || isDigit(p)) continue;
    }
    const end = enhancedAt(text, i, parts);
    if (end < 0) continue;
    if (end < text.length) {
      const a = text.charCodeAt(end);
      if (a === 46 || isDigit(a)) continue;
    }
    re.lastIndex = 0;
    return true;
  }
  re.lastIndex = 0;
  return false;
}

/** A character that glues digits into a longer token (id, IP, date, hex), so they are no reply code. */
function glue(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || // 0-9
    (c >= 97 && c <= 122) || // a-z (text is lower-cased)
    c === 95 || // _
    c === 46 || // .
    c === 45 // -
  );
}

const REPLY_CANDIDATE = /[245][0-5]\d/g;
// In free text only failure classes: a "2.0.1" there is more likely a version number than a success.
const ENHANCED_CANDIDATE = /[45]\.\d/g;

/**
 * First 3-digit SMTP reply code (2xx/4xx/5xx, second digit 0-5) standing on its own; 0 when none.
 * `550-5.1.1` counts (a trailing `-` marks a continuation line). A plain regex finds candidates
 * (irregexp scans faster than a JS loop) and the context is checked by hand: the equivalent
 * lookbehind regex is slower.
 */
export function replyCode(text: string): number {
  const re = REPLY_CANDIDATE;
  re.lastIndex = 0;
  // test() rather than exec(): no match array to allocate; the match is the 3 chars before lastIndex.
  while (re.test(text)) {
    const i = re.lastIndex - 3;
    re.lastIndex = i + 1;
    if (i > 0 && glue(text.charCodeAt(i - 1))) continue;
    if (i + 3 < text.length) {
      const after = text.charCodeAt(i + 3);
      if (after !== 45 && glue(after)) continue;
    }
    re.lastIndex = 0;
    return (
      (text.charCodeAt(i) - 48) * 100 + (text.charCodeAt(i + 1) - 48) * 10 + (text.charCodeAt(i + 2) - 48)
    );
  }
  re.lastIndex = 0;
  return 0;
}

function lower(v: string | undefined | null): string {
  return typeof v === 'string' ? v.toLowerCase() : '';
}

const digits = (n: number) => (n < 10 ? 1 : n < 100 ? 2 : 3);

export type MutableSignals = { -readonly [K in keyof Signals]: Signals[K] };

export function newSignals(): MutableSignals {
  return {
    text: '',
    hosts: '',
    hostMarks: 0,
    stage: '',
    receiver: '',
    temporaryCode: false,
    codesDisagree: false,
    status: '',
    klass: 0,
    subject: -1,
    detail: -1,
    reply: 0,
    type: '',
    subType: '',
    action: '',
  };
}

/** Extracts the signals of one recipient into a fresh object. */
export function signalsOf(input: RecipientBounce): Signals {
  return fillSignals(input, newSignals());
}

/** What the masked text alone says: its stage, first reply code and first enhanced code. */
interface TextFacts {
  readonly stage: Stage;
  readonly reply: number;
  /** The first enhanced code in the text (class, subject, detail); class 0 when none. */
  readonly klass: number;
  readonly subject: number;
  readonly detail: number;
  /** Its receiver fingerprints (./structure `receiverMarks`). */
  readonly marks: number;
}

/**
 * Per distinct masked text, its facts: many recipients share one reply (the masked text is the same
 * whatever address was in it). Bounded (emptied when full); the facts are a function of the text.
 */
const facts = new Map<string, TextFacts>();
const FACTS_CACHE = 1024;

function factsOf(text: string): TextFacts {
  let f = facts.get(text);
  if (f !== undefined) return f;
  const found = statusInText(text);
  f = {
    stage: text === '' ? '' : stageOf(text),
    reply: replyCode(text),
    klass: found ? (parts[0] ?? 0) : 0,
    subject: found ? (parts[1] ?? 0) : 0,
    detail: found ? (parts[2] ?? 0) : 0,
    marks: receiverMarks(text),
  };
  if (facts.size >= FACTS_CACHE) facts.clear();
  facts.set(text, f);
  return f;
}

/** A reply as the rules read it: masked text, hosts and the facts of the text. */
export interface Reply extends Masked {
  readonly facts: TextFacts;
  /** ./structure `hostMarks`: all of those of `named`, the receiver marks of `hosts`. */
  readonly hostMarks: number;
  /**
   * Verdicts already reached on this reply (./index), by {@link verdictKey}; undefined when the
   * reply is not cached (its text is seen for the first time).
   */
  readonly verdicts: Map<string, unknown> | undefined;
  /** The last verdict reached or found on this reply, and its fields: recipients of one reply mostly share them. */
  last: { fields: VerdictFields; verdict: unknown } | undefined;
}

/**
 * Per distinct reply text (capped, as received, with the recipient's own address replaced by
 * ./structure `SELF`), its masked form and facts: one reply sent to many recipients is lower-cased
 * and masked once. Only texts seen before are kept ({@link seenOnce}). Bounded (emptied when full).
 *
 * Keyed by a fingerprint of the text (its length and 16 characters spread over it) and checked by
 * comparing the whole text: a Map keyed by the text would hash all of it for every recipient, which
 * cost more than the rest of a cached classification. Two texts with one fingerprint only take
 * turns in the slot.
 */
const replies = new Map<number, { key: string; reply: Reply }>();
const REPLY_CACHE = 512;

export function fingerprint(text: string): number {
  const n = text.length;
  let h = n;
  if (n <= 16) for (let k = 0; k < n; k++) h = (Math.imul(h, 31) + text.charCodeAt(k)) | 0;
  else {
    const step = (n - 1) / 15;
    for (let k = 0; k < 16; k++) h = (Math.imul(h, 31) + text.charCodeAt(Math.floor(k * step))) | 0;
  }
  return h;
}

/**
 * Fingerprints of texts seen once and not kept: a text is kept from its second sighting on, so the
 * texts only one recipient ever gets (with a message id, or another recipient's address in them)
 * do not churn the cache. Bounded (emptied when full).
 */
const seenOnce = new Set<number>();
const SEEN_ONCE = 4096;

function replyOf(raw: string): Reply {
  const print = fingerprint(raw);
  const known = replies.get(print);
  if (known !== undefined && known.key === raw) return known.reply;
  const lowered = raw.toLowerCase();
  const m = maskReply(lowered, lowered.length === raw.length ? raw : null);
  const keep = seenOnce.has(print);
  if (!keep) {
    if (seenOnce.size >= SEEN_ONCE) seenOnce.clear();
    seenOnce.add(print);
  }
  const r: Reply = {
    text: m.text,
    hosts: m.hosts,
    named: m.named,
    facts: factsOf(m.text),
    hostMarks: hostMarks(m.named) | (hostMarks(m.hosts) & RECEIVER_MARKS),
    verdicts: keep ? new Map() : undefined,
    last: undefined,
  };
  if (keep) {
    if (replies.size >= REPLY_CACHE) replies.clear();
    replies.set(print, { key: raw, reply: r });
  }
  return r;
}

/**
 * The reply of one recipient, as {@link readReply} leaves it: `self` when SELF stands in it for the
 * recipient's address (then its hosts are the reply's with that address put back).
 */
export interface RecipientReply {
  reply: Reply;
  self: boolean;
}

/** The reply of `input`: its diagnostic code capped, the recipient's own address recognised, masked (cached). */
export function readReply(input: RecipientBounce, into: RecipientReply): RecipientReply {
  const whole = typeof input.diagnosticCode === 'string' ? input.diagnosticCode : '';
  const raw = whole.length > MAX_TEXT ? whole.slice(0, MAX_TEXT) : whole;
  const address = input.emailAddress;
  const self = typeof address === 'string' && raw !== '' ? withSelf(raw, address) : null;
  into.reply = replyOf(self ?? raw);
  into.self = self !== null;
  return into;
}

/** Host marks per recipient domain (lower case): a bounce run names a few domains many times. Bounded. */
const domainMarks = new Map<string, number>();

function marksOfDomain(domain: string): number {
  let m = domainMarks.get(domain);
  if (m === undefined) {
    m = hostMarks(domain);
    if (domainMarks.size >= 1024) domainMarks.clear();
    domainMarks.set(domain, m);
  }
  return m;
}

/**
 * The {@link Signals.hostMarks} of a recipient's reply: every mark of the hosts outside addresses,
 * the receiver marks of all of them (the recipient's own domain included).
 */
function recipientHostMarks(read: RecipientReply, address: string | undefined): number {
  const { reply } = read;
  if (!read.self || address === undefined) return reply.hostMarks;
  // SELF inside a URL: the URL's text (and its marks) holds the whole address.
  if (reply.named.includes(SELF.address))
    return (
      hostMarks(selfHosts(reply.named, address)) |
      (hostMarks(selfHosts(reply.hosts, address)) & RECEIVER_MARKS)
    );
  const lowered = address.toLowerCase();
  return reply.hostMarks | (marksOfDomain(lowered.slice(lowered.indexOf('@') + 1)) & RECEIVER_MARKS);
}

/** Host marks per reporting MTA (capped as the receiver reads it, lower-cased): a bounce run has a few. Bounded. */
const mtaMarks = new Map<string, number>();

function marksOfMta(input: RecipientBounce): number {
  const mta = lower(input.reportingMTA?.slice(0, 255));
  if (mta === '') return 0;
  let m = mtaMarks.get(mta);
  if (m === undefined) {
    m = hostMarks(mta);
    if (mtaMarks.size >= 1024) mtaMarks.clear();
    mtaMarks.set(mta, m);
  }
  return m;
}

const field = (v: string | undefined | null) => (typeof v === 'string' ? v : '');

/**
 * Everything besides the reply that the signals of one recipient depend on: its host marks and
 * receiver, and the status, type, subtype and action fields as given. ./index keeps verdicts by them.
 */
export interface VerdictFields {
  marks: number;
  receiver: Receiver;
  status: string;
  type: string;
  subType: string;
  action: string;
}

export function newVerdictFields(): VerdictFields {
  return { marks: 0, receiver: '', status: '', type: '', subType: '', action: '' };
}

/**
 * Fills `into` with the {@link VerdictFields} of `input`; false when its verdict is not to be kept:
 * the reply is not cached, or the fields are too long to be worth keeping.
 */
export function verdictFields(input: RecipientBounce, read: RecipientReply, into: VerdictFields): boolean {
  if (read.reply.verdicts === undefined) return false;
  into.marks = recipientHostMarks(read, input.emailAddress);
  into.receiver = receiverFrom(read.reply.facts.marks, into.marks | marksOfMta(input));
  into.status = field(input.status);
  into.type = field(input.bounceType);
  into.subType = field(input.bounceSubType);
  into.action = field(input.action);
  return into.status.length + into.type.length + into.subType.length + into.action.length <= 200;
}

/** One string for the fields (each with its length, so no two sets of fields share a key). */
export function verdictKey(f: VerdictFields): string {
  const { status, type, subType, action } = f;
  return `${f.marks}|${f.receiver}|${status.length}|${status}${type.length}|${type}${subType.length}|${subType}${action.length}|${action}`;
}

export function sameVerdictFields(a: VerdictFields, b: VerdictFields): boolean {
  return (
    a.marks === b.marks &&
    a.receiver === b.receiver &&
    a.status === b.status &&
    a.type === b.type &&
    a.subType === b.subType &&
    a.action === b.action
  );
}

const reading: RecipientReply = { reply: undefined as unknown as Reply, self: false };

/** Empties every cache of this module (replies, their verdicts, host marks): tests compare a warm reading with a cold one. */
export function clearCaches(): void {
  replies.clear();
  seenOnce.clear();
  facts.clear();
  domainMarks.clear();
  mtaMarks.clear();
}

/** Extracts the signals of one recipient into `into`, so the hot path reuses one object. */
export function fillSignals(input: RecipientBounce, into: MutableSignals): Signals {
  return fillFromReply(input, readReply(input, reading), into);
}

/** {@link fillSignals} once the reply is read ({@link readReply}). */
export function fillFromReply(input: RecipientBounce, read: RecipientReply, into: MutableSignals): Signals {
  const masked = read.reply;
  const address = input.emailAddress;
  const hosts = read.self && address !== undefined ? selfHosts(masked.hosts, address) : masked.hosts;
  const marks = recipientHostMarks(read, address);
  // Codes are read from the masked text: digits inside an address, id or IP are no reply code.
  const text = masked.text;
  const known = masked.facts;
  const reply = known.reply;
  into.text = text;
  into.hosts = hosts;
  into.hostMarks = marks;
  into.stage = known.stage;
  into.reply = reply;
  into.status = '';
  into.klass = 0;
  into.subject = -1;
  into.detail = -1;
  const field = input.status;
  const fromField = statusField(field);
  if (fromField || known.klass !== 0) {
    const klass = fromField ? (parts[0] ?? 0) : known.klass;
    const subject = fromField ? (parts[1] ?? 0) : known.subject;
    const detail = fromField ? (parts[2] ?? 0) : known.detail;
    into.klass = klass;
    into.subject = subject;
    into.detail = detail;
    // The field is usually canonical already ("5.1.1"); same length means no padding or zeros.
    into.status =
      typeof field === 'string' && field.length === 4 + digits(subject) + digits(detail)
        ? field
        : `${klass}.${subject}.${detail}`;
  } else if (reply > 0) {
    into.klass = Math.floor(reply / 100);
  }
  const replyClass = reply > 0 ? Math.floor(reply / 100) : 0;
  const statusClass = into.status === '' ? 0 : into.klass;
  into.temporaryCode = replyClass === 4 || statusClass === 4;
  into.codesDisagree = replyClass !== 0 && statusClass !== 0 && replyClass !== statusClass;
  into.receiver = receiverFrom(known.marks, marks | marksOfMta(input));
  into.type = lower(input.bounceType);
  into.subType = lower(input.bounceSubType);
  into.action = lower(input.action);
  return into;
}
