import type { AddressEvent, StoredEvent } from './events';

export const STATUSES = ['suppressed', 'suppressed-until', 'watch', 'clear'] as const;
export type Status = (typeof STATUSES)[number];

export const SOURCES = ['bounce', 'complaint', 'manual', 'import', 'ses-sync'] as const;
export type Source = (typeof SOURCES)[number];

/** An address's status, derived only from its events (never from wall-clock processing time). */
export interface AddressState {
  status: Status;
  reason?: string;
  since?: string;
  until?: string;
  softBounces?: number;
  source?: Source;
}

/** When repeated soft bounces of one kind turn into a suppression. */
export interface EscalationRule {
  /** Soft bounces needed in the current streak (since the last delivery or lift). */
  minCount: number;
  /** Hours between the first and the latest of them. */
  minSpanHours: number;
  /** `suppressed` for good, or `suppressed-until` for `temporarySuppressionDays`. */
  outcome: 'suppressed' | 'suppressed-until';
}

export interface StatePolicy {
  /** How long `suppress-temporarily` (and a temporary escalation) keeps an address suppressed. @default 30 */
  temporarySuppressionDays: number;
  /**
   * Escalation of `count-soft` bounces by reason; `default` covers every count-soft reason not named.
   * @default mailboxfull: 3 spanning ≥ 72 h → suppressed; default: 2 spanning ≥ 168 h (7 days) → suppressed-until
   */
  escalation: { default: EscalationRule } & Partial<Record<string, EscalationRule>>;
  /** Events kept on an address's state item; older ones are folded into a checkpoint. @default 20 */
  maxEventsPerAddress: number;
  /** How long audit items live (DynamoDB TTL), from the event's time. @default 400 */
  auditRetentionDays: number;
}

export const DEFAULT_STATE_POLICY: StatePolicy = Object.freeze({
  temporarySuppressionDays: 30,
  escalation: Object.freeze({
    mailboxfull: Object.freeze({ minCount: 3, minSpanHours: 72, outcome: 'suppressed' as const }),
    default: Object.freeze({ minCount: 2, minSpanHours: 168, outcome: 'suppressed-until' as const }),
  }),
  maxEventsPerAddress: 20,
  auditRetentionDays: 400,
});

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const CLEAR: AddressState = Object.freeze({ status: 'clear' });

/** A run of soft bounces of one escalation group since the last reset. */
interface Streak {
  count: number;
  first: string;
  last: string;
}

/** The fold's full state: what readers see plus the soft-bounce streaks the policy needs. */
export interface FoldState {
  state: AddressState;
  streaks: Record<string, Streak>;
}

export const INITIAL_FOLD: FoldState = Object.freeze({ state: CLEAR, streaks: Object.freeze({}) });

/** Sort key of an event: time, then id, so any arrival order sorts the same way. */
export const eventKey = (event: Pick<StoredEvent, 'at' | 'id'>) => `${event.at}|${event.id}`;

