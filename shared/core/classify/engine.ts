import { Buffer } from 'node:buffer';
import type { Rule } from './define';
import { MAX_LITERAL, sourceKey, type Trigger, triggers } from './literals';
import { type Signals, statusKey } from './signals';
import type { Reason } from './types';

/**
 * Compiles the rule table into a matcher that answers with the matching rule of the most specific
 * tier (ties: table order) — the same answers as `firstMatchLinear` in ./rules, for speed:
 *  - every text rule's regex only runs if one of its required literals (./literals) occurs in the
 *    text; all literals of all rules are found in one Aho–Corasick pass over the text, so a
 *    recipient costs one scan plus the few regexes whose keywords are present (instead of ~50 scans);
 *  - a run of consecutive status rules becomes one map lookup.
 * `firstMatchLinear` in ./rules is the reference; tests check both agree.
 */
// One object shape for every step keeps the hot loop's property loads monomorphic.
const TEST = 0;
const TEXT = 1;
const STATUS = 2;
interface Step {
  readonly kind: typeof TEST | typeof TEXT | typeof STATUS;
  readonly rule: Rule;
  /** TEXT: index into the Aho–Corasick "seen" marks. */
  readonly slot: number;
  readonly re: RegExp | null;
  readonly when: ((s: Signals) => boolean) | null;
  /** STATUS: code → first rule (in table order) listing it. */
  readonly table: ReadonlyMap<number, { order: number; rule: Rule }> | null;
}

export interface Matcher {
  /** The matching rule of the most specific tier; with `skip`, ignoring rules of those reasons. */
  (s: Signals, skip?: ReadonlySet<Reason> | null): Rule;
  /**
   * Number of Aho–Corasick states and trigger literals, the rules that always run, and whether the
   * automaton came precomputed (false: its triggers were derived at load), for diagnostics and tests.
   */
  readonly stats: { states: number; literals: number; alwaysRun: string[]; precomputed: boolean };
}

/** The rules in evaluation order: by tier, then table position (a stable sort keeps the position). */
function evaluationOrder(rules: readonly Rule[]): Rule[] {
  return rules
    .map((r, i) => [r, i] as const)
    .sort((a, b) => a[0].tier - b[0].tier || a[1] - b[1])
    .map(([r]) => r);
}

/**
 * The matcher's steps in evaluation order — runs of status rules merged into one lookup, each
 * regex rule a text step with the next slot — and the regexes' sources in slot order (what the
 * automaton is built from, and its key).
 */
function stepsOf(rules: readonly Rule[]): { steps: Step[]; sources: string[] } {
  const steps: Step[] = [];
  const sources: string[] = [];
  let table: Map<number, { order: number; rule: Rule }> | null = null;
  let tableTier = -1;
  evaluationOrder(rules).forEach((rule, order) => {
    if (rule.codes !== undefined && rule.when === undefined) {
      if (table === null || tableTier !== rule.tier) {
        tableTier = rule.tier;
        table = new Map();
        steps.push({ kind: STATUS, rule, slot: -1, re: null, when: null, table });
      }
      for (const code of rule.codes) if (!table.has(code)) table.set(code, { order, rule });
      return;
    }
    table = null;
    if (rule.re !== undefined) {
      steps.push({
        kind: TEXT,
        rule,
        slot: sources.length,
        re: rule.re,
        when: rule.when ?? null,
        table: null,
      });
      sources.push(rule.re.source);
      return;
    }
    steps.push({ kind: TEST, rule, slot: -1, re: null, when: null, table: null });
  });
  return { steps, sources };
}

/** Identifies the automaton of these sources (and of this literal analysis and encoding). */
function automatonKey(sources: readonly string[]): string {
  return sourceKey(`${ENCODING}|${MAX_LITERAL}|${sources.join('\n')}`);
}

/**
 * Compiles the rule table. `precomputed` (./automaton.generated.ts) is the automaton of this very
 * table, built ahead of time; when its key does not match the table (a rule changed since), the
 * triggers are derived and the automaton built here — same answers, slower cold start, and the
 * test that writes the file fails until it is refreshed.
 */
