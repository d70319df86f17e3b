import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isProvider, type Provider } from '../../core/providers';
import type { HourlyCounts, ProviderCounts, TenantHourlyCounts } from '../../core/rates';
import type { CounterCleanup, CounterCleanupResult, RateCounterStore } from '../../ports';
import { BATCH_WRITE_MAX_ITEMS, deleteItems, type ItemKey } from './batch';

const DAY_MS = 86_400_000;
/** Counters outlive the longest rate window (7 days) with room for investigation. */
export const COUNTER_RETENTION_DAYS = 35;
/**
 * Where the stale-counter cleanup starts on a table it has never cleaned: this many days before the
 * first kept day (it cannot know older days without a Scan). Counters older than that on an engine
 * without TTL stay; on DynamoDB their TTL removes them anyway.
 */
export const CLEANUP_FIRST_LOOKBACK_DAYS = 30;
/** Per-run bounds of the cleanup: day partitions visited, items deleted. */
export const CLEANUP_MAX_DAYS = 31;
export const CLEANUP_MAX_ITEMS = 10_000;
/** The cleanup's cursor item: the newest counter day known deleted. */
export const COUNTER_CURSOR_KEY = { pk: 'HYGIENE#CURSOR', sk: 'RATE' } as const;

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const startOfDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/** The first day whose counters are still kept at `now`: every hour of every earlier day is past its TTL. */
export const firstKeptCounterDay = (now: Date) => dayOf(now.getTime() - COUNTER_RETENTION_DAYS * DAY_MS);
const SENDER_SIDE_PREFIX = 'senderSide_';
/**
 * Per-provider counters sit on the same identity-hour item as flat attributes
 * (`p_google_deliveries`, `p_microsoft_senderSide_blocked`): ADD needs no map to exist first, and
 * the provider set is fixed and small (./providers), so an item stays far below 400 KB.
 */
const PROVIDER_PREFIX = 'p_';
const PROVIDER_FIELDS = ['deliveries', 'permanentBounces', 'transientBounces', 'complaints'] as const;

/** One partition per UTC day, sorted by hour then identity: a window is a few Queries, never a Scan. */
const counterKey = (counts: Pick<HourlyCounts, 'hour' | 'identity'>) => ({
  pk: `RATE#${counts.hour.slice(0, 10)}`,
  sk: `${counts.hour}#${counts.identity}`,
});
/**
 * Tenant-hour counters are items of their own in the same day partition (so the stale-day cleanup
 * and its `RATE#*` permission cover them), never attributes of the identity-hour item: tenants are
 * unbounded in number. Their sort keys start with `TENANT#`, an identity's with its hour (a digit), so
 * the two never collide, and each kind is read with its own key condition (identities `sk < "TENANT#"`).
 */
export const TENANT_SK_PREFIX = 'TENANT#';
const tenantKey = (counts: Pick<TenantHourlyCounts, 'hour' | 'tenant'>) => ({
  pk: `RATE#${counts.hour.slice(0, 10)}`,
  sk: `${TENANT_SK_PREFIX}${counts.hour}#${counts.tenant}`,
});

interface CounterItem {
  sk: string;
  identity: string;
  /** On tenant-hour items instead of `identity`. */
  tenant?: string;
  hour: string;
  sends?: number;
  deliveries?: number;
  permanentBounces?: number;
  transientBounces?: number;
  complaints?: number;
  [senderSide: `${typeof SENDER_SIDE_PREFIX}${string}`]: number;
}

