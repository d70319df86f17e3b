import {
  type HistoryEvent,
  type ManualEvent,
  type StoredEvent,
  WATCH_ELAPSED_RULE,
  type WatchElapsedEvent,
} from './events';

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
  /**
   * For `watch`: the soft bounces already meet an escalation rule's count, so the address escalates
   * at `due.at` (the streak's first bounce + the rule's `minSpanHours`) unless a delivery or a lift
   * comes first. Readers apply it by comparing with now (`effectiveState`); the hygiene run makes it
   * durable. Never exported: it is the same fact as the events it is derived from.
   */
  due?: DueEscalation;
  /**
   * Suppressions that hold for one SES tenant only, by tenant name (suppression scope `tenant`; see
   * docs/tenants.md, "Suppression scope"). At most `maxTenantsPerAddress` entries: one more tenant's
   * complaint suppresses the address account-wide instead. Never exported in the account view.
   */
  tenants?: Record<string, TenantSuppression>;
}

/** An address suppressed for one tenant only: what that tenant's senders see. */
export interface TenantSuppression {
  status: 'suppressed' | 'suppressed-until';
  reason: string;
  since: string;
  /** For `suppressed-until` (a manual or imported suppression with an end). */
  until?: string;
  source: Source;
}

/** Who a complaint suppresses an address for: every sender of the account, or the complaining tenant only. */
export const SUPPRESSION_SCOPES = ['account', 'tenant'] as const;
export type SuppressionScope = (typeof SUPPRESSION_SCOPES)[number];

/**
 * Distinct tenants an address may be suppressed for before it is suppressed account-wide: a person
 * complaining about that many senders wants no mail from the account, and the bound keeps the state
 * item (which holds the map twice: state and checkpoint) and its audit items far below 400 KB.
 */
export const DEFAULT_MAX_TENANTS_PER_ADDRESS = 20;

