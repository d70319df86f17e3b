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
  version: number;
  /** TTL: only a temporary suppression's item may go as a whole, once it has ended. */
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
 * SuppressionStore on DynamoDB. Per address: one strongly consistent read, one audit put per new
 * event, and one conditional put of the state item (optimistic version check, retried on conflict).
 * No transactions, so it runs on dynalite too. Duplicates cost the read only. An event older than
 * the item's checkpoint (rare: a delivery late by more than `maxEventsPerAddress` newer events of
 * its address) adds one Query of the address's audit trail (see `refoldLate`).
 */
/** `refoldLate`'s answer when the audit trail does not reproduce the address's checkpoint. */
const UNREPRODUCED = Symbol('unreproduced');
/**
 * Reads of the trail before a late event is dropped because the trail does not reproduce the
 * checkpoint: a concurrent writer's audit item is in the trail before its state write lands, so the
 * first reads may not reproduce it; expired or deleted audit items never will.
 */
const UNREPRODUCED_ATTEMPTS = 5;

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
    for (let attempt = 1; ; attempt++) {
      const current = await this.readItem(address);
      const before = current?.state ?? CLEAR;
      const history: EventHistory = current ? historyOf(current) : { events: [] };
      const merged = mergeEvents(history, incoming, this.policy);
      let next = merged.history;
      let added = merged.added;
      if (merged.late.length > 0) {
        // Rare: an event older than the checkpoint's horizon. Only the audit trail can tell whether
        // it is a duplicate and where it goes; this is the only path with the extra Query.
        const refolded = await this.refoldLate(address, history, merged.added, merged.late);
        if (refolded === UNREPRODUCED && attempt < UNREPRODUCED_ATTEMPTS) {
          // Most often another writer's audit item whose state write has not landed yet (audit
          // first): once it lands, the checkpoint holds that event and the trail reproduces it.
          await this.backOff(address, attempt, deadline);
          continue;
        }
        if (refolded !== undefined && refolded !== UNREPRODUCED) {
          next = refolded.history;
          added = [...merged.added, ...refolded.added];
        }
      }
      if (added.length === 0) return { before, after: before, added: 0, addedEvents: [] };
      const after = stateOf(next, this.policy);
      // Audit first: its puts are idempotent by key, so if the state write below fails or conflicts,
      // the retry rewrites them and no applied event is ever missing from the trail.
      for (const event of added) await this.writeAudit(address, event, before, after);
      if (await this.writeState(address, current, next, after)) {
        return { before, after, added: added.length, addedEvents: added };
      }
      await this.backOff(address, attempt, deadline);
    }
  }

  /**
   * The history of an address with events that arrived behind its checkpoint's horizon, re-derived
   * from its audit trail (every applied event has an audit item holding the full event): the
   * events folded into the checkpoint are the trail's items at or before the horizon, which the
   * fold must reproduce. A late event the checkpoint already holds is a duplicate (undefined: no
   * write); the others are folded in with the rest, in time order (`historyFromEvents`), exactly
   * as an in-order application would have. An item left by a writer that has not written the
   * state yet (audit first) is not in the checkpoint, and the late event itself may have such an
   * item from an earlier attempt: both are tried. When the trail does not reproduce the checkpoint
   * (audit items expired by TTL or written before they held the event, a policy changed since, or
   * a concurrent writer's audit item whose state write has not landed yet) it answers UNREPRODUCED:
   * the caller reads again after a backoff, and drops the late events as before only when the
   * trail still does not reproduce it: the state never rests on a partial trail.
   */
  private async refoldLate<E extends HistoryEvent>(
    address: string,
    history: EventHistory,
    added: readonly E[],
    late: readonly E[],
  ): Promise<{ history: EventHistory; added: E[] } | typeof UNREPRODUCED | undefined> {
    const horizon = history.horizon as string;
    const lateIds = new Set(late.map((event) => event.id));
    const trail = (await this.readTrail(address)).filter((event) => eventKey(event) <= horizon);
    const others = trail.filter((event) => !lateIds.has(event.id));
    const checkpoint = canonical(history.checkpoint);
    const reproduces = (events: readonly HistoryEvent[]) =>
      canonical(foldEvents(events.map(storedEvent), this.policy)) === checkpoint;
    let folded: readonly HistoryEvent[];
    let fresh: E[];
    if (trail.length > others.length && reproduces(trail)) {
      const seen = new Set(trail.map((event) => event.id));
      folded = trail;
      fresh = late.filter((event) => !seen.has(event.id));
    } else if (reproduces(others)) {
      folded = others;
      fresh = [...late];
    } else {
      return UNREPRODUCED;
    }
    if (fresh.length === 0) return undefined;
    return {
      history: historyFromEvents([...folded, ...history.events, ...added, ...fresh], this.policy),
      added: fresh,
    };
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

  private async writeAudit(address: string, event: HistoryEvent, before: AddressState, after: AddressState) {
    const item: AuditItem = {
      ...auditKey(address, event),
      event,
      before,
      after,
      expiresAt: epochSeconds(event.at) + this.policy.auditRetentionDays * DAY_S,
    };
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
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
    ...(state.status === 'suppressed-until' && state.until ? { expiresAt: epochSeconds(state.until) } : {}),
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
  };
}