/** Hourly per-identity counters in the suppression table, incremented with ADD (one UpdateItem per bucket). */
export class DynamoDbRateCounters implements RateCounterStore, CounterCleanup {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(counts: readonly HourlyCounts[], tenants: readonly TenantHourlyCounts[] = []): Promise<void> {
    const buckets: (HourlyCounts | TenantHourlyCounts)[] = [...counts, ...tenants];
    for (const bucket of buckets) {
      const isTenant = 'tenant' in bucket;
      const owner = isTenant ? 'tenant' : 'identity';
      const names: Record<string, string> = {
        '#owner': owner,
        '#hour': 'hour',
        '#expiresAt': 'expiresAt',
      };
      const values: Record<string, unknown> = {
        ':owner': isTenant ? bucket.tenant : bucket.identity,
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
      const providers = isTenant ? {} : (bucket.providers ?? {});
      for (const [provider, p] of Object.entries(providers) as [Provider, ProviderCounts][]) {
        const prefix = `${PROVIDER_PREFIX}${provider}_`;
        for (const field of PROVIDER_FIELDS) add(`${prefix}${field}`, p[field]);
        for (const [reason, n] of Object.entries(p.senderSide))
          add(`${prefix}${SENDER_SIDE_PREFIX}${reason}`, n);
      }
      if (adds.length === 0) continue;
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: isTenant ? tenantKey(bucket) : counterKey(bucket),
          UpdateExpression: `SET #owner = :owner, #hour = :hour, #expiresAt = :expiresAt ADD ${adds.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    }
  }

  async read(from: Date, to: Date): Promise<HourlyCounts[]> {
    // Identity-hour sort keys start with the hour, a digit: all below the tenant items' `TENANT#`.
    const items = await this.query(from, to, 'sk < :tenants');
    return items.map(countsOf);
  }

  /**
   * Both kinds in `[from, to)` with one Query per day (what the hygiene run needs: as many requests
   * as identities alone; the items read grow with the tenants, the requests do not).
   */
  async readAll(
    from: Date,
    to: Date,
  ): Promise<{ identities: HourlyCounts[]; tenants: TenantHourlyCounts[] }> {
    const identities: HourlyCounts[] = [];
    const tenants: TenantHourlyCounts[] = [];
    for (const item of await this.query(from, to, undefined)) {
      if (item.sk.startsWith(TENANT_SK_PREFIX)) tenants.push(tenantCountsOf(item));
      else identities.push(countsOf(item));
    }
    return { identities, tenants };
  }

  /** Every tenant-hour bucket in `[from, to)` (their own items: one Query per day, never a Scan). */
  async readTenants(from: Date, to: Date): Promise<TenantHourlyCounts[]> {
    const items = await this.query(from, to, 'begins_with(sk, :tenants)');
    return items.map(tenantCountsOf);
  }

  private async query(from: Date, to: Date, sortKeyCondition: string | undefined): Promise<CounterItem[]> {
    const fromHour = from.toISOString().slice(0, 13);
    const toHour = to.toISOString().slice(0, 13);
    const result: CounterItem[] = [];
    for (let day = Math.floor(from.getTime() / DAY_MS) * DAY_MS; day < to.getTime(); day += DAY_MS) {
      const pages = paginateQuery(
        { client: this.client },
        {
          TableName: this.tableName,
          KeyConditionExpression: sortKeyCondition ? `pk = :pk AND ${sortKeyCondition}` : 'pk = :pk',
          ExpressionAttributeValues: {
            ':pk': `RATE#${new Date(day).toISOString().slice(0, 10)}`,
            ...(sortKeyCondition ? { ':tenants': TENANT_SK_PREFIX } : {}),
          },
        },
      );
      for await (const page of pages) {
        for (const item of (page.Items ?? []) as CounterItem[]) {
          if (item.hour < fromHour || item.hour >= toHour) continue;
          result.push(item);
        }
      }
    }
    return result;
  }

  /**
   * Deletes the counter day partitions past their retention (`COUNTER_RETENTION_DAYS`), without a
   * Scan: a cursor item remembers the newest day already cleaned, and each run Queries the day
   * partitions after it, up to the first kept day, deleting their items with BatchWriteItem. Bounded
   * per run (days visited, items deleted); a day left half-done is finished by the next run. Engines
   * without TTL (dynalite, DynamoDB Local) need it; on DynamoDB it mostly finds TTL got there first.
   */
  async deleteStaleDays(
    now: Date,
    { maxDays = CLEANUP_MAX_DAYS, maxItems = CLEANUP_MAX_ITEMS } = {},
  ): Promise<CounterCleanupResult> {
    const { client, tableName } = this;
    const firstKept = Date.parse(`${firstKeptCounterDay(now)}T00:00:00Z`);
    const { Item: cursor } = await client.send(
      new GetCommand({ TableName: tableName, Key: COUNTER_CURSOR_KEY, ConsistentRead: true }),
    );
    const cleanedThrough = (cursor as { cleanedThrough?: string } | undefined)?.cleanedThrough;
    let day =
      cleanedThrough !== undefined
        ? Date.parse(`${cleanedThrough}T00:00:00Z`) + DAY_MS
        : startOfDay(firstKept - CLEANUP_FIRST_LOOKBACK_DAYS * DAY_MS);
    const result: CounterCleanupResult = {
      daysVisited: 0,
      daysDeleted: [],
      itemsDeleted: 0,
      ...(cleanedThrough !== undefined ? { cleanedThrough } : {}),
      more: false,
    };
    let advanced: string | undefined;
    while (day < firstKept) {
      if (result.daysVisited >= maxDays || result.itemsDeleted >= maxItems) {
        result.more = true;
        break;
      }
      result.daysVisited++;
      const pk = `RATE#${dayOf(day)}`;
      let deletedToday = 0;
      let finished = true;
      const pages = paginateQuery(
        { client, pageSize: BATCH_WRITE_MAX_ITEMS * 4 },
        {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ProjectionExpression: 'pk, sk',
        },
      );
      for await (const page of pages) {
        const keys = (page.Items ?? []) as ItemKey[];
        await deleteItems(client, tableName, keys, 'counter item');
        deletedToday += keys.length;
        result.itemsDeleted += keys.length;
        if (result.itemsDeleted >= maxItems && page.LastEvaluatedKey !== undefined) {
          finished = false;
          break;
        }
      }
      if (deletedToday > 0) result.daysDeleted.push(dayOf(day));
      if (!finished) {
        result.more = true;
        break;
      }
      advanced = dayOf(day);
      day += DAY_MS;
    }
    if (advanced !== undefined) {
      try {
        // Only ever forward: a concurrent or older-clocked run never moves the cursor back.
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...COUNTER_CURSOR_KEY, cleanedThrough: advanced },
            ConditionExpression: 'attribute_not_exists(pk) OR cleanedThrough < :day',
            ExpressionAttributeValues: { ':day': advanced },
          }),
        );
        result.cleanedThrough = advanced;
      } catch (error) {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    return result;
  }
}

