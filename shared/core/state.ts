import type { AddressEvent } from './events';

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

export interface StatePolicy {
  /** How long a `suppress-temporarily` decision keeps an address suppressed. @default 30 days */
  temporarySuppressionDays: number;
  /** Events kept per address; older ones are dropped. @default 50 */
  maxEventsPerAddress: number;
}

export const DEFAULT_STATE_POLICY: StatePolicy = {
  temporarySuppressionDays: 30,
  maxEventsPerAddress: 50,
};

const DAY_MS = 86_400_000;

export const CLEAR: AddressState = { status: 'clear' };

/** Total order on events: by time, then id, so any arrival order sorts the same way. */
export function compareEvents(a: AddressEvent, b: AddressEvent): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Adds incoming events to the known ones, dropping duplicates by id; returns the sorted, bounded list. */
export function mergeEvents(
  known: readonly AddressEvent[],
  incoming: readonly AddressEvent[],
  policy: StatePolicy = DEFAULT_STATE_POLICY,
): { events: AddressEvent[]; added: number } {
  const ids = new Set(known.map((event) => event.id));
  const fresh: AddressEvent[] = [];
  for (const event of incoming) {
    if (ids.has(event.id)) continue;
    ids.add(event.id);
    fresh.push(event);
  }
  if (fresh.length === 0) return { events: [...known], added: 0 };
  const events = [...known, ...fresh].sort(compareEvents);
  return { events: events.slice(-policy.maxEventsPerAddress), added: fresh.length };
}

/** Folds an address's events, oldest first, into its status. */
export function deriveState(
  events: readonly AddressEvent[],
  policy: StatePolicy = DEFAULT_STATE_POLICY,
): AddressState {
  let state: AddressState = CLEAR;
  for (const event of [...events].sort(compareEvents)) state = applyEvent(state, event, policy);
  return state;
}

function applyEvent(state: AddressState, event: AddressEvent, policy: StatePolicy): AddressState {
  switch (event.type) {
    case 'bounce': {
      const { decision, reason } = event.classification;
      switch (decision) {
        case 'suppress':
          return state.status === 'suppressed'
            ? state
            : { status: 'suppressed', reason, since: event.at, source: 'bounce' };
        case 'suppress-temporarily': {
          if (state.status === 'suppressed') return state;
          const until = new Date(
            Date.parse(event.at) + policy.temporarySuppressionDays * DAY_MS,
          ).toISOString();
          return { status: 'suppressed-until', reason, since: event.at, until, source: 'bounce' };
        }
        case 'count-soft': {
          if (state.status === 'suppressed' || state.status === 'suppressed-until') return state;
          const softBounces = (state.softBounces ?? 0) + 1;
          return { status: 'watch', reason, since: state.since ?? event.at, softBounces, source: 'bounce' };
        }
        case 'alert-sender':
        case 'ignore':
          return state;
        default:
          return decision satisfies never;
      }
    }
    case 'complaint':
      // A complaint marked not-spam is the recipient taking back a complaint, not making one.
      if (event.feedbackType === 'not-spam' || state.status === 'suppressed') return state;
      return { status: 'suppressed', reason: 'feedback', since: event.at, source: 'complaint' };
    case 'delivery':
      // A delivery proves the mailbox works again: soft bounces before it no longer count.
      return state.status === 'watch' ? CLEAR : state;
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
