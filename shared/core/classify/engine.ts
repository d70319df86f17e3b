import type { Rule } from './define';
import { type Trigger, triggers } from './literals';
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
  /** Number of Aho–Corasick states and trigger literals, for diagnostics. */
  readonly stats: { states: number; literals: number; alwaysRun: string[] };
}

export function compile(rules: readonly Rule[], fallback: Rule): Matcher {
  const steps: Step[] = [];
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
      const lits = triggers(rule.re.source);
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
  return Object.assign(match, { stats: { states, literals, alwaysRun } });
}

interface Automaton {
  readonly states: number;
  /**
   * Marks `seen[slot] = generation` for every slot with a literal occurring in `text`, and
   * `sure[slot]` too when that literal alone proves the slot's regex matches.
   */
  scan(text: string, seen: Int32Array, sure: Int32Array, generation: number, hits: Int32Array): number;
}

/**
 * Aho–Corasick over the literals' own characters (column 0 = any other character), dense transitions.
 * Every non-ASCII character shares one column: the phrase families in many scripts would otherwise
 * multiply the table's width (and its memory at every cold start). A literal with such characters
 * then only proves that *some* non-ASCII characters stand there, so it is never "sure": its
 * regex still decides.
 */
function buildAutomaton(literalsOf: readonly Trigger[][]): Automaton {
  const low = new Int32Array(128);
  let high = 0;
  let columns = 1;
  for (const lits of literalsOf) {
    for (const { text: lit } of lits) {
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        if (c < 128) {
          if (low[c] === 0) low[c] = columns++;
        } else if (high === 0) high = columns++;
      }
    }
  }
  const col = (c: number) => (c < 128 ? (low[c] ?? 0) : high);
  const ascii = (lit: string) => {
    for (let i = 0; i < lit.length; i++) if (lit.charCodeAt(i) >= 128) return false;
    return true;
  };

  // Trie, written straight into the dense transition table (a literal adds at most one state per
  // character, so the table's size is known up front): no per-state Map or Set, which at ~15k states
  // made garbage collection most of the classifier's cold start.
  let capacity = 1;
  for (const lits of literalsOf) for (const { text: lit } of lits) capacity += lit.length;
  const delta = new Int32Array(capacity * columns);
  // Each state's own outputs as a linked list: head per state, then (value, next) pairs.
  const ownHead = new Int32Array(capacity).fill(-1);
  const ownValue: number[] = [];
  const ownNext: number[] = [];
  let n = 1;
  literalsOf.forEach((lits, slot) => {
    for (const { text: lit, sure } of lits) {
      let st = 0;
      for (let i = 0; i < lit.length; i++) {
        const cell = st * columns + col(lit.charCodeAt(i));
        let nx = delta[cell] as number;
        if (nx === 0) {
          nx = n++;
          delta[cell] = nx;
        }
        st = nx;
      }
      // Output code: slot × 2 + 1 when the literal is sure.
      ownValue.push(slot * 2 + (sure && ascii(lit) ? 1 : 0));
      ownNext.push(ownHead[st] as number);
      ownHead[st] = ownValue.length - 1;
    }
  });

  // Failure links (BFS) folded into the dense transition table. Children go in first; a zero cell
  // (state 0 is the root, never a child) is then filled from the failure state's row, which BFS
  // order has completed already. Plain typed-array work: this runs at every cold start.
  if (n * columns > 0x3fffffff) throw new Error(`classifier automaton too large: ${n} states`);
  const fail = new Int32Array(n);
  const queue = new Int32Array(n);
  let tail = 0;
  for (let k = 0; k < columns; k++) if (delta[k] !== 0) queue[tail++] = delta[k] as number;
  for (let qi = 0; qi < tail; qi++) {
    const u = queue[qi] as number;
    const row = u * columns;
    const frow = (fail[u] as number) * columns;
    for (let k = 0; k < columns; k++) {
      const v = delta[row + k] as number;
      if (v === 0) {
        delta[row + k] = delta[frow + k] as number;
      } else {
        fail[v] = delta[frow + k] as number;
        queue[tail++] = v;
      }
    }
  }

  // Outputs flattened: slots of state s are outSlots[outStart[s] .. outStart[s + 1]), its own
  // followed by its failure state's (complete before it, in BFS order). A slot may repeat; the scan's
  // `seen` marks make that harmless.
  const count = new Int32Array(n);
  for (let qi = 0; qi < tail; qi++) {
    const u = queue[qi] as number;
    let c = count[fail[u] as number] as number;
    for (let e = ownHead[u] as number; e !== -1; e = ownNext[e] as number) c++;
    count[u] = c;
  }
  const outStart = new Int32Array(n + 1);
  for (let s = 0; s < n; s++) outStart[s + 1] = (outStart[s] as number) + (count[s] as number);
  const outSlots = new Int32Array(outStart[n] as number);
  for (let qi = 0; qi < tail; qi++) {
    const u = queue[qi] as number;
    let w = outStart[u] as number;
    for (let e = ownHead[u] as number; e !== -1; e = ownNext[e] as number)
      outSlots[w++] = ownValue[e] as number;
    const f = fail[u] as number;
    outSlots.copyWithin(w, outStart[f] as number, outStart[f + 1] as number);
  }
  // Hot-loop tables: a column per UTF-16 code unit, and transitions that hold the target's row
  // offset (state × columns) shifted left, with bit 0 set when the target state has outputs, so a
  // character costs two array loads and the output tables are only touched on a hit.
  if (columns > 0xff) throw new Error(`classifier automaton has too many columns: ${columns}`);
  const colOf = new Uint8Array(0x10000);
  for (let c = 0; c < 128; c++) colOf[c] = low[c] ?? 0;
  if (high !== 0) colOf.fill(high, 128);
  const trans = new Int32Array(n * columns);
  for (let i = 0; i < trans.length; i++) {
    const t = delta[i] ?? 0;
    trans[i] = ((t * columns) << 1) | ((outStart[t + 1] ?? 0) > (outStart[t] ?? 0) ? 1 : 0);
  }

  return {
    states: n,
    scan(text, seen, sure, generation, hits) {
      let found = 0;
      // Locals, so the hot loop does not reload them from the closure.
      const tr = trans;
      const co = colOf;
      let row = 0;
      const len = text.length;
      for (let i = 0; i < len; i++) {
        const t = tr[row + (co[text.charCodeAt(i)] as number)] as number;
        row = t >> 1;
        if ((t & 1) !== 0) {
          const st = (row / columns) | 0;
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