/** A watch's escalation that its soft bounces already decided; it only waits for the rule's span to pass. */
export interface DueEscalation {
  /** When it takes effect: first soft bounce of the streak + the rule's `minSpanHours`. */
  at: string;
  /** What the address becomes then. */
  status: 'suppressed' | 'suppressed-until';
  /** The reason the suppression carries: the escalation group's (its latest soft bounce's reason). */
  reason: string;
  /** For `suppressed-until`: `at` + `temporarySuppressionDays`. */
  until?: string;
  /** The `policy.escalation` key that decided it (`mailboxfull`, `default`, …). */
  group: string;
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
  /**
   * `account`: a complaint suppresses the address for every sender (today's behaviour). `tenant`: a
   * complaint made about mail sent through an SES tenant suppresses it for that tenant only; hard
   * bounces, complaints without a tenant and everything else stay account-wide. @default 'account'
   */
  suppressionScope?: SuppressionScope;
  /** Tenants an address may be suppressed for on its own before the next one suppresses it account-wide. @default 20 */
  maxTenantsPerAddress?: number;
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
  /** Reason of the latest bounce of the streak (absent on checkpoints written before it was kept). */
  reason?: string;
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
const addHours = (at: string, hours: number) => new Date(Date.parse(at) + hours * HOUR_MS).toISOString();
const laterOf = (a: string | undefined, b: string) => (a !== undefined && a > b ? a : b);
/** `a` at or before `b` (ISO times, compared as instants). */
const atOrBefore = (a: string, b: string | number) =>
  Date.parse(a) <= (typeof b === 'number' ? b : Date.parse(b));

/**
 * The earliest escalation the streaks already decided: a group whose streak has reached its rule's
 * `minCount` escalates once the rule's span has passed since the streak's first bounce (ties by group
 * name, so it never depends on the order the streaks were built in).
 */
export function dueEscalation(
  streaks: Readonly<Record<string, Streak>>,
  policy: StatePolicy = DEFAULT_STATE_POLICY,
  /** The watch's reason, for streaks kept before they recorded their own. */
  fallbackReason?: string,
): DueEscalation | undefined {
  let earliest: DueEscalation | undefined;
  for (const group of Object.keys(streaks).sort()) {
    const streak = streaks[group] as Streak;
    const rule = policy.escalation[group] ?? policy.escalation.default;
    if (streak.count < rule.minCount) continue;
    const at = addHours(streak.first, rule.minSpanHours);
    if (earliest !== undefined && !(Date.parse(at) < Date.parse(earliest.at))) continue;
    const reason = streak.reason ?? (group === 'default' ? fallbackReason : undefined) ?? group;
    earliest =
      rule.outcome === 'suppressed'
        ? { at, status: 'suppressed', reason, group }
        : {
            at,
            status: 'suppressed-until',
            reason,
            until: addDays(at, policy.temporarySuppressionDays),
            group,
          };
  }
  return earliest;
}

/** The state a due escalation turns an address into: a bounce suppression from the due time. */
export function escalatedState(due: DueEscalation): AddressState {
  return due.status === 'suppressed'
    ? { status: 'suppressed', reason: due.reason, since: due.at, source: 'bounce' }
    : {
        status: 'suppressed-until',
        reason: due.reason,
        since: due.at,
        ...(due.until !== undefined ? { until: due.until } : {}),
        source: 'bounce',
      };
}

function softSummary(streaks: Record<string, Streak>, reason: string, policy: StatePolicy): AddressState {
  const all = Object.values(streaks);
  const softBounces = all.reduce((sum, streak) => sum + streak.count, 0);
  const since = all.map((streak) => streak.first).sort()[0] ?? '';
  const due = dueEscalation(streaks, policy, reason);
  return { status: 'watch', reason, since, softBounces, source: 'bounce', ...(due ? { due } : {}) };
}

/**
 * Moves the fold's clock to `at` without an event: a watch whose escalation is due at or before
 * `at` escalates (from its due time), then a temporary suppression that ended at or before `at`
 * no longer holds. `applyEvent` does this before every event; `effectiveState` does the same at now.
 */
export function advanceFold(
  fold: FoldState,
  at: string,
  policy: StatePolicy = DEFAULT_STATE_POLICY,
): FoldState {
  const { tenants } = fold.state;
  if (tenants === undefined) return advanceAccount(fold, at, policy);
  const account = advanceAccount({ state: withoutTenants(fold.state), streaks: fold.streaks }, at, policy);
  const kept = Object.fromEntries(
    Object.entries(tenants).filter(
      ([, entry]) => !(entry.until !== undefined && atOrBefore(entry.until, at)),
    ),
  );
  const next = withTenants(account.state, kept);
  return canonicalTenants(next) === canonicalTenants(fold.state) && account.streaks === fold.streaks
    ? fold
    : { state: next, streaks: account.streaks };
}

function advanceAccount(fold: FoldState, at: string, policy: StatePolicy): FoldState {
  let { state, streaks } = fold;
  if (state.status === 'watch') {
    const due = dueEscalation(streaks, policy, state.reason);
    if (due !== undefined && atOrBefore(due.at, at)) {
      state = escalatedState(due);
      streaks = {};
    }
  }
  if (state.status === 'suppressed-until' && state.until !== undefined && atOrBefore(state.until, at)) {
    state = CLEAR;
    streaks = {};
  }
  return state === fold.state && streaks === fold.streaks ? fold : { state, streaks };
}

/** Applies one event, in time order, to the fold. Pure; the only clock is the events' own times. */
export function applyEvent(
  fold: FoldState,
  event: StoredEvent,
  policy: StatePolicy = DEFAULT_STATE_POLICY,
): FoldState {
  // Whatever was due before this event (an elapsed watch, an ended temporary suppression) happens first.
  const advanced = advanceFold(fold, event.at, policy);
  const { tenants } = advanced.state;
  const account: FoldState = {
    state: tenants === undefined ? advanced.state : withoutTenants(advanced.state),
    streaks: advanced.streaks,
  };
  const tenant = tenantOfEvent(event, policy);
  if (tenant !== undefined) return applyTenantEvent(account, tenants ?? {}, tenant, event, policy);
  const next = applyAccountEvent(account, event, policy);
  return tenants === undefined ? next : { state: withTenants(next.state, tenants), streaks: next.streaks };
}

/**
 * The tenant an event acts for alone: a complaint's in `tenant` scope, an operator's (or import's,
 * or the SES sync's) `--tenant` in any scope. Undefined: the event acts account-wide.
 */
function tenantOfEvent(event: StoredEvent, policy: StatePolicy): string | undefined {
  if (event.type === 'manual') return event.tenant;
  if (event.type === 'complaint' && policy.suppressionScope === 'tenant') return event.tenant;
  return undefined;
}

/** A tenant-scoped event: only the address's entry for that tenant changes (or, past the cap, the account state). */
function applyTenantEvent(
  account: FoldState,
  tenants: Readonly<Record<string, TenantSuppression>>,
  tenant: string,
  event: StoredEvent,
  policy: StatePolicy,
): FoldState {
  const keep = (next: Record<string, TenantSuppression>): FoldState => ({
    state: withTenants(account.state, next),
    streaks: account.streaks,
  });
  let entry: TenantSuppression;
  switch (event.type) {
    case 'complaint':
      // Already suppressed for this tenant: the first complaint's time stays (like an account suppression).
      if (event.feedbackType === 'not-spam' || tenants[tenant]?.status === 'suppressed')
        return keep({ ...tenants });
      entry = { status: 'suppressed', reason: 'feedback', since: event.at, source: 'complaint' };
      break;
    case 'manual':
      if (event.action === 'unsuppress') {
        const { [tenant]: _lifted, ...rest } = tenants;
        return keep(rest);
      }
      entry = manualSuppression(event);
      break;
    default:
      return keep({ ...tenants });
  }
  const max = policy.maxTenantsPerAddress ?? DEFAULT_MAX_TENANTS_PER_ADDRESS;
  if (tenants[tenant] !== undefined || Object.keys(tenants).length < max)
    return keep({ ...tenants, [tenant]: entry });
  // One tenant too many: the address is suppressed account-wide (a person who complains about that
  // many senders wants none of the account's mail), and the map stays bounded.
  // Never weaker than what the account has: a suppression for good, or one that lasts at least as long.
  const current = account.state;
  if (
    current.status === 'suppressed' ||
    (current.status === 'suppressed-until' &&
      entry.until !== undefined &&
      (current.until === undefined || current.until >= entry.until))
  )
    return keep({ ...tenants });
  const escalated: AddressState = { ...entry };
  return { state: withTenants(escalated, tenants), streaks: {} };
}

/** What an operator's (import's, sync's) suppression sets: until its end, or for good. */
function manualSuppression(event: ManualEvent): TenantSuppression {
  return event.until !== undefined
    ? {
        status: 'suppressed-until',
        reason: event.reason,
        since: event.at,
        until: event.until,
        source: event.source,
      }
    : { status: 'suppressed', reason: event.reason, since: event.at, source: event.source };
}

function withoutTenants(state: AddressState): AddressState {
  const { tenants: _tenants, ...account } = state;
  return account;
}

/** The state with its tenant map (sorted by name, so equal maps are equal items), or without one when empty. */
function withTenants(
  state: AddressState,
  tenants: Readonly<Record<string, TenantSuppression>>,
): AddressState {
  const names = Object.keys(tenants).sort();
  if (names.length === 0) return state.tenants === undefined ? state : withoutTenants(state);
  return {
    ...state,
    tenants: Object.fromEntries(names.map((name) => [name, tenants[name] as TenantSuppression])),
  };
}

const canonicalTenants = (state: AddressState) => JSON.stringify(state.tenants ?? null);

/** The account-wide part of the fold: every event that does not act for one tenant. */
function applyAccountEvent(fold: FoldState, event: StoredEvent, policy: StatePolicy): FoldState {
  const { state, streaks } = advanceAccount(fold, event.at, policy);
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
          const streak: Streak = previous
            ? {
                count: previous.count + 1,
                first: previous.first,
                last: laterOf(previous.last, event.at),
                reason,
              }
            : { count: 1, first: event.at, last: event.at, reason };
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
          return { state: softSummary(next, reason, policy), streaks: next };
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
        state: manualSuppression(event),
        streaks: {},
      };
    case 'watch-elapsed':
      // A marker only: the escalation it records was applied above, if the events before it still imply it.
      return { state, streaks };
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
  /**
   * How many events the checkpoint folds in (absent on items written before it was kept). The store
   * compares it with the audit trail to know whether the trail still holds every folded event.
   */
  folded?: number;
}

