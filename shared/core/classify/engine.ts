import type { Rule } from './define';
import { decodeTriggers, sourceKey, type Trigger, type TriggerTable, triggers } from './literals';
import { type Signals, statusKey } from './signals';

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
  (s: Signals): Rule;
  /**
   * Number of Aho–Corasick states and trigger literals, the rules that always run, and the rules
   * whose triggers were not in the precomputed table (derived at load), for diagnostics and tests.
   */
  readonly stats: { states: number; literals: number; alwaysRun: string[]; derived: string[] };
}

/** `precomputed`: triggers by regex source (./literals `TriggerTable`); a rule missing from it is analysed here. */
export function compile(rules: readonly Rule[], fallback: Rule, precomputed: TriggerTable = {}): Matcher {
  const steps: Step[] = [];
  const derived: string[] = [];
  const literalsOf: Trigger[][] = []; // per text slot
  const alwaysRun: string[] = [];
  let table: Map<number, { order: number; rule: Rule }> | null = null;
  let tableTier = -1;
  // Evaluation order: by tier, then table position (a stable sort keeps the position).
  const ordered = rules.map((r, i) => [r, i] as const).sort((a, b) => a[0].tier - b[0].tier || a[1] - b[1]);
  ordered.forEach(([rule], order) => {
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
      const known = precomputed[sourceKey(rule.re.source)];
      if (known === undefined) derived.push(rule.id);
      const lits = known === undefined ? triggers(rule.re.source) : decodeTriggers(known);
      if (lits === null || lits.length === 0) {
        alwaysRun.push(rule.id);
        steps.push({ kind: TEST, rule, slot: -1, re: null, when: null, table: null });
        return;
      }
      steps.push({
        kind: TEXT,
        rule,
        slot: literalsOf.length,
        re: rule.re,
        when: rule.when ?? null,
        table: null,
      });
      literalsOf.push(lits);
      return;
    }
    steps.push({ kind: TEST, rule, slot: -1, re: null, when: null, table: null });
  });

  const ac = buildAutomaton(literalsOf);
  const seen = new Int32Array(literalsOf.length);
  // sure[slot] === generation: a literal that alone proves the rule's regex matches was found.
  const sure = new Int32Array(literalsOf.length);
  // The slots whose literals occurred, in the order found. Slots are numbered in step order, so
  // sorted slots are sorted steps: the loop below visits only those text steps (typically a
  // handful), merged with the non-text steps, instead of every step of the table.
  const hits = new Int32Array(literalsOf.length);
  const slotStep = new Int32Array(literalsOf.length);
  const others: number[] = [];
  steps.forEach((step, i) => {
    if (step.kind === TEXT) slotStep[step.slot] = i;
    else others.push(i);
  });
  const otherSteps = Int32Array.from(others);
  const NONE = 0x7fffffff;
  let generation = 0;

  const match = (s: Signals): Rule => {
    if (++generation === 0x7fffffff) {
      seen.fill(0);
      sure.fill(0);
      generation = 1;
    }
    const found = ac.scan(s.text, seen, sure, generation, hits);
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
    const text = s.text;
    let h = 0;
    let o = 0;
    for (;;) {
      const hi = h < found ? (slotStep[hits[h] as number] as number) : NONE;
      const oi = o < otherSteps.length ? (otherSteps[o] as number) : NONE;
      if (hi === NONE && oi === NONE) break;
      let step: Step;
      if (hi < oi) {
        step = steps[hi] as Step;
        h++;
      } else {
        step = steps[oi] as Step;
        o++;
      }
      if (step.kind === TEXT) {
        if (
          (step.when === null || step.when(s)) &&
          (sure[step.slot] === generation || (step.re as RegExp).test(text))
        )
          return step.rule;
      } else if (step.kind === TEST) {
        if (step.rule.test(s)) return step.rule;
      } else if (s.status !== '') {
        const t = step.table as ReadonlyMap<number, { order: number; rule: Rule }>;
        const a = t.get(statusKey(s.klass, s.subject, s.detail));
        const b = t.get(statusKey(0, s.subject, s.detail));
        const hit = a === undefined ? b : b === undefined || a.order < b.order ? a : b;
        if (hit !== undefined) return hit.rule;
      }
    }
    return fallback;
  };
  const states = ac.states;
  const literals = literalsOf.reduce((n, l) => n + l.length, 0);
  return Object.assign(match, { stats: { states, literals, alwaysRun, derived } });
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