export function compile(rules: readonly Rule[], fallback: Rule, precomputed?: PrecomputedAutomaton): Matcher {
  const { steps, sources } = stepsOf(rules);
  const slots = sources.length;
  const usable = precomputed !== undefined && precomputed.key === automatonKey(sources);
  const tables = usable ? decodeTables(precomputed) : tablesOf(sources.map((src) => triggers(src) ?? []));
  // A regex without a required literal cannot be pre-filtered: it runs on every recipient.
  const alwaysRun: string[] = [];
  for (const [i, step] of steps.entries()) {
    if (step.kind !== TEXT || !tables.alwaysRun.includes(step.slot)) continue;
    alwaysRun.push(step.rule.id);
    steps[i] = { kind: TEST, rule: step.rule, slot: -1, re: null, when: null, table: null };
  }
  const ac = automaton(tables);
  const seen = new Int32Array(slots);
  // sure[slot] === generation: a literal that alone proves the rule's regex matches was found.
  const sure = new Int32Array(slots);
  const hits = new Int32Array(slots);
  // The slots whose literals occurred, sorted. Slots are numbered in step order, so sorted slots are
  // sorted steps: the loop below visits only those text steps (typically a handful), merged with
  // the non-text steps, instead of every step of the table.
  const slotStep = new Int32Array(slots);
  const others: number[] = [];
  steps.forEach((step, i) => {
    if (step.kind === TEXT) slotStep[step.slot] = i;
    else others.push(i);
  });
  const otherSteps = Int32Array.from(others);
  const NONE = 0x7fffffff;
  let generation = 0;
  // What a text's literals and regexes say depends on the text alone, and many recipients share
  // one (the masked text is the same whatever the address in it): per distinct text, its hits and
  // each hit regex's answer once it ran. Bounded (emptied when full), so memory stays flat.
  const cache = new Map<string, TextHits>();

  /** The hits of `text`: one Aho–Corasick pass, its slots sorted. */
  const hitsOf = (text: string): TextHits => {
    if (++generation === 0x7fffffff) {
      seen.fill(0);
      sure.fill(0);
      generation = 1;
    }
    const found = ac.scan(text, seen, sure, generation, hits);
    // Insertion sort: `found` is small.
    for (let i = 1; i < found; i++) {
      const v = hits[i] as number;
      let j = i - 1;
      while (j >= 0 && (hits[j] as number) > v) {
        hits[j + 1] = hits[j] as number;
        j--;
      }
      hits[j + 1] = v;
    }
    const entry: TextHits = { slots: hits.slice(0, found), answers: new Int8Array(found) };
    for (let h = 0; h < found; h++) if (sure[hits[h] as number] === generation) entry.answers[h] = YES;
    if (cache.size >= TEXT_CACHE) cache.clear();
    cache.set(text, entry);
    return entry;
  };

  const match = (s: Signals, skip: ReadonlySet<Reason> | null = null): Rule => {
    const text = s.text;
    const entry = cache.get(text) ?? hitsOf(text);
    const found = entry.slots;
    const answers = entry.answers;
    let h = 0;
    let o = 0;
    for (;;) {
      const hi = h < found.length ? (slotStep[found[h] as number] as number) : NONE;
      const oi = o < otherSteps.length ? (otherSteps[o] as number) : NONE;
      if (hi === NONE && oi === NONE) break;
      let step: Step;
      let at = -1;
      if (hi < oi) {
        step = steps[hi] as Step;
        at = h++;
      } else {
        step = steps[oi] as Step;
        o++;
      }
      if (skip !== null && step.kind !== STATUS && skip.has(step.rule.reason)) continue;
      if (step.kind === TEXT) {
        if (step.when !== null && !step.when(s)) continue;
        let answer = answers[at] as number;
        if (answer === UNKNOWN) {
          answer = (step.re as RegExp).test(text) ? YES : NO;
          answers[at] = answer;
        }
        if (answer === YES) return step.rule;
      } else if (step.kind === TEST) {
        if (step.rule.test(s)) return step.rule;
      } else if (s.status !== '') {
        const t = step.table as ReadonlyMap<number, { order: number; rule: Rule }>;
        let a = t.get(statusKey(s.klass, s.subject, s.detail));
        let b = t.get(statusKey(0, s.subject, s.detail));
        if (skip !== null) {
          if (a !== undefined && skip.has(a.rule.reason)) a = undefined;
          if (b !== undefined && skip.has(b.rule.reason)) b = undefined;
        }
        const hit = a === undefined ? b : b === undefined || a.order < b.order ? a : b;
        if (hit !== undefined) return hit.rule;
      }
    }
    return fallback;
  };
  return Object.assign(match, {
    stats: { states: tables.states, literals: tables.literals, alwaysRun, precomputed: usable },
  });
}

