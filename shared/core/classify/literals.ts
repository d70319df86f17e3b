/**
 * Required literals of a regex: a set of strings such that every match of the regex contains at
 * least one of them. The matcher uses them as triggers, so a rule's regex only runs when one of
 * its literals occurs in the text (found for all rules at once in one Aho–Corasick pass).
 *
 * Handles the subset of syntax the rule table uses (literals, escapes, classes, groups,
 * lookarounds, quantifiers, alternation); anything else throws at module load, so a rule that
 * cannot be analysed fails the tests instead of being silently skipped. Sound by construction:
 * classes and repeated parts break literals, optional parts only widen them, lookarounds add
 * nothing, and an alternation needs a literal in every branch. Consecutive parts that match a small
 * finite set of strings are multiplied out (`user(?:name)? unknown` → "user unknown", "username
 * unknown"), which gives long, rare phrases instead of common words. Returns null when no such set
 * exists (the rule must always run).
 */
export function requiredLiterals(source: string, maxLength = MAX_LITERAL): string[] | null {
  const t = triggers(source, maxLength);
  return t === null ? null : [...new Set(t.map((l) => l.text))];
}

export interface Trigger {
  readonly text: string;
  /**
   * True when finding `text` proves the regex matches: it is a whole string of an alternative made
   * only of literal parts (no classes, repeats or assertions) and was not shortened.
   */
  readonly sure: boolean;
}

/** The required literals with, for each, whether it alone proves a match (see requiredLiterals). */
export function triggers(source: string, maxLength = MAX_LITERAL): Trigger[] | null {
  const p = new Parser(source);
  const info = p.alternation();
  if (p.pos !== source.length) throw new Error(`regex /${source}/: unexpected ")" at ${p.pos}`);
  if (info.req === null) return null;
  // A prefix of a required string is required too; capping keeps the automaton small.
  const out = new Map<string, boolean>();
  for (const l of info.req) {
    const text = l.text.slice(0, maxLength);
    const sure = l.sure && text.length === l.text.length;
    out.set(text, (out.get(text) ?? false) || sure);
  }
  return [...out].map(([text, sure]) => ({ text, sure }));
}

