import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { hashAddress } from '../../core/address';
import type { AddressEvent, HistoryEvent, StoredEvent } from '../../core/events';
import {
  type AddressState,
  CLEAR,
  DEFAULT_STATE_POLICY,
  type EventHistory,
  eventKey,
  type FoldState,
  foldEvents,
  foldLateOntoCheckpoint,
  historyFromEvents,
  mergeEvents,
  type StatePolicy,
  stateOf,
  storedEvent,
  watchElapsedEvent,
} from '../../core/state';
import type {
  AddressRecord,
  ApplyOptions,
  ApplyResult,
  AuditEntry,
  DueEntry,
  DuePage,
  ForgetRequest,
  ForgetResult,
  SettleResult,
  SuppressionStore,
} from '../../ports';
import { deleteItems, type ItemKey } from './batch';
import {
  AUDIT_SK_PREFIX,
  addressKey,
  addressOfPk,
  addressPk,
  auditKey,
  dueShardOf,
  dueShards,
  missingDueIndexMessage,
  STATE_SK,
  TABLE_SCHEMA,
} from './schema';

/**
 * Conflict retries on one address's state item. Within a batch the processor never races itself
 * (records of one address run in turn), so conflicts come from concurrent invocations (or the
 * hygiene run): they back off with full jitter (a random wait up to a cap that doubles per attempt)
 * so contending writers spread out instead of colliding again in lockstep.
 */
export interface WriteRetryPolicy {
  /** Attempts when the caller gives no deadline. @default 12 */
  readonly maxAttempts: number;
  /** Cap of the first backoff, in ms; doubles per conflict. @default 10 */
  readonly baseDelayMs: number;
  /** Largest backoff cap, in ms. @default 1000 */
  readonly maxDelayMs: number;
  /** Uniform in [0, 1): the jitter's source. @default Math.random */
  readonly random: () => number;
}

export const DEFAULT_WRITE_RETRY: WriteRetryPolicy = Object.freeze({
  maxAttempts: 12,
  baseDelayMs: 10,
  maxDelayMs: 1000,
  random: Math.random,
});
const DAY_S = 86_400;

export interface StateItem {
  pk: string;
  sk: typeof STATE_SK;
  address: string;
  state: AddressState;
  events: StoredEvent[];
  checkpoint?: FoldState;
  horizon?: string;
  folded?: number;
  version: number;
  /** TTL: only a temporary suppression's item (with no tenant's suppression) may go as a whole, once it has ended. */
  expiresAt?: number;
  /** Due-index keys (TABLE_SCHEMA.dueIndex): present only while the state is a watch with a due escalation. */
  duePk?: string;
  dueAt?: string;
}

interface AuditItem extends AuditEntry {
  pk: string;
  sk: string;
  expiresAt: number;
}

export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
}

/** The due index cannot be read: the table has none (created before list hygiene) or it is still backfilling. */
export class DueIndexUnavailableError extends Error {
  override readonly name = 'DueIndexUnavailableError';
}

/** How many due entries `dueAddresses` counts beyond its limit before it reports "at least". */
const MAX_REMAINING_COUNT = 100_000;

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** The erasure record of a forgotten address: its hash only, never the address. */
export const forgottenKey = (hash: string, at: string) => ({ pk: `FORGOTTEN#${hash}`, sk: at });

/**
 * SuppressionStore on DynamoDB. The audit trail is the truth: one item per event id (written first,
 * created once: conflict-free), holding the whole event. The address's state item is a cache of what
 * the trail derives to — its newest events, a checkpoint folding the older ones, and a version for an
 * optimistic check — and can always be derived again from the trail.
 *
 * Per address: one strongly consistent read, one conditional create per new event's audit item, one
 * conditional put of the state item (retried on conflict, never given up while the caller's time
 * budget lasts: past it the caller's record fails and SQS redelivers it). No transactions, so it runs
 * on dynalite too. Duplicates cost the read only. An event at or before the item's checkpoint horizon
 * (a delivery late by more than `maxEventsPerAddress` newer events of its address) adds one Query of
 * the address's audit trail and the state is derived again from it (see `rederive`).
 */