export interface Automaton {
  readonly states: number;
  /**
   * Marks `seen[slot] = generation` for every slot with a literal occurring in `text`, and
   * `sure[slot]` too when that literal alone proves the slot's regex matches; writes the slots it
   * marked to `hits` and returns how many.
   */
  scan(text: string, seen: Int32Array, sure: Int32Array, generation: number, hits: Int32Array): number;
}

/** A text's literal hits and its regexes' answers (see `compile`). */
interface TextHits {
  /** The slots whose literals occur in the text, sorted. */
  readonly slots: Int32Array;
  /** Per hit: YES (a sure literal, or the regex matched), NO, or UNKNOWN (not run yet). */
  readonly answers: Int8Array;
}
const UNKNOWN = 0;
const YES = 1;
const NO = 2;
/** Distinct texts a matcher remembers (a few KB each at most: the text is capped). */
const TEXT_CACHE = 1024;

/** Longest literal (the trie's depth fits a byte). */
const MAX_DEPTH = 255;
/** Version of the precomputed encoding below (part of its key). */
const ENCODING = 1;
/**
 * A cell holds the target's row offset (state × columns) shifted left by two, bit 1 set ("known",
 * so 0 means "not resolved yet") and bit 0 set when the target state has outputs.
 */
const KNOWN = 2;
/** The column every non-ASCII character shares, in {@link PrecomputedAutomaton.alphabet}. */
const NON_ASCII = '\u0080';

/**
 * The trie of all slots' literals with its failure links, as typed arrays. States are numbered in
 * insertion order (a parent before its children); `cells` holds only the trie's own edges.
 */
interface Trie {
  /** Column of each ASCII character (0: one no literal has); `high`: the non-ASCII column (0: none). */
  low: Int32Array;
  high: number;
  columns: number;
  states: number;
  cells: Int32Array;
  /** Per state (≥ 1): the cell of its parent's edge to it, and its failure state. */
  parentCell: Int32Array;
  fail: Int32Array;
  /** Each literal's final state and its output code (slot × 2, + 1 when the literal is sure). */
  ownState: Int32Array;
  ownValue: Int32Array;
  /** Slots without literals (their regex always runs). */
  alwaysRun: number[];
}

/**
 * The automaton of the rule table, built ahead of time by test/classify/automaton-table.test.ts
 * into ./automaton.generated.ts: a cold start decodes it (a few typed-array loops) instead of
 * analysing ~25k characters of regex source and building a ~15k-state trie.
 */
export interface PrecomputedAutomaton {
  /** `automatonKey` of the sources it was built from. */
  key: string;
  /** Column i + 1's character (NON_ASCII for the non-ASCII column). */
  alphabet: string;
  states: number;
  /** Base64 of, per state 1…states − 1: parent state (uint16 LE), column (uint8), failure state (uint16 LE). */
  trie: string;
  /** Base64 of, per literal: final state (uint16 LE), output code (uint16 LE). */
  outputs: string;
  alwaysRun: number[];
}

