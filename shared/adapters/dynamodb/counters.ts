import { type DynamoDBDocumentClient, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { HourlyCounts } from '../../core/rates';
import type { RateCounterStore } from '../../ports';

const DAY_MS = 86_400_000;
/** Counters outlive the longest rate window (7 days) with room for investigation. */
export const COUNTER_RETENTION_DAYS = 35;
const SENDER_SIDE_PREFIX = 'senderSide_';

/** One partition per UTC day, sorted by hour then identity: a window is a few Queries, never a Scan. */
const counterKey = (counts: Pick<HourlyCounts, 'hour' | 'identity'>) => ({
  pk: `RATE#${counts.hour.slice(0, 10)}`,
  sk: `${counts.hour}#${counts.identity}`,
});

interface CounterItem {
  identity: string;
  hour: string;
  sends?: number;
  deliveries?: number;
  permanentBounces?: number;
  transientBounces?: number;
  complaints?: number;
  [senderSide: `${typeof SENDER_SIDE_PREFIX}${string}`]: number;
}

/** Hourly per-identity counters in the suppression table, incremented with ADD (one UpdateItem per bucket). */
export class DynamoDbRateCounters implements RateCounterStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(counts: readonly HourlyCounts[]): Promise<void> {
    for (const bucket of counts) {
      const names: Record<string, string> = {
        '#identity': 'identity',
        '#hour': 'hour',
        '#expiresAt': 'expiresAt',
      };
      const values: Record<string, unknown> = {
        ':identity': bucket.identity,
        ':hour': bucket.hour,
        ':expiresAt': Math.floor(
          (Date.parse(`${bucket.hour}:00:00Z`) + COUNTER_RETENTION_DAYS * DAY_MS) / 1000,
        ),
      };
      const adds: string[] = [];
      const add = (attribute: string, value: number) => {
        if (value === 0) return;
        const index = adds.length;
        names[`#a${index}`] = attribute;
        values[`:a${index}`] = value;
        adds.push(`#a${index} :a${index}`);
      };
      add('sends', bucket.sends);
      add('deliveries', bucket.deliveries);
      add('permanentBounces', bucket.permanentBounces);
      add('transientBounces', bucket.transientBounces);
      add('complaints', bucket.complaints);
      for (const [reason, n] of Object.entries(bucket.senderSide)) add(`${SENDER_SIDE_PREFIX}${reason}`, n);
      if (adds.length === 0) continue;
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: counterKey(bucket),
          UpdateExpression: `SET #identity = :identity, #hour = :hour, #expiresAt = :expiresAt ADD ${adds.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    }
  }

  async read(from: Date, to: Date): Promise<HourlyCounts[]> {
    const fromHour = from.toISOString().slice(0, 13);
    const toHour = to.toISOString().slice(0, 13);
    const result: HourlyCounts[] = [];
    for (let day = Math.floor(from.getTime() / DAY_MS) * DAY_MS; day < to.getTime(); day += DAY_MS) {
      const pages = paginateQuery(
        { client: this.client },
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `RATE#${new Date(day).toISOString().slice(0, 10)}` },
        },
      );
      for await (const page of pages) {
        for (const item of (page.Items ?? []) as CounterItem[]) {
          if (item.hour < fromHour || item.hour >= toHour) continue;
          result.push(countsOf(item));
        }
      }
    }
    return result;
  }
}

function countsOf(item: CounterItem): HourlyCounts {
  const senderSide: Record<string, number> = {};
  for (const [key, value] of Object.entries(item)) {
    if (key.startsWith(SENDER_SIDE_PREFIX) && typeof value === 'number') {
      senderSide[key.slice(SENDER_SIDE_PREFIX.length)] = value;
    }
  }
  return {
    identity: item.identity,
    hour: item.hour,
    sends: item.sends ?? 0,
    deliveries: item.deliveries ?? 0,
    permanentBounces: item.permanentBounces ?? 0,
    transientBounces: item.transientBounces ?? 0,
    complaints: item.complaints ?? 0,
    senderSide,
  };
}
