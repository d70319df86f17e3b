import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { hashAddress } from '../../core/address';
import type { AddressEvent, StoredEvent } from '../../core/events';
import {
  type AddressState,
  CLEAR,
  DEFAULT_STATE_POLICY,
  type EventHistory,
  type FoldState,
  mergeEvents,
  type StatePolicy,
  stateOf,
} from '../../core/state';
import type {
  AddressRecord,
  ApplyResult,
  AuditEntry,
  ForgetRequest,
  ForgetResult,
  SuppressionStore,
} from '../../ports';
import { AUDIT_SK_PREFIX, addressKey, addressPk, auditKey, STATE_SK } from './schema';

/** Concurrent writers to one address are rare (a storm, two records of a batch); a few retries settle it. */
const MAX_WRITE_ATTEMPTS = 8;
const DAY_S = 86_400;

interface StateItem {
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
}

interface AuditItem extends AuditEntry {
  pk: string;
  sk: string;
  expiresAt: number;
}

export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
}

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** BatchWriteItem's limit, and how often its unprocessed items are retried (with backoff) before failing. */
const BATCH_WRITE_MAX_ITEMS = 25;
const MAX_BATCH_WRITE_ATTEMPTS = 8;

/** The erasure record of a forgotten address: its hash only, never the address. */
export const forgottenKey = (hash: string, at: string) => ({ pk: `FORGOTTEN#${hash}`, sk: at });

/**
 * SuppressionStore on DynamoDB. Per address: one strongly consistent read, one audit put per new
 * event, and one conditional put of the state item (optimistic version check, retried on conflict).
 * No transactions, so it runs on dynalite too. Duplicates cost the read only.
 */
export class DynamoDbSuppressionStore implements SuppressionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly policy: StatePolicy = DEFAULT_STATE_POLICY,
  ) {}

  async applyEvents(address: string, incoming: readonly AddressEvent[]): Promise<ApplyResult> {
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await this.readItem(address);
      const before = current?.state ?? CLEAR;
      const history: EventHistory = current ? historyOf(current) : { events: [] };
      const merged = mergeEvents(history, incoming, this.policy);
      if (merged.added.length === 0) return { before, after: before, added: 0, addedEvents: [] };
      const after = stateOf(merged.history, this.policy);
      // Audit first: its puts are idempotent by key, so if the state write below fails or conflicts,
      // the retry rewrites them and no applied event is ever missing from the trail.
      for (const event of merged.added) await this.writeAudit(address, event, before, after);
      const item: StateItem = {
        ...addressKey(address),
        address,
        state: after,
        ...merged.history,
        version: (current?.version ?? 0) + 1,
        ...(after.status === 'suppressed-until' && after.until
          ? { expiresAt: epochSeconds(after.until) }
          : {}),
      };
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
        return { before, after, added: merged.added.length, addedEvents: merged.added };
      } catch (error) {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    throw new ConcurrentUpdateError(
      `address ${hashAddress(address)} changed under us ${MAX_WRITE_ATTEMPTS} times in a row; giving up this time`,
    );
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
      const keys = (page.Items ?? []) as { pk: string; sk: string }[];
      for (let i = 0; i < keys.length; i += BATCH_WRITE_MAX_ITEMS) {
        await this.deleteKeys(keys.slice(i, i + BATCH_WRITE_MAX_ITEMS));
      }
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

  private async deleteKeys(keys: readonly { pk: string; sk: string }[]) {
    let requests = keys.map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } }));
    for (let attempt = 1; requests.length > 0; attempt++) {
      const output = await this.client.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
      );
      requests = (output.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      if (requests.length === 0) return;
      if (attempt >= MAX_BATCH_WRITE_ATTEMPTS) {
        throw new Error(
          `${requests.length} item(s) still undeleted after ${attempt} BatchWriteItem attempts; run forget again`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2000, 50 * 2 ** attempt)));
    }
  }

  private async writeAudit(address: string, event: AddressEvent, before: AddressState, after: AddressState) {
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

function historyOf(item: StateItem): EventHistory {
  return {
    events: item.events,
    ...(item.checkpoint ? { checkpoint: item.checkpoint } : {}),
    ...(item.horizon ? { horizon: item.horizon } : {}),
  };
}