/** The trie of `literalsOf` (one list per slot, in slot order). */
function trieOf(literalsOf: readonly Trigger[][]): Trie {
  const low = new Int32Array(128);
  let high = 0;
  let width = 1;
  let capacity = 1;
  let literals = 0;
  const alwaysRun: number[] = [];
  for (let slot = 0; slot < literalsOf.length; slot++) {
    const lits = literalsOf[slot] as Trigger[];
    if (lits.length === 0) alwaysRun.push(slot);
    literals += lits.length;
    for (let j = 0; j < lits.length; j++) {
      const lit = (lits[j] as Trigger).text;
      if (lit.length === 0 || lit.length > MAX_DEPTH)
        throw new Error(`classifier literal must have 1 to ${MAX_DEPTH} characters: "${lit}"`);
      capacity += lit.length;
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        if (c < 128) {
          if (low[c] === 0) low[c] = width++;
        } else if (high === 0) high = width++;
      }
    }
  }
  const columns = width;
  if (columns > 0xff) throw new Error(`classifier automaton has too many columns: ${columns}`);
  if (capacity * columns >= 1 << 29) throw new Error(`classifier automaton too large: ${capacity} states`);
  const colOf = columnTable(low, high);

  // Written straight into the transition table. A literal adds at most one state per character, so
  // `capacity` bounds the states.
  const cells = new Int32Array(capacity * columns);
  const parentCell = new Int32Array(capacity);
  const ownState = new Int32Array(literals);
  const ownValue = new Int32Array(literals);
  let outputs = 0;
  let n = 1;
  for (let slot = 0; slot < literalsOf.length; slot++) {
    const lits = literalsOf[slot] as Trigger[];
    for (let j = 0; j < lits.length; j++) {
      const { text: lit, sure } = lits[j] as Trigger;
      let st = 0;
      let ascii = true;
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        if (c >= 128) ascii = false;
        const cell = st * columns + (colOf[c] as number);
        const t = cells[cell] as number;
        if (t === 0) {
          cells[cell] = ((n * columns) << 2) | KNOWN; // the output bit is set once outputs are known
          parentCell[n] = cell;
          st = n++;
        } else st = (t >> 2) / columns;
      }
      ownState[outputs] = st;
      ownValue[outputs++] = slot * 2 + (sure && ascii ? 1 : 0);
    }
  }

  // Failure links from the trie's edges only: fail(v) for v = child(u, k) is the first state on u's
  // failure chain with a k-edge (else the root), u's chain being complete before v in breadth-first order.
  const fail = new Int32Array(n);
  const order = breadthFirst(parentCell, n, columns);
  for (let q = 0; q < n - 1; q++) {
    const v = order[q] as number;
    const cell = parentCell[v] as number;
    const k = cell % columns;
    const u = (cell - k) / columns;
    let f = 0;
    if (u !== 0) {
      for (let s = fail[u] as number; ; s = fail[s] as number) {
        const t = cells[s * columns + k] as number;
        if (t !== 0) {
          f = (t >> 2) / columns;
          break;
        }
        if (s === 0) break;
      }
    }
    fail[v] = f;
  }
  return { low, high, columns, states: n, cells, parentCell, fail, ownState, ownValue, alwaysRun };
}

function columnTable(low: Int32Array, high: number): Uint8Array {
  const colOf = new Uint8Array(0x10000);
  for (let c = 0; c < 128; c++) colOf[c] = low[c] ?? 0;
  if (high !== 0) colOf.fill(high, 128);
  return colOf;
}

/** States 1…n − 1 by depth (a counting sort): a breadth-first order. A parent precedes its children. */
function breadthFirst(parentCell: Int32Array, n: number, columns: number): Int32Array {
  const depth = new Uint8Array(n);
  const start = new Int32Array(MAX_DEPTH + 2);
  for (let v = 1; v < n; v++) {
    const u = ((parentCell[v] as number) - ((parentCell[v] as number) % columns)) / columns;
    const d = (depth[u] as number) + 1;
    depth[v] = d;
    start[d] = (start[d] as number) + 1;
  }
  for (let d = 1, at = 0; d <= MAX_DEPTH + 1; d++) {
    const c = start[d] as number;
    start[d] = at;
    at += c;
  }
  const order = new Int32Array(n - 1);
  for (let v = 1; v < n; v++) {
    const d = depth[v] as number;
    order[start[d] as number] = v;
    start[d] = (start[d] as number) + 1;
  }
  return order;
}

/** What a scan needs: the trie's cells with output bits, and every state's outputs flattened. */
interface Tables {
  columns: number;
  colOf: Uint8Array;
  cells: Int32Array;
  states: number;
  literals: number;
  fail: Int32Array;
  /** Slots of state s: outSlots[outStart[s] .. outStart[s + 1]), its own then its failure state's. */
  outStart: Int32Array;
  outSlots: Int32Array;
  alwaysRun: number[];
}