/** Longest literal (the trie's depth fits a byte). */
const MAX_DEPTH = 255;

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
 * visit a few hundred states. Here the build writes only the trie's own edges and the failure
 * links (work proportional to the literals' length); a missing cell is resolved once through the
 * failure links when a scan first needs it, then cached, so a warm scan is the dense DFA's two
 * array loads per character plus one well-predicted branch.
 */
export function buildAutomaton(literalsOf: readonly Trigger[][]): Automaton {
  const low = new Int32Array(128);
  let high = 0;
  let columns = 1;
  let capacity = 1;
  for (const lits of literalsOf) {
    for (const { text: lit } of lits) {
      if (lit.length > MAX_DEPTH) throw new Error(`classifier literal longer than ${MAX_DEPTH}: "${lit}"`);
      capacity += lit.length;
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        if (c < 128) {
          if (low[c] === 0) low[c] = columns++;
        } else if (high === 0) high = columns++;
      }
    }
  }
  if (columns > 0xff) throw new Error(`classifier automaton has too many columns: ${columns}`);
  // A cell holds the target's row offset (state × columns) shifted left by two, bit 1 set ("known",
  // so 0 means "not resolved yet") and bit 0 set when the target state has outputs.
  if (capacity * columns >= 1 << 29) throw new Error(`classifier automaton too large: ${capacity} states`);
  const colOf = new Uint8Array(0x10000);
  for (let c = 0; c < 128; c++) colOf[c] = low[c] ?? 0;
  if (high !== 0) colOf.fill(high, 128);
  const ascii = (lit: string) => {
    for (let i = 0; i < lit.length; i++) if (lit.charCodeAt(i) >= 128) return false;
    return true;
  };
  const KNOWN = 2;
  const cells = new Int32Array(capacity * columns);

  // Trie, written straight into the transition table. A literal adds at most one state per
  // character, so `capacity` bounds the states; each state's own outputs are a linked list (head
  // per state, then value/next pairs).
  const parentCell = new Int32Array(capacity);
  const depth = new Uint8Array(capacity);
  const ownHead = new Int32Array(capacity).fill(-1);
  const ownValue: number[] = [];
  const ownNext: number[] = [];
  let n = 1;
  literalsOf.forEach((lits, slot) => {
    for (const { text: lit, sure } of lits) {
      let st = 0;
      for (let i = 0; i < lit.length; i++) {
        const cell = st * columns + (colOf[lit.charCodeAt(i)] as number);
        let nx = cells[cell] as number;
        if (nx === 0) {
          nx = ((n * columns) << 2) | KNOWN; // the output bit is set once outputs are known
          cells[cell] = nx;
          depth[n] = i + 1;
          parentCell[n++] = cell;
        }
        st = (nx >> 2) / columns;
      }
      // Output code: slot × 2 + 1 when the literal is sure.
      ownValue.push(slot * 2 + (sure && ascii(lit) ? 1 : 0));
      ownNext.push(ownHead[st] as number);
      ownHead[st] = ownValue.length - 1;
    }
  });

  // Failure links from the trie's edges only: fail(v) for v = child(u, k) is the first state on u's
  // failure chain with a k-edge (else the root). States sorted by depth (a counting sort) are a
  // breadth-first order, found without visiting every column of every state.
  const fail = new Int32Array(n);
  const order = new Int32Array(n - 1);
  const start = new Int32Array(MAX_DEPTH + 2);
  for (let v = 1; v < n; v++) (start[depth[v] as number] as number)++;
  for (let d = 1, at = 0; d <= MAX_DEPTH + 1; d++) {
    const c = start[d] as number;
    start[d] = at;
    at += c;
  }
  for (let v = 1; v < n; v++) order[(start[depth[v] as number] as number)++] = v;
  const step = (from: number, k: number): number => {
    for (let s = from; ; s = fail[s] as number) {
      const t = cells[s * columns + k] as number;
      if (t !== 0) return (t >> 2) / columns;
      if (s === 0) return 0;
    }
  };
  for (const v of order) {
    const cell = parentCell[v] as number;
    const k = cell % columns;
    const u = (cell - k) / columns;
    fail[v] = u === 0 ? 0 : step(fail[u] as number, k);
  }

  // Outputs flattened: slots of state s are outSlots[outStart[s] .. outStart[s + 1]), its own
  // followed by its failure state's (shallower, so complete before it in breadth-first order). A
  // slot may repeat; the scan's `seen` marks make that harmless.
  const count = new Int32Array(n);
  for (const v of order) {
    let c = count[fail[v] as number] as number;
    for (let e = ownHead[v] as number; e !== -1; e = ownNext[e] as number) c++;
    count[v] = c;
  }
  const outStart = new Int32Array(n + 1);
  for (let s = 0; s < n; s++) outStart[s + 1] = (outStart[s] as number) + (count[s] as number);
  const outSlots = new Int32Array(outStart[n] as number);
  for (const v of order) {
    let at = outStart[v] as number;
    for (let e = ownHead[v] as number; e !== -1; e = ownNext[e] as number)
      outSlots[at++] = ownValue[e] as number;
    const f = fail[v] as number;
    outSlots.copyWithin(at, outStart[f] as number, outStart[f + 1] as number);
  }
  const encode = (s: number) => ((s * columns) << 2) | KNOWN | ((count[s] as number) > 0 ? 1 : 0);
  for (let v = 1; v < n; v++) cells[parentCell[v] as number] = encode(v);

  /** The cell at `row + k`, resolved through the failure links and cached. */
  const resolve = (row: number, k: number): number => {
    const t = encode(step(fail[row / columns] as number, k));
    cells[row + k] = t;
    return t;
  };
  // The root's missing cells lead back to the root: filled now, so `resolve` never sees the root.
  for (let k = 0; k < columns; k++) if (cells[k] === 0) cells[k] = encode(0);

  return {
    states: n,
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
