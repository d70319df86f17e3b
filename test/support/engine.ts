import { randomUUID } from 'node:crypto';
import { startEmbeddedEngine } from '../../cli/embedded';
import {
  createLocalDynamoDbConnection,
  type DynamoDbConnection,
} from '../../shared/adapters/dynamodb/client';
import { ensureTable } from '../../shared/adapters/dynamodb/table';

/**
 * The DynamoDB engine tests run against: AWS's DynamoDB Local when DYNAMODB_ENDPOINT points at one
 * (CI starts it), else dynalite in this process, in memory. Never a mock.
 */
export interface TestEngine {
  name: 'dynamodb-local' | 'dynalite';
  endpoint: string;
  connection: DynamoDbConnection;
  /** A fresh, empty table for one test file or case. */
  newTable(): Promise<string>;
  close(): Promise<void>;
}

export async function startTestEngine(): Promise<TestEngine> {
  const external = process.env.DYNAMODB_ENDPOINT;
  const embedded = external ? undefined : await startEmbeddedEngine(undefined);
  const endpoint = external ?? (embedded as { endpoint: string }).endpoint;
  const connection = createLocalDynamoDbConnection(endpoint, 'us-east-1');
  const name = external ? 'dynamodb-local' : 'dynalite';
  return {
    name,
    endpoint,
    connection,
    async newTable() {
      const tableName = `test-${randomUUID().slice(0, 8)}`;
      await ensureTable(connection.client, tableName, { enableTtl: name === 'dynamodb-local' });
      return tableName;
    },
    async close() {
      connection.client.destroy();
      await embedded?.close();
    },
  };
}