function tablesFrom(trie: Trie): Tables {
  const { columns, states: n, cells, parentCell, fail, ownState, ownValue } = trie;
  // Own outputs as linked lists per state, then flattened in breadth-first order, so a state's
  // failure state (shallower) is complete before it. A slot may repeat; the scan's `seen` marks
  // make that harmless.
  const ownHead = new Int32Array(n).fill(-1);
  const ownNext = new Int32Array(ownState.length);
  for (let e = 0; e < ownState.length; e++) {
    const st = ownState[e] as number;
    ownNext[e] = ownHead[st] as number;
    ownHead[st] = e;
  }
  const order = breadthFirst(parentCell, n, columns);
  const count = new Int32Array(n);
  for (let q = 0; q < n - 1; q++) {
    const v = order[q] as number;
    let c = count[fail[v] as number] as number;
    for (let e = ownHead[v] as number; e !== -1; e = ownNext[e] as number) c++;
    count[v] = c;
  }
  const outStart = new Int32Array(n + 1);
  for (let s = 0; s < n; s++) outStart[s + 1] = (outStart[s] as number) + (count[s] as number);
  const outSlots = new Int32Array(outStart[n] as number);
  for (let q = 0; q < n - 1; q++) {
    const v = order[q] as number;
    let at = outStart[v] as number;
    for (let e = ownHead[v] as number; e !== -1; e = ownNext[e] as number)
      outSlots[at++] = ownValue[e] as number;
    const f = fail[v] as number;
    outSlots.copyWithin(at, outStart[f] as number, outStart[f + 1] as number);
  }
  // The trie's edges get their targets' output bits.
  for (let v = 1; v < n; v++) {
    const cell = parentCell[v] as number;
    if ((count[v] as number) > 0) cells[cell] = (cells[cell] as number) | 1;
  }
  return {
    columns,
    colOf: columnTable(trie.low, trie.high),
    cells,
    states: n,
    literals: ownState.length,
    fail,
    outStart,
    outSlots,
    alwaysRun: trie.alwaysRun,
  };
}

function tablesOf(literalsOf: readonly Trigger[][]): Tables {
  return tablesFrom(trieOf(literalsOf));
}

/** The automaton of the rule table, encoded for ./automaton.generated.ts. */
export function precomputeAutomaton(rules: readonly Rule[]): PrecomputedAutomaton {
  const { sources } = stepsOf(rules);
  const trie = trieOf(sources.map((src) => triggers(src) ?? []));
  const { columns, states: n, parentCell, fail, ownState, ownValue } = trie;
  if (n > 0xffff) throw new Error(`classifier automaton has ${n} states: more than the encoding's 65,535`);
  const alphabet: string[] = new Array(columns - 1).fill('');
  for (let c = 0; c < 128; c++)
    if ((trie.low[c] as number) > 0) alphabet[(trie.low[c] as number) - 1] = String.fromCharCode(c);
  if (trie.high !== 0) alphabet[trie.high - 1] = NON_ASCII;
  const t = Buffer.alloc((n - 1) * 5);
  for (let v = 1; v < n; v++) {
    const cell = parentCell[v] as number;
    const k = cell % columns;
    t.writeUInt16LE((cell - k) / columns, (v - 1) * 5);
    t.writeUInt8(k, (v - 1) * 5 + 2);
    t.writeUInt16LE(fail[v] as number, (v - 1) * 5 + 3);
  }
  const o = Buffer.alloc(ownState.length * 4);
  for (let e = 0; e < ownState.length; e++) {
    o.writeUInt16LE(ownState[e] as number, e * 4);
    o.writeUInt16LE(ownValue[e] as number, e * 4 + 2);
  }
  return {
    key: automatonKey(sources),
    alphabet: alphabet.join(''),
    states: n,
    trie: t.toString('base64'),
    outputs: o.toString('base64'),
    alwaysRun: trie.alwaysRun,
  };
}