export class DynamoDbSuppressionStore implements SuppressionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly policy: StatePolicy = DEFAULT_STATE_POLICY,
    private readonly retry: WriteRetryPolicy = DEFAULT_WRITE_RETRY,
  ) {}

  /**
   * After the `attempt`-th conflict on `address`: waits a jittered backoff, or throws
   * ConcurrentUpdateError when the wait would pass the deadline (or, without one, the attempts are used up).
   */
  private async backOff(address: string, attempt: number, deadline: number | undefined): Promise<void> {
    const { maxAttempts, baseDelayMs, maxDelayMs, random } = this.retry;
    const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempt - 1, 30));
    const delay = Math.floor(random() * cap);
    const exhausted = deadline === undefined ? attempt >= maxAttempts : Date.now() + delay >= deadline;
    if (exhausted) {
      throw new ConcurrentUpdateError(
        `address ${hashAddress(address)} changed under us ${attempt} times in a row${
          deadline === undefined ? '' : ", until the invocation's time budget ran out"
        }; giving up this time`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }

  async applyEvents(
    address: string,
    incoming: readonly AddressEvent[],
    { deadline }: ApplyOptions = {},
  ): Promise<ApplyResult> {
    /** Events whose audit item this call created: recorded here first, so counted here (once). */
    const recorded = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      const current = await this.readItem(address);
      const before = current?.state ?? CLEAR;
      const history: EventHistory = current ? historyOf(current) : { events: [] };
      const merged = mergeEvents(history, incoming, this.policy);
      const { history: next, added } =
        merged.late.length > 0 ? await this.rederive(address, history, merged) : merged;
      if (added.length > 0 || next !== history) {
        const after = stateOf(next, this.policy);
        // Audit first: the trail then always holds every event a state write may rest on, so any
        // writer that derives the state again from the trail (a late event's) includes it, even
        // while this write is still in flight or after it failed.
        for (const event of added) {
          if (await this.recordAudit(address, event, before, after)) recorded.add(event.id);
        }
        if (!(await this.writeState(address, current, next, after))) {
          await this.backOff(address, attempt, deadline);
          continue;
        }
        return this.result(before, after, incoming, recorded);
      }
      // Nothing to write: every event is already in the state (possibly through another writer
      // that read its audit item from the trail while this call was retrying).
      return this.result(before, before, incoming, recorded);
    }
  }

  private result(
    before: AddressState,
    after: AddressState,
    incoming: readonly AddressEvent[],
    recorded: ReadonlySet<string>,
  ): ApplyResult {
    const addedEvents = incoming.filter((event) => recorded.has(event.id));
    return { before, after, added: addedEvents.length, addedEvents };
  }

  /**
   * The history of an address with events at or before its checkpoint's horizon, derived again from
   * the audit trail, the truth: every event any writer applied, or is applying, has its audit item
   * (audit first), so `historyFromEvents` over the trail, the item's own events and the incoming ones
   * is exactly what an in-order application of all of them builds, whatever other writers do at the
   * same time. A late event already in the trail is not new; `added` holds those that are not (their
   * audit items are created before the state write).
   *
   * The trail holds every folded event as long as it has at least `folded` events at or before the
   * horizon. When it has fewer (audit items expired by TTL after `auditRetentionDays`, or written
   * before items held the event), the new late events are folded on top of the checkpoint instead
   * (`foldLateOntoCheckpoint`): their exact place is lost with the expired events, the events
   * themselves never are.
   */
  private async rederive<E extends HistoryEvent>(
    address: string,
    history: EventHistory,
    { history: withAdded, added, late }: { history: EventHistory; added: readonly E[]; late: readonly E[] },
  ): Promise<{ history: EventHistory; added: E[] }> {
    const trail = await this.readTrail(address);
    const inTrail = new Set(trail.map((event) => event.id));
    const fresh = late.filter((event) => !inTrail.has(event.id));
    const horizon = history.horizon as string;
    const folded = new Set(trail.filter((event) => eventKey(event) <= horizon).map((event) => event.id));
    const complete =
      history.folded !== undefined
        ? folded.size >= history.folded
        : reproduces(trail, horizon, history.checkpoint, this.policy);
    const rederived = complete
      ? historyFromEvents([...trail, ...history.events, ...added, ...fresh], this.policy)
      : foldLateOntoCheckpoint(withAdded, fresh, this.policy);
    // The same history as the item's (nothing new anywhere): keep the object, so nothing is written.
    const unchanged = added.length === 0 && fresh.length === 0 && canonical(rederived) === canonical(history);
    return { history: unchanged ? history : rederived, added: [...added, ...fresh] };
  }

  /** Every event of the address's audit trail (all pages, strongly consistent). */
  private async readTrail(address: string): Promise<HistoryEvent[]> {
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeNames: { '#event': 'event' },
        ExpressionAttributeValues: { ':pk': addressPk(address), ':prefix': AUDIT_SK_PREFIX },
        ProjectionExpression: '#event',
        ConsistentRead: true,
      },
    );
    const events: HistoryEvent[] = [];
    for await (const page of pages) {
      for (const item of (page.Items ?? []) as Partial<Pick<AuditItem, 'event'>>[]) {
        if (item.event !== undefined) events.push(item.event);
      }
    }
    return events;
  }

  /**
   * The due index, shard by shard (eventually consistent, keys only): entries due at or before
   * `now`, at most `limit` in all, shared fairly between shards. When the limit is reached, the
   * entries left are counted (Select COUNT from where each shard stopped, capped).
   */
  async dueAddresses(now: Date, limit: number): Promise<DuePage> {
    const { name, partitionKey, sortKey } = TABLE_SCHEMA.dueIndex;
    const query = (
      shard: string,
      page: number,
      startKey: Record<string, unknown> | undefined,
      count = false,
    ) =>
      new QueryCommand({
        TableName: this.tableName,
        IndexName: name,
        KeyConditionExpression: '#shard = :shard AND #dueAt <= :now',
        ExpressionAttributeNames: { '#shard': partitionKey, '#dueAt': sortKey },
        ExpressionAttributeValues: { ':shard': shard, ':now': now.toISOString() },
        ...(count ? { Select: 'COUNT' as const } : { Limit: page }),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      });
    const shards = dueShards().map((shard) => ({
      shard,
      startKey: undefined as Record<string, unknown> | undefined,
      done: false,
    }));
    const entries: DueEntry[] = [];
    try {
      while (entries.length < limit) {
        const open = shards.filter((shard) => !shard.done);
        if (open.length === 0) break;
        const share = Math.max(1, Math.ceil((limit - entries.length) / open.length));
        for (const shard of open) {
          const page = Math.min(share, limit - entries.length);
          if (page <= 0) break;
          const output = await this.client.send(query(shard.shard, page, shard.startKey));
          for (const item of (output.Items ?? []) as { pk: string; dueAt: string }[]) {
            entries.push({ address: addressOfPk(item.pk), dueAt: item.dueAt });
          }
          shard.startKey = output.LastEvaluatedKey;
          shard.done = output.LastEvaluatedKey === undefined;
        }
      }
      let remaining = 0;
      let remainingCapped = false;
      for (const shard of shards) {
        while (!shard.done && !remainingCapped) {
          const output = await this.client.send(query(shard.shard, 0, shard.startKey, true));
          remaining += output.Count ?? 0;
          shard.startKey = output.LastEvaluatedKey;
          shard.done = output.LastEvaluatedKey === undefined;
          remainingCapped = remaining >= MAX_REMAINING_COUNT && !shard.done;
        }
      }
      return { entries, remaining, remainingCapped };
    } catch (error) {
      const message = (error as { message?: string }).message ?? '';
      if ((error as { name?: string }).name === 'ValidationException') {
        if (/specified index/i.test(message)) {
          throw new DueIndexUnavailableError(missingDueIndexMessage(this.tableName));
        }
        if (/backfill/i.test(message)) {
          throw new DueIndexUnavailableError(
            `the due index of table ${this.tableName} is still being built (${message}); list hygiene resumes once it is ACTIVE`,
          );
        }
      }
      throw error;
    }
  }

  /**
   * Settles one address the due index named: a strongly consistent read, its state derived again
   * (under the current policy), and, if its escalation is due at `now`, a `watch-elapsed` event
   * applied like any other (audit put, conditional state put, retried on conflict). The rewritten
   * item no longer carries the due-index keys.
   */
  async settleDue(address: string, now: Date): Promise<SettleResult> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.readItem(address);
      if (!current) return { outcome: 'gone' };
      const history = historyOf(current);
      const derived = stateOf(history, this.policy);
      const due = derived.status === 'watch' ? derived.due : undefined;
      if (due !== undefined && Date.parse(due.at) <= now.getTime()) {
        const event = watchElapsedEvent(due);
        const merged = mergeEvents(history, [event], this.policy);
        if (merged.added.length > 0) {
          const before = current.state;
          const after = stateOf(merged.history, this.policy);
          await this.writeAudit(address, event, before, after);
          if (await this.writeState(address, current, merged.history, after)) {
            return { outcome: 'promoted', before, after, event };
          }
          await this.backOff(address, attempt, undefined);
          continue;
        }
      }
      // Not due: the index was behind a newer write, or the policy changed since the item was written.
      const index = dueAttributes(address, derived);
      if (current.dueAt === index.dueAt && current.duePk === index.duePk) return { outcome: 'not-due' };
      if (await this.writeState(address, current, history, derived)) return { outcome: 'reindexed' };
      await this.backOff(address, attempt, undefined);
    }
  }

  async get(address: string): Promise<AddressRecord | undefined> {
    const item = await this.readItem(address);
    return item && { address: item.address, state: item.state, events: item.events };
  }

  async auditTrail(address: string, limit: number): Promise<AuditEntry[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': addressPk(address), ':prefix': AUDIT_SK_PREFIX },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (Items as AuditItem[]).map(({ event, before, after }) => ({ event, before, after }));
  }

  async *scan(): AsyncIterable<AddressRecord> {
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.tableName,
        FilterExpression: 'sk = :state',
        ExpressionAttributeValues: { ':state': STATE_SK },
      },
    );
    for await (const page of pages) {
      for (const item of (page.Items ?? []) as StateItem[]) {
        yield { address: item.address, state: item.state, events: item.events };
      }
    }
  }

  async forget(address: string, request: ForgetRequest): Promise<ForgetResult> {
    const hash = hashAddress(address);
    let deleted = 0;
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': addressPk(address) },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      const keys = (page.Items ?? []) as ItemKey[];
      // A failure part way leaves the rest for a re-run: forget is idempotent.
      await deleteItems(this.client, this.tableName, keys, 'item of the address (run forget again)');
      deleted += keys.length;
    }
    // Written after the deletions: its presence means the erasure completed. A re-run at the same
    // time keeps the first record (the one that counted what was deleted).
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...forgottenKey(hash, request.at), hash, at: request.at, reason: request.reason, deleted },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    }
    return { hash, deleted };
  }

  /**
   * The state item, replaced whole (so due-index keys and TTL follow the new state), conditional on
   * the version read. False when another writer got there first (the caller reads again).
   */
  private async writeState(
    address: string,
    current: StateItem | undefined,
    history: EventHistory,
    after: AddressState,
  ): Promise<boolean> {
    const item = stateItem(address, history, after, (current?.version ?? 0) + 1);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(current
            ? {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': current.version },
              }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      return false;
    }
  }

  private auditItem(
    address: string,
    event: HistoryEvent,
    before: AddressState,
    after: AddressState,
  ): AuditItem {
    return {
      ...auditKey(address, event),
      event,
      before,
      after,
      expiresAt: epochSeconds(event.at) + this.policy.auditRetentionDays * DAY_S,
    };
  }

  private async writeAudit(address: string, event: HistoryEvent, before: AddressState, after: AddressState) {
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: this.auditItem(address, event, before, after) }),
    );
  }

  /**
   * Creates the event's audit item unless it exists: true when this call recorded the event first.
   * The first record stays (its before/after are what that event met).
   */
  private async recordAudit(
    address: string,
    event: HistoryEvent,
    before: AddressState,
    after: AddressState,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.auditItem(address, event, before, after),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      return false;
    }
  }

  private async readItem(address: string): Promise<StateItem | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: addressKey(address), ConsistentRead: true }),
    );
    return Item as StateItem | undefined;
  }
}