/**
 * Adds incoming events to an address's history: duplicates (same id) are dropped, events at or
 * before the checkpoint's horizon are set aside as `late` (this history alone cannot tell a late
 * event from a duplicate folded into the checkpoint), the rest sorted in; beyond
 * `maxEventsPerAddress` the oldest are folded into the checkpoint. The derived state is the same for
 * any arrival order of the same set as long as nothing is `late`; the store re-derives a late
 * event's history from the address's audit trail with `historyFromEvents`.
 */
export function mergeEvents<E extends HistoryEvent>(
  history: EventHistory,
  incoming: readonly E[],
  policy: StatePolicy = DEFAULT_STATE_POLICY,
): { history: EventHistory; added: E[]; late: E[] } {
  const ids = new Set(history.events.map((event) => event.id));
  const added: E[] = [];
  const late: E[] = [];
  for (const event of incoming) {
    if (ids.has(event.id)) continue;
    ids.add(event.id);
    if (history.horizon !== undefined && eventKey(event) <= history.horizon) late.push(event);
    else added.push(event);
  }
  if (added.length === 0) return { history, added, late };
  const events = [...history.events, ...added.map(storedEvent)].sort(compareEvents);
  const overflow = events.length - policy.maxEventsPerAddress;
  if (overflow <= 0) return { history: { ...history, events }, added, late };
  const letGo = events.slice(0, overflow);
  const last = letGo[letGo.length - 1] as StoredEvent;
  // An item with a checkpoint but no count (written before counts were kept) keeps no count.
  const folded =
    history.checkpoint !== undefined && history.folded === undefined
      ? undefined
      : (history.folded ?? 0) + letGo.length;
  return {
    history: {
      events: events.slice(overflow),
      checkpoint: foldEvents(letGo, policy, history.checkpoint ?? INITIAL_FOLD),
      horizon: eventKey(last),
      ...(folded === undefined ? {} : { folded }),
    },
    added,
    late,
  };
}