function decodeTables(pre: PrecomputedAutomaton): Tables {
  const low = new Int32Array(128);
  let high = 0;
  for (let i = 0; i < pre.alphabet.length; i++) {
    const c = pre.alphabet.charCodeAt(i);
    if (c < 128) low[c] = i + 1;
    else high = i + 1;
  }
  const columns = pre.alphabet.length + 1;
  const n = pre.states;
  const t = Buffer.from(pre.trie, 'base64');
  const cells = new Int32Array(n * columns);
  const parentCell = new Int32Array(n);
  const fail = new Int32Array(n);
  for (let v = 1, at = 0; v < n; v++, at += 5) {
    const parent = (t[at] as number) + ((t[at + 1] as number) << 8);
    const cell = parent * columns + (t[at + 2] as number);
    parentCell[v] = cell;
    cells[cell] = ((v * columns) << 2) | KNOWN;
    fail[v] = (t[at + 3] as number) + ((t[at + 4] as number) << 8);
  }
  const o = Buffer.from(pre.outputs, 'base64');
  const literals = o.length / 4;
  const ownState = new Int32Array(literals);
  const ownValue = new Int32Array(literals);
  for (let e = 0, at = 0; e < literals; e++, at += 4) {
    ownState[e] = (o[at] as number) + ((o[at + 1] as number) << 8);
    ownValue[e] = (o[at + 2] as number) + ((o[at + 3] as number) << 8);
  }
  return tablesFrom({
    low,
    high,
    columns,
    states: n,
    cells,
    parentCell,
    fail,
    ownState,
    ownValue,
    alwaysRun: pre.alwaysRun,
  });
}

/**
 * Aho–Corasick over the literals' own characters (column 0 = any other character), as a DFA whose
 * transitions are filled in on first use.
 *
 * Every non-ASCII character shares one column: the phrase families in many scripts would otherwise
 * multiply the table's width. A literal with such characters then only proves that *some* non-ASCII
 * characters stand there, so it is never "sure": its regex still decides.
 *
 * Why lazy: the trie has ~15k states × ~50 columns, and filling that whole table (plus its failure
 * rows) was most of the Lambda's cold start, for cells a container never reads — bounce texts
 * visit a few hundred states. The tables hold only the trie's own edges and the failure links; a
 * missing cell is resolved once through the failure links when a scan first needs it, then cached,
 * so a warm scan is the dense DFA's two array loads per character plus one well-predicted branch.
 */
function automaton(tables: Tables): Automaton {
  const { columns, colOf, cells, fail, outStart, outSlots, states } = tables;
  const encode = (s: number) =>
    ((s * columns) << 2) | KNOWN | ((outStart[s + 1] as number) > (outStart[s] as number) ? 1 : 0);
  const step = (from: number, k: number): number => {
    for (let s = from; ; s = fail[s] as number) {
      const t = cells[s * columns + k] as number;
      if (t !== 0) return (t >> 2) / columns;
      if (s === 0) return 0;
    }
  };
  /** The cell at `row + k`, resolved through the failure links and cached. */
  const resolve = (row: number, k: number): number => {
    const t = encode(step(fail[row / columns] as number, k));
    cells[row + k] = t;
    return t;
  };
  // The root's missing cells lead back to the root: filled now, so `resolve` never sees the root.
  for (let k = 0; k < columns; k++) if (cells[k] === 0) cells[k] = encode(0);

  return {
    states,
    scan(text, seen, sure, generation, hits) {
      let found = 0;
      // Locals, so the hot loop does not reload them from the closure.
      const tr = cells;
      const co = colOf;
      let row = 0;
      const len = text.length;
      for (let i = 0; i < len; i++) {
        const k = co[text.charCodeAt(i)] as number;
        let t = tr[row + k] as number;
        if (t === 0) t = resolve(row, k);
        row = t >> 2;
        if ((t & 1) !== 0) {
          const st = row / columns;
          const b = outStart[st + 1] as number;
          for (let j = outStart[st] as number; j < b; j++) {
            const o = outSlots[j] as number;
            const slot = o >> 1;
            if (seen[slot] !== generation) {
              seen[slot] = generation;
              hits[found++] = slot;
            }
            if ((o & 1) !== 0) sure[slot] = generation;
          }
        }
      }
      return found;
    },
  };
}

/** The automaton of `literalsOf` (one list per slot), built here. */
export function buildAutomaton(literalsOf: readonly Trigger[][]): Automaton {
  return automaton(tablesOf(literalsOf));
}