export function compareEvents(a: Pick<StoredEvent, 'at' | 'id'>, b: Pick<StoredEvent, 'at' | 'id'>): number {
  const x = eventKey(a);
  const y = eventKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const addDays = (at: string, days: number) => new Date(Date.parse(at) + days * DAY_MS).toISOString();
const laterOf = (a: string | undefined, b: string) => (a !== undefined && a > b ? a : b);

function softSummary(streaks: Record<string, Streak>, reason: string): AddressState {
  const all = Object.values(streaks);
  const softBounces = all.reduce((sum, streak) => sum + streak.count, 0);
  const since = all.map((streak) => streak.first).sort()[0] ?? '';
  return { status: 'watch', reason, since, softBounces, source: 'bounce' };
}

/** Applies one event, in time order, to the fold. Pure; the only clock is the events' own times. */
export function applyEvent(
  fold: FoldState,
  event: StoredEvent,
  policy: StatePolicy = DEFAULT_STATE_POLICY,
): FoldState {
  let { state, streaks } = fold;
  // A temporary suppression that ended before this event no longer holds.
  if (state.status === 'suppressed-until' && state.until !== undefined && state.until <= event.at) {
    state = CLEAR;
    streaks = {};
  }
  const suppressed = state.status === 'suppressed';
  switch (event.type) {
    case 'bounce': {
      const { decision, reason } = event.classification;
      switch (decision) {
        case 'suppress':
          return suppressed
            ? { state, streaks }
            : { state: { status: 'suppressed', reason, since: event.at, source: 'bounce' }, streaks: {} };
        case 'suppress-temporarily': {
          if (suppressed) return { state, streaks };
          const until = laterOf(state.until, addDays(event.at, policy.temporarySuppressionDays));
          return {
            state: { status: 'suppressed-until', reason, since: event.at, until, source: 'bounce' },
            streaks: {},
          };
        }
        case 'count-soft': {
          if (suppressed || state.status === 'suppressed-until') return { state, streaks };
          const group = policy.escalation[reason] ? reason : 'default';
          const rule = policy.escalation[group] ?? policy.escalation.default;
          const previous = streaks[group];
          const streak = previous
            ? { count: previous.count + 1, first: previous.first, last: laterOf(previous.last, event.at) }
            : { count: 1, first: event.at, last: event.at };
          const spanHours = (Date.parse(streak.last) - Date.parse(streak.first)) / HOUR_MS;
          if (streak.count >= rule.minCount && spanHours >= rule.minSpanHours) {
            const escalated: AddressState =
              rule.outcome === 'suppressed'
                ? { status: 'suppressed', reason, since: event.at, source: 'bounce' }
                : {
                    status: 'suppressed-until',
                    reason,
                    since: event.at,
                    until: addDays(event.at, policy.temporarySuppressionDays),
                    source: 'bounce',
                  };
            return { state: escalated, streaks: {} };
          }
          const next = { ...streaks, [group]: streak };
          return { state: softSummary(next, reason), streaks: next };
        }
        case 'alert-sender':
        case 'ignore':
          return { state, streaks };
        default:
          return decision satisfies never;
      }
    }
    case 'complaint':
      // `not-spam` feedback is a recipient taking a complaint back, not making one.
      if (event.feedbackType === 'not-spam' || suppressed) return { state, streaks };
      return {
        state: { status: 'suppressed', reason: 'feedback', since: event.at, source: 'complaint' },
        streaks: {},
      };
    case 'delivery':
      // A delivery proves the mailbox works: soft bounces before it stop counting. It never lifts a suppression.
      return state.status === 'watch' ? { state: CLEAR, streaks: {} } : { state, streaks };
    case 'manual':
      if (event.action === 'unsuppress') return { state: CLEAR, streaks: {} };
      return {
        state:
          event.until !== undefined
            ? {
                status: 'suppressed-until',
                reason: event.reason,
                since: event.at,
                until: event.until,
                source: event.source,
              }
            : { status: 'suppressed', reason: event.reason, since: event.at, source: event.source },
        streaks: {},
      };
    default:
      return event satisfies never;
  }
}

/** Folds events (in time order, whatever order they are given in) onto a starting fold. */
export function foldEvents(
  events: readonly StoredEvent[],
  policy: StatePolicy = DEFAULT_STATE_POLICY,
  start: FoldState = INITIAL_FOLD,
): FoldState {
  let fold = start;
  for (const event of [...events].sort(compareEvents)) fold = applyEvent(fold, event, policy);
  return fold;
}

/** An address's state from its events. */
export function deriveState(
  events: readonly StoredEvent[],
  policy: StatePolicy = DEFAULT_STATE_POLICY,
  start: FoldState = INITIAL_FOLD,
): AddressState {
  return foldEvents(events, policy, start).state;
}

/** What an address's item remembers: recent events, plus a checkpoint folding in the ones let go. */
export interface EventHistory {
  events: StoredEvent[];
  /** The fold of every event older than `events` (absent while nothing was let go). */
  checkpoint?: FoldState;
  /** Sort key of the newest event folded into the checkpoint; anything at or before it is history. */
  horizon?: string;
}

/**
 * Adds incoming events to an address's history: duplicates (same id) and events at or before the
 * checkpoint's horizon are dropped, the rest sorted in; beyond `maxEventsPerAddress` the oldest are
 * folded into the checkpoint. The derived state is the same for any arrival order of the same set,
 * as long as no event arrives later than `maxEventsPerAddress` newer events of the same address.
 */
export function mergeEvents(
  history: EventHistory,
  incoming: readonly AddressEvent[],
  policy: StatePolicy = DEFAULT_STATE_POLICY,
): { history: EventHistory; added: AddressEvent[] } {
  const ids = new Set(history.events.map((event) => event.id));
  const added: AddressEvent[] = [];
  for (const event of incoming) {
    if (ids.has(event.id) || (history.horizon !== undefined && eventKey(event) <= history.horizon)) continue;
    ids.add(event.id);
    added.push(event);
  }
  if (added.length === 0) return { history, added };
  const events = [...history.events, ...added.map(storedEvent)].sort(compareEvents);
  const overflow = events.length - policy.maxEventsPerAddress;
  if (overflow <= 0) return { history: { ...history, events }, added };
  const letGo = events.slice(0, overflow);
  const last = letGo[letGo.length - 1] as StoredEvent;
  return {
    history: {
      events: events.slice(overflow),
      checkpoint: foldEvents(letGo, policy, history.checkpoint ?? INITIAL_FOLD),
      horizon: eventKey(last),
    },
    added,
  };
}

/** The state an address's history derives to. */
export const stateOf = (history: EventHistory, policy: StatePolicy = DEFAULT_STATE_POLICY): AddressState =>
  deriveState(history.events, policy, history.checkpoint ?? INITIAL_FOLD);

/** The compact form kept on the state item: what derivation and reports need, no diagnostic text. */
export function storedEvent(event: AddressEvent): StoredEvent {
  switch (event.type) {
    case 'bounce':
      return {
        type: 'bounce',
        id: event.id,
        at: event.at,
        identity: event.identity,
        classification: event.classification,
      };
    case 'complaint':
      return event.feedbackType === undefined
        ? { type: 'complaint', id: event.id, at: event.at }
        : { type: 'complaint', id: event.id, at: event.at, feedbackType: event.feedbackType };
    case 'delivery':
      return { type: 'delivery', id: event.id, at: event.at };
    case 'manual':
      return event;
    default:
      return event satisfies never;
  }
}

/** The status a reader should act on at `now`: a temporary suppression past its `until` is over. */
export function effectiveState(state: AddressState, now: Date): AddressState {
  if (
    state.status === 'suppressed-until' &&
    state.until !== undefined &&
    Date.parse(state.until) <= now.getTime()
  ) {
    return CLEAR;
  }
  return state;
}