/**
 * The history a set of events makes, whatever order (and however many times) they are given in:
 * the same `{events, checkpoint, horizon}` that applying them one at a time in time order with
 * `mergeEvents` builds (the newest `maxEventsPerAddress` kept, the older ones folded, in time order,
 * into the checkpoint). Duplicates by id count once.
 */
export function historyFromEvents(
  events: readonly (HistoryEvent | StoredEvent)[],
  policy: StatePolicy = DEFAULT_STATE_POLICY,
): EventHistory {
  const byId = new Map<string, StoredEvent>();
  for (const event of events) if (!byId.has(event.id)) byId.set(event.id, storedEvent(event));
  const sorted = [...byId.values()].sort(compareEvents);
  const overflow = sorted.length - policy.maxEventsPerAddress;
  if (overflow <= 0) return { events: sorted };
  const letGo = sorted.slice(0, overflow);
  return {
    events: sorted.slice(overflow),
    checkpoint: foldEvents(letGo, policy),
    horizon: eventKey(letGo[letGo.length - 1] as StoredEvent),
    folded: letGo.length,
  };
}

/**
 * Late events folded on top of a checkpoint whose events can no longer all be read (their audit
 * items expired, or were written before they held the event): the late events take effect as if
 * they had come right after the checkpoint's horizon. Not what an in-order replay gives (their
 * exact place is lost with the expired events), but never a dropped event: a late hard bounce
 * still suppresses.
 */
