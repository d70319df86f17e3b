import { type DecisionPolicy, decide } from './classify/policy';
import type { HistoryEvent, StoredEvent } from './events';
import type { Policy } from './policy-config';
import {
  type AddressState,
  advanceFold,
  compareEvents,
  effectiveState,
  type FoldState,
  foldEvents,
  INITIAL_FOLD,
  STATUSES,
  type StatePolicy,
  type Status,
  storedEvent,
} from './state';

/**
 * Policy simulation: an address's audited events folded again, with the same pure state function
 * the processor uses (`foldEvents`), under another policy. Nothing here writes anything.
 */

/** What the simulation reads per address: its audit trail (every applied event) and its stored state. */
export interface AddressHistoryInput {
  address: string;
  /** The state the table holds now (absent if the state item is gone but audit items are left). */
  stored?: AddressState;
  /** Every audited event of the address, in any order. */
  events: readonly HistoryEvent[];
}

export interface SimulationWindow {
  /** The new decisions apply to bounces at or after this time (ISO); earlier ones keep their stored decision. */
  from?: string;
  /** The clock: events after it are left out and statuses are read at it (ISO). */
  to: string;
}

export interface StatusChange {
  emailAddress: string;
  from: Status;
  to: Status;
  /** The reason behind the change: the new status's reason, or the old one's when the address is let go. */
  reason: string;
}

export interface Transition {
  from: Status;
  to: Status;
  reason: string;
  count: number;
  /** A few of the addresses (sorted), for the operator to look up. */
  examples: string[];
}

export interface SimulationResult {
  window: SimulationWindow;
  addresses: number;
  changed: number;
  changes: StatusChange[];
  /** The changes grouped by from → to and reason, largest first. */
  transitions: Transition[];
  /** Statuses under the baseline and under the candidate policy, read at `window.to`. */
  before: Record<Status, number>;
  after: Record<Status, number>;
  /**
   * Addresses whose audited events, folded under the baseline, do not give the state the table holds
   * (only checked when `window.to` is now): their audit trail no longer holds every event (expired after
   * `auditRetentionDays`), or the baseline is not the policy the processor ran with.
   */
  unexplained: number;
}

/** Examples kept per transition. */
export const EXAMPLES_PER_TRANSITION = 3;

/** A bounce's decision under `decisions`, from its stored classification (reason, hard); other events as they are. */
export function redecide(event: StoredEvent, decisions: DecisionPolicy): StoredEvent {
  if (event.type !== 'bounce') return event;
  const { reason, hard } = event.classification;
  // A reason this version does not know (written by another version) keeps the decision it got.
  if (decisions[reason] === undefined) return event;
  const decision = decide(reason, hard, decisions);
  return decision === event.classification.decision
    ? event
    : { ...event, classification: { ...event.classification, decision } };
}

export interface ReplayOptions {
  state: StatePolicy;
  /** Decisions to re-decide bounces with (from `window.from` on); absent: every bounce keeps its stored decision. */
  decisions?: DecisionPolicy;
  window: SimulationWindow;
}

/** An address's fold at `window.to`: its audited events up to `to`, re-decided from `from`, folded, then advanced to `to`. */
export function replayAddress(events: readonly HistoryEvent[], options: ReplayOptions): FoldState {
  const { window, decisions, state } = options;
  const to = Date.parse(window.to);
  const from = window.from === undefined ? undefined : Date.parse(window.from);
  const kept: StoredEvent[] = [];
  for (const event of events) {
    const at = Date.parse(event.at);
    if (!(at <= to)) continue;
    const compact = storedEvent(event);
    kept.push(
      decisions !== undefined && (from === undefined || at >= from) ? redecide(compact, decisions) : compact,
    );
  }
  kept.sort(compareEvents);
  return advanceFold(foldEvents(kept, state, INITIAL_FOLD), window.to, state);
}

const emptyCounts = (): Record<Status, number> =>
  Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<Status, number>;

/**
 * What `candidate` would have made of the stored history, against `baseline` (the policy the
 * processor runs with): the baseline replay keeps every bounce's stored decision under the
 * baseline's state policy; the candidate replay re-decides bounces from `window.from` on and folds
 * under the candidate's state policy. `nowIsTo`: `window.to` is the present, so the baseline replay
 * is also checked against the stored states (`unexplained`).
 */
export function simulatePolicy(
  histories: Iterable<AddressHistoryInput>,
  baseline: Policy,
  candidate: Policy,
  window: SimulationWindow,
  { nowIsTo = false }: { nowIsTo?: boolean } = {},
): SimulationResult {
  const before = emptyCounts();
  const after = emptyCounts();
  const changes: StatusChange[] = [];
  let addresses = 0;
  let unexplained = 0;
  const at = new Date(window.to);
  for (const history of histories) {
    addresses++;
    const was = replayAddress(history.events, { state: baseline.state, window }).state;
    const would = replayAddress(history.events, {
      state: candidate.state,
      decisions: candidate.decisions,
      window,
    }).state;
    before[was.status]++;
    after[would.status]++;
    if (nowIsTo && history.stored !== undefined) {
      // Every audited event (also any dated after `to`), as the store folded them: read the same way at `to`.
      const all = foldEvents(history.events.map(storedEvent), baseline.state, INITIAL_FOLD).state;
      if (effectiveState(history.stored, at).status !== effectiveState(all, at).status) unexplained++;
    }
    if (was.status !== would.status) {
      changes.push({
        emailAddress: history.address,
        from: was.status,
        to: would.status,
        reason: reasonOfChange(was, would),
      });
    }
  }
  changes.sort((a, b) => (a.emailAddress < b.emailAddress ? -1 : a.emailAddress > b.emailAddress ? 1 : 0));
  return {
    window,
    addresses,
    changed: changes.length,
    changes,
    transitions: groupTransitions(changes),
    before,
    after,
    unexplained,
  };
}

const isSuppression = (state: AddressState) =>
  state.status === 'suppressed' || state.status === 'suppressed-until';

function reasonOfChange(was: AddressState, would: AddressState): string {
  // Let go (or only watched now): the old status's reason says what no longer holds.
  if (isSuppression(was) && !isSuppression(would)) return was.reason ?? 'none';
  return would.reason ?? was.reason ?? 'none';
}

function groupTransitions(changes: readonly StatusChange[]): Transition[] {
  const groups = new Map<string, Transition>();
  for (const change of changes) {
    const key = `${change.from}|${change.to}|${change.reason}`;
    const group = groups.get(key) ?? {
      from: change.from,
      to: change.to,
      reason: change.reason,
      count: 0,
      examples: [],
    };
    group.count++;
    if (group.examples.length < EXAMPLES_PER_TRANSITION) group.examples.push(change.emailAddress);
    groups.set(key, group);
  }
  return [...groups.values()].sort(
    (a, b) =>
      b.count - a.count || `${a.from}|${a.to}|${a.reason}`.localeCompare(`${b.from}|${b.to}|${b.reason}`),
  );
}
