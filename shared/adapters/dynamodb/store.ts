import { type DynamoDBDocumentClient, GetCommand, PutCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { hashAddress } from '../../core/address';
import type { AddressEvent } from '../../core/events';
import {
  type AddressState,
  CLEAR,
  DEFAULT_STATE_POLICY,
  deriveState,
  mergeEvents,
  type StatePolicy,
} from '../../core/state';
import type { AddressRecord, ApplyResult, SuppressionStore } from '../../ports';
import { addressKey } from './schema';

/** Concurrent writers to one address are rare (one bounce storm, two records); a few retries settle it. */
const MAX_WRITE_ATTEMPTS = 8;

interface StateItem {
  pk: string;
  sk: 'STATE';
  address: string;
  state: AddressState;
  events: AddressEvent[];
  version: number;
}

export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
}

/**
 * SuppressionStore on DynamoDB: per address one strongly consistent read and one conditional put
 * (optimistic version check, retried on conflict). No transactions, so it runs on dynalite too.
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
      const { events, added } = mergeEvents(current?.events ?? [], incoming, this.policy);
      if (added === 0) return { before, after: before, added: 0 };
      const after = deriveState(events, this.policy);
      const item: StateItem = {
        ...addressKey(address),
        address,
        state: after,
        events,
        version: (current?.version ?? 0) + 1,
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
        return { before, after, added };
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

  async *scan(): AsyncIterable<AddressRecord> {
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.tableName,
        FilterExpression: 'sk = :state',
        ExpressionAttributeValues: { ':state': 'STATE' },
      },
    );
    for await (const page of pages) {
      for (const item of (page.Items ?? []) as StateItem[]) {
        yield { address: item.address, state: item.state, events: item.events };
      }
    }
  }

  private async readItem(address: string): Promise<StateItem | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: addressKey(address), ConsistentRead: true }),
    );
    return Item as StateItem | undefined;
  }
}