export function foldLateOntoCheckpoint(
  history: EventHistory,
  late: readonly (HistoryEvent | StoredEvent)[],
  policy: StatePolicy = DEFAULT_STATE_POLICY,
): EventHistory {
  if (late.length === 0) return history;
  return {
    ...history,
    checkpoint: foldEvents(late.map(storedEvent), policy, history.checkpoint ?? INITIAL_FOLD),
    ...(history.folded === undefined ? {} : { folded: history.folded + late.length }),
  };
}

/** The state an address's history derives to. */
export const stateOf = (history: EventHistory, policy: StatePolicy = DEFAULT_STATE_POLICY): AddressState =>
  deriveState(history.events, policy, history.checkpoint ?? INITIAL_FOLD);

/** The compact form kept on the state item: what derivation and reports need, no diagnostic text. */
export function storedEvent(event: HistoryEvent | StoredEvent): StoredEvent {
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
      // The tenant stays: in `tenant` scope it decides whom the complaint suppresses the address for.
      return {
        type: 'complaint',
        id: event.id,
        at: event.at,
        ...(event.feedbackType === undefined ? {} : { feedbackType: event.feedbackType }),
        ...(event.tenant === undefined ? {} : { tenant: event.tenant }),
      };
    case 'delivery':
      return { type: 'delivery', id: event.id, at: event.at };
    case 'manual':
    case 'watch-elapsed':
      return event;
    default:
      return event satisfies never;
  }
}

/** The hygiene run's record that `due` has come (see WatchElapsedEvent). */
export function watchElapsedEvent(due: DueEscalation): WatchElapsedEvent {
  return {
    type: 'watch-elapsed',
    id: `${WATCH_ELAPSED_RULE}:${due.group}:${due.at}`,
    at: due.at,
    rule: WATCH_ELAPSED_RULE,
    group: due.group,
    reason: due.reason,
    outcome: due.status,
  };
}

/**
 * The status a reader should act on at `now`: a watch past its due escalation is escalated (from its
 * due time, exactly as the hygiene run will record it), and a temporary suppression past its `until`
 * is over. Equal to the stored state whenever nothing is due, so the same events give the same
 * answer whether or not the hygiene run has been by.
 */
export function effectiveState(state: AddressState, now: Date): AddressState {
  let effective = state;
  if (
    effective.status === 'watch' &&
    effective.due !== undefined &&
    atOrBefore(effective.due.at, now.getTime())
  ) {
    effective = escalatedState(effective.due);
  }
  if (
    effective.status === 'suppressed-until' &&
    effective.until !== undefined &&
    atOrBefore(effective.until, now.getTime())
  ) {
    return CLEAR;
  }
  return effective;
}

/**
 * What a sender through `tenant` should act on at `now`: the account-wide state (see
 * `effectiveState`), unless that allows sending and the address is suppressed for this tenant.
 * Without a tenant: the account view. Never carries the tenant map.
 */
export function tenantState(state: AddressState, tenant: string | undefined, now: Date): AddressState {
  const account = effectiveState(state.tenants === undefined ? state : withoutTenants(state), now);
  if (tenant === undefined || account.status === 'suppressed') return account;
  const entry = state.tenants?.[tenant];
  if (entry === undefined || (entry.until !== undefined && atOrBefore(entry.until, now.getTime())))
    return account;
  // Both temporary: the later end holds.
  if (
    account.status === 'suppressed-until' &&
    entry.until !== undefined &&
    (account.until ?? '') >= entry.until
  )
    return account;
  return { ...entry };
}