/** FNV-1a (32 bit) of a string, as "k" and 8 hex digits: the precomputed automaton's key (./engine). */
export function sourceKey(source: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < source.length; i++) h = Math.imul(h ^ source.charCodeAt(i), 0x01000193);
  return `k${(h >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * Longest trigger kept (a prefix of a required string is required too): the cap keeps the automaton
 * small. 16 keeps most phrases whole; at 12 the classifier was ~25 % slower (more of its regexes ran).
 */
export const MAX_LITERAL = 16;
/** Largest set a run of parts is multiplied out to. */
const MAX_PRODUCT = 128;

interface Info {
  /** Every match of this part is one of these strings (small finite language), else null. */
  readonly exact: readonly string[] | null;
  /** Every match of this part contains one of these (non-empty) strings, else null. */
  readonly req: readonly Trigger[] | null;
  /** The part holds a zero-width assertion (\b, ^, $, lookaround): `exact` alone does not prove a match. */
  readonly asserts: boolean;
}

const NOTHING: Info = { exact: null, req: null, asserts: false };
const ASSERTION: Info = { exact: [''], req: null, asserts: true };

const unsure = (set: readonly string[]): Trigger[] => set.map((text) => ({ text, sure: false }));
const SPECIAL_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S']);

function quality(set: readonly Trigger[]): number {
  return Math.min(...set.map((x) => x.text.trim().length));
}

/** Prefer longer literals (rarer), then fewer of them. */
function better(a: readonly Trigger[] | null, b: readonly Trigger[] | null): readonly Trigger[] | null {
  if (a === null || a.length === 0) return b;
  if (b === null || b.length === 0) return a;
  const qa = quality(a);
  const qb = quality(b);
  if (qa !== qb) return qa > qb ? a : b;
  return a.length <= b.length ? a : b;
}

function product(a: readonly string[], b: readonly string[]): string[] {
  const out = new Set<string>();
  for (const x of a) for (const y of b) out.add(x + y);
  return [...out];
}

class Parser {
  pos = 0;
  constructor(private readonly src: string) {}

  private fail(msg: string): never {
    throw new Error(`regex /${this.src}/: ${msg} at ${this.pos}`);
  }

  alternation(): Info {
    const branches: Info[] = [this.sequence()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      branches.push(this.sequence());
    }
    if (branches.length === 1) return branches[0] ?? NOTHING;
    let exact: string[] | null = [];
    let req: Trigger[] | null = [];
    let asserts = false;
    for (const b of branches) {
      exact = exact !== null && b.exact !== null ? [...exact, ...b.exact] : null;
      req = req !== null && b.req !== null ? [...req, ...b.req] : null;
      asserts ||= b.asserts;
    }
    if (exact !== null && exact.length > MAX_PRODUCT) exact = null;
    return { exact: exact === null ? null : [...new Set(exact)], req, asserts };
  }

  private sequence(): Info {
    let best: readonly Trigger[] | null = null;
    let run: string[] = [''];
    let whole: string[] | null = [''];
    let asserts = false;
    let items = 0;
    let only: Info = NOTHING;
    const closeRun = () => {
      if (!run.includes('')) best = better(best, unsure(run));
      run = [''];
    };
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined || c === '|' || c === ')') break;
      const item = this.quantified(this.atom());
      items++;
      only = item;
      asserts ||= item.asserts;
      if (item.exact !== null) {
        if (run.length * item.exact.length > MAX_PRODUCT) closeRun();
        run = product(run, item.exact);
        whole =
          whole !== null && whole.length * item.exact.length <= MAX_PRODUCT
            ? product(whole, item.exact)
            : null;
      } else {
        closeRun();
        whole = null;
        best = better(best, item.req);
      }
    }
    closeRun();
    // One part is the sequence itself; otherwise a part's literal proves nothing about the rest.
    if (items === 1) return only;
    // A sequence of literal parts only: each of its strings is a whole match, so finding one proves it.
    if (whole !== null && !asserts && !whole.includes('')) {
      return { exact: whole, req: whole.map((text) => ({ text, sure: true })), asserts };
    }
    const req: readonly Trigger[] | null = best;
    return { exact: whole, req: req === null ? null : unsure(req.map((t) => t.text)), asserts };
  }

  private quantified(atom: Info): Info {
    const c = this.src[this.pos];
    let min = 1;
    let max = 1;
    if (c === '?') [min, max] = [0, 1];
    else if (c === '*') [min, max] = [0, Number.POSITIVE_INFINITY];
    else if (c === '+') [min, max] = [1, Number.POSITIVE_INFINITY];
    else if (c === '{') {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.pos));
      if (m === null || m[1] === undefined) this.fail('bad quantifier');
      min = Number(m[1]);
      max =
        m[2] === undefined
          ? min
          : m[3] === undefined || m[3] === ''
            ? Number.POSITIVE_INFINITY
            : Number(m[3]);
      this.pos += m[0].length - 1;
    } else return atom;
    this.pos++;
    if (this.src[this.pos] === '?') this.pos++; // lazy
    if (min === 0 && max === 1)
      return { exact: atom.exact === null ? null : ['', ...atom.exact], req: null, asserts: atom.asserts };
    if (min === 1 && max === 1) return atom;
    // Repeated: a match holds at least one copy, but its exact text is unbounded.
    return {
      exact: null,
      req: min >= 1 && atom.req !== null ? unsure(atom.req.map((t) => t.text)) : null,
      asserts: atom.asserts,
    };
  }

  private atom(): Info {
    const c = this.src[this.pos++];
    switch (c) {
      case '\\': {
        const e = this.src[this.pos++];
        if (e === undefined) this.fail('trailing backslash');
        if (e === 'b' || e === 'B') return ASSERTION;
        if (SPECIAL_ESCAPES.has(e)) return NOTHING;
        if (/[a-zA-Z0-9]/.test(e)) this.fail(`unsupported escape "\\${e}"`);
        return { exact: [e], req: [{ text: e, sure: false }], asserts: false };
      }
      case '[': {
        const start = this.pos;
        while (this.pos < this.src.length && this.src[this.pos] !== ']') {
          if (this.src[this.pos] === '\\') this.pos++;
          this.pos++;
        }
        if (this.src[this.pos] !== ']') this.fail('unterminated class');
        const body = this.src.slice(start, this.pos++);
        // A short list of plain characters (`[- ]`, `[sz]`) is a small finite language; ranges,
        // negations and escapes are not worth expanding.
        const plain = body.length > 0 && body.length <= 6 && !/[\\^]/.test(body) && !/.-./.test(body);
        return plain
          ? {
              exact: [...new Set(body)],
              req: body.length === 1 ? [{ text: body, sure: false }] : null,
              asserts: false,
            }
          : NOTHING;
      }
      case '(': {
        let lookaround = false;
        if (this.src.startsWith('?:', this.pos)) this.pos += 2;
        else if (/^\?<?[=!]/.test(this.src.slice(this.pos, this.pos + 3))) {
          lookaround = true;
          this.pos += this.src[this.pos + 1] === '<' ? 3 : 2;
        } else if (this.src[this.pos] === '?') this.fail('unsupported group');
        const inner = this.alternation();
        if (this.src[this.pos] !== ')') this.fail('unterminated group');
        this.pos++;
        // A lookaround consumes nothing: it neither adds to nor breaks a literal (but it is an assertion).
        return lookaround ? ASSERTION : inner;
      }
      case '^':
      case '$':
        return ASSERTION;
      case '.':
        return NOTHING;
      case undefined:
      case '*':
      case '+':
      case '?':
      case '{':
      case ')':
      case '|':
        this.pos--;
        this.fail(`unexpected "${c ?? 'end'}"`);
        break;
      default:
        return { exact: [c], req: [{ text: c, sure: false }], asserts: false };
    }
    return NOTHING;
  }
}
