import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';

import { TABLE_SCHEMA } from './schema';

export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: 'S' },
      { AttributeName: TABLE_SCHEMA.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
    ],
  };
}

export interface EnsureTableOptions {
  /** Enable the TTL attribute; dynalite has no UpdateTimeToLive, so the embedded engine skips it. */
  enableTtl: boolean;
}

export interface EnsureTableResult {
  created: boolean;
  /** `unsupported` on engines without UpdateTimeToLive (dynalite): expiry is then only applied at read time. */
  ttl: 'enabled' | 'unsupported' | 'skipped';
}

/** Creates the table if it does not exist, and turns on TTL when asked and the engine has it. */
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
  if (!created || !options.enableTtl) return { created, ttl: 'skipped' };
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
      }),
    );
    return { created, ttl: 'enabled' };
  } catch (error) {
    if ((error as { name?: string }).name === 'UnknownOperationException')
      return { created, ttl: 'unsupported' };
    throw error;
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
