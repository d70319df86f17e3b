import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { addressPk, STATE_SK } from '../../shared/adapters/dynamodb/schema';
import type { AddressRecord } from '../../shared/ports';
import type { SesMarker } from './plan';
import type { SyncCursor, SyncEntry, SyncStateStore } from './ports';

/** The sync's cursor and last run's counts. */
export const CURSOR_KEY = { pk: 'META#ses-sync', sk: 'CURSOR' } as const;
/** Sort key of an address's SES marker (under the address's partition: `bounce forget` deletes it too). */
export const SES_MARKER_SK = 'SES';
/** Sort key of the marker of one SES tenant's list: `SES#<tenant>`. */
export const tenantMarkerSk = (tenant: string) => `${SES_MARKER_SK}#${tenant}`;
const markerSk = (tenant: string | undefined) =>
  tenant === undefined ? SES_MARKER_SK : tenantMarkerSk(tenant);

const markerSchema = z.object({
  reason: z.enum(['BOUNCE', 'COMPLAINT']),
  at: z.string(),
  origin: z.enum(['push', 'pull']),
});
const cursorSchema = z.object({
  cursor: z.string().optional(),
  lastRunAt: z.string(),
  mode: z.enum(['off', 'push', 'pull', 'both']),
  counts: z.record(z.string(), z.number()),
});

const markerOf = (item: Record<string, unknown>): SesMarker => {
  const { reason, at, origin } = markerSchema.parse(item);
  return { reason, at, origin };
};

/** SyncStateStore in the suppression table (next to the address items, never touching them). */
export class DynamoDbSyncStateStore implements SyncStateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async readCursor(): Promise<SyncCursor | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: CURSOR_KEY, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return cursorSchema.parse(Item) as unknown as SyncCursor;
  }

  async writeCursor(cursor: SyncCursor): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...CURSOR_KEY, ...cursor } }));
  }

  async getMarker(address: string, tenant?: string): Promise<SesMarker | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: addressPk(address), sk: markerSk(tenant) },
        ConsistentRead: true,
      }),
    );
    return Item ? markerOf(Item) : undefined;
  }

  async putMarker(address: string, marker: SesMarker, tenant?: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: addressPk(address), sk: markerSk(tenant), address, ...marker },
      }),
    );
  }

  async deleteMarker(address: string, tenant?: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: addressPk(address), sk: markerSk(tenant) } }),
    );
  }

  async *scanForSync(): AsyncIterable<SyncEntry> {
    // State and marker items of one address may come in different pages: gather, then yield.
    const byAddress = new Map<string, SyncEntry>();
    const entry = (address: string) => {
      const found = byAddress.get(address) ?? { address };
      byAddress.set(address, found);
      return found;
    };
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.tableName,
        FilterExpression: 'sk = :state OR sk = :ses OR begins_with(sk, :tenant)',
        ExpressionAttributeValues: {
          ':state': STATE_SK,
          ':ses': SES_MARKER_SK,
          ':tenant': tenantMarkerSk(''),
        },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const address = item.address as string;
        if (item.sk === STATE_SK) {
          entry(address).record = { address, state: item.state, events: item.events } as AddressRecord;
        } else if (item.sk === SES_MARKER_SK) {
          entry(address).marker = markerOf(item);
        } else {
          const found = entry(address);
          const tenant = (item.sk as string).slice(tenantMarkerSk('').length);
          found.tenantMarkers = { ...found.tenantMarkers, [tenant]: markerOf(item) };
        }
      }
    }
    yield* byAddress.values();
  }
}