function tenantCountsOf(item: CounterItem): TenantHourlyCounts {
  const { identity: _none, providers: _never, ...counts } = countsOf(item);
  return { tenant: String(item.tenant), ...counts };
}

function countsOf(item: CounterItem): HourlyCounts {
  const senderSide: Record<string, number> = {};
  const providers: Partial<Record<Provider, ProviderCounts>> = {};
  for (const [key, value] of Object.entries(item)) {
    if (typeof value !== 'number') continue;
    if (key.startsWith(SENDER_SIDE_PREFIX)) {
      senderSide[key.slice(SENDER_SIDE_PREFIX.length)] = value;
      continue;
    }
    if (!key.startsWith(PROVIDER_PREFIX)) continue;
    const rest = key.slice(PROVIDER_PREFIX.length);
    const cut = rest.indexOf('_');
    const provider = rest.slice(0, cut);
    // A provider a newer version wrote (or a stray attribute) is skipped, not guessed at.
    if (cut < 0 || !isProvider(provider)) continue;
    const field = rest.slice(cut + 1);
    providers[provider] ??= {
      deliveries: 0,
      permanentBounces: 0,
      transientBounces: 0,
      complaints: 0,
      senderSide: {},
    };
    const counts = providers[provider];
    if (field.startsWith(SENDER_SIDE_PREFIX))
      counts.senderSide[field.slice(SENDER_SIDE_PREFIX.length)] = value;
    else if ((PROVIDER_FIELDS as readonly string[]).includes(field))
      counts[field as (typeof PROVIDER_FIELDS)[number]] = value;
  }
  return {
    ...(Object.keys(providers).length > 0 ? { providers } : {}),
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
