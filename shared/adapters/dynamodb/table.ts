import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  ResourceInUseException,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';

import { missingDueIndexMessage, TABLE_SCHEMA } from './schema';

export { missingDueIndexMessage };

const { dueIndex } = TABLE_SCHEMA;

/** The sparse due index (see TABLE_SCHEMA.dueIndex), as CreateTable and UpdateTable take it. */
export function dueIndexDefinition(): GlobalSecondaryIndex {
  return {
    IndexName: dueIndex.name,
    KeySchema: [
      { AttributeName: dueIndex.partitionKey, KeyType: 'HASH' },
      { AttributeName: dueIndex.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'KEYS_ONLY' },
  };
}

const dueIndexAttributes = [
  { AttributeName: dueIndex.partitionKey, AttributeType: 'S' as const },
  { AttributeName: dueIndex.sortKey, AttributeType: 'S' as const },
];

export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: 'S' },
      { AttributeName: TABLE_SCHEMA.sortKey, AttributeType: 'S' },
      ...dueIndexAttributes,
    ],
    KeySchema: [
      { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [dueIndexDefinition()],
  };
}

export interface EnsureTableOptions {
  /** Enable the TTL attribute; dynalite has no UpdateTimeToLive, so the embedded engine skips it. */
  enableTtl: boolean;
  /**
   * Add the due index to an existing table that lacks it (UpdateTable; DynamoDB backfills it).
   * @default true
   */
  addMissingIndex?: boolean;
  /** How long to wait for an added index to become ACTIVE. @default 60 */
  indexWaitSeconds?: number;
}

export interface EnsureTableResult {
  created: boolean;
  /** `unsupported` on engines without UpdateTimeToLive (dynalite): expiry is then only applied at read time. */
  ttl: 'enabled' | 'unsupported' | 'skipped';
  /**
   * The due index: `present` (created with the table or before), `added` (just added to an existing
   * table, ACTIVE), `creating` (added, still backfilling), `missing` (the table has none and it was
   * not added — see `missingDueIndexMessage`).
   */
  dueIndex: 'present' | 'added' | 'creating' | 'missing';
}

const hasDueIndex = (table: TableDescription | undefined) =>
  (table?.GlobalSecondaryIndexes ?? []).some((index) => index.IndexName === dueIndex.name);

const dueIndexStatus = (table: TableDescription | undefined) =>
  (table?.GlobalSecondaryIndexes ?? []).find((index) => index.IndexName === dueIndex.name)?.IndexStatus;

async function describe(client: DynamoDBClient, tableName: string) {
  return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
}

/**
 * Creates the table (with its due index) if it does not exist, adds the due index to an existing
 * table that lacks it where the engine can, and turns on TTL when asked and the engine has it.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureTableOptions,
): Promise<EnsureTableResult> {
  let created = false;
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    created = true;
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
  const index = created ? 'present' : await ensureDueIndex(client, tableName, options);
  if (!created || !options.enableTtl) return { created, ttl: 'skipped', dueIndex: index };
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
      }),
    );
    return { created, ttl: 'enabled', dueIndex: index };
  } catch (error) {
    if ((error as { name?: string }).name === 'UnknownOperationException')
      return { created, ttl: 'unsupported', dueIndex: index };
    throw error;
  }
}

async function ensureDueIndex(
  client: DynamoDBClient,
  tableName: string,
  { addMissingIndex = true, indexWaitSeconds = 60 }: EnsureTableOptions,
): Promise<EnsureTableResult['dueIndex']> {
  if (hasDueIndex(await describe(client, tableName))) return 'present';
  if (!addMissingIndex) return 'missing';
  try {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: dueIndexAttributes,
        GlobalSecondaryIndexUpdates: [{ Create: dueIndexDefinition() }],
      }),
    );
  } catch (error) {
    const name = (error as { name?: string }).name;
    // Another `bounce init` may be adding it right now. dynalite refuses the request (it wants a
    // provisioned throughput, and could not add the index anyway): the table then has none.
    if (name === 'ValidationException')
      return hasDueIndex(await describe(client, tableName)) ? 'added' : 'missing';
    if (name !== 'ResourceInUseException') throw error;
  }
  const deadline = Date.now() + indexWaitSeconds * 1000;
  for (;;) {
    const table = await describe(client, tableName);
    // Engines that accept UpdateTable but ignore index creation (dynalite) still have none.
    if (!hasDueIndex(table)) return 'missing';
    if (dueIndexStatus(table) === 'ACTIVE' || dueIndexStatus(table) === undefined) return 'added';
    if (Date.now() >= deadline) return 'creating';
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return false;
    throw error;
  }
}