/**
 * An address's state item as the store writes it (keys, state, history, version, TTL, due-index
 * keys). Exported for bulk loaders (the hygiene bench) that must write exactly what the store would.
 */
export function stateItem(
  address: string,
  history: EventHistory,
  state: AddressState,
  version: number,
): StateItem {
  return {
    ...addressKey(address),
    address,
    state,
    ...history,
    version,
    // Not while it holds a tenant's suppression: that outlives the account-wide temporary one.
    ...(state.status === 'suppressed-until' && state.until && state.tenants === undefined
      ? { expiresAt: epochSeconds(state.until) }
      : {}),
    ...dueAttributes(address, state),
  };
}

/** The due-index keys a state item carries: only a watch with a due escalation has them. */
function dueAttributes(address: string, state: AddressState): Pick<StateItem, 'duePk' | 'dueAt'> {
  return state.status === 'watch' && state.due !== undefined
    ? { duePk: dueShardOf(address), dueAt: state.due.at }
    : {};
}

/** A value as text with its object keys sorted: equal folds compare equal whatever the key order read back. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : inner,
  );
}

function historyOf(item: StateItem): EventHistory {
  return {
    events: item.events,
    ...(item.checkpoint ? { checkpoint: item.checkpoint } : {}),
    ...(item.horizon ? { horizon: item.horizon } : {}),
    ...(item.folded !== undefined ? { folded: item.folded } : {}),
  };
}

/**
 * For items written before checkpoints counted their events: whether the trail's events at or before
 * the horizon fold to the checkpoint (then the trail is complete).
 */
function reproduces(
  trail: readonly HistoryEvent[],
  horizon: string,
  checkpoint: FoldState | undefined,
  policy: StatePolicy,
): boolean {
  const folded = trail.filter((event) => eventKey(event) <= horizon).map(storedEvent);
  return canonical(foldEvents(folded, policy)) === canonical(checkpoint);
}
