import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoDbConnection {
  client: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
}

/**
 * SDK retry settings, chosen on purpose (measured by test/fault/fault-injection.test.ts):
 * - `standard` mode: exponential backoff with full jitter (base 100 ms, 500 ms for throttling),
 *   and a per-client retry quota (500 tokens, 5 per retry, 10 per timeout) that stops retrying when
 *   the engine fails broadly, so an outage turns quickly into SQS redelivery instead of a retry
 *   storm. Not `adaptive`: its client-side rate limiter is per container and still experimental;
 *   the event source's maximum concurrency is what bounds load on the table.
 * - 5 attempts (SDK default 3): a record makes ~3 calls per address and a batch ~30; one call that
 *   still fails fails its record, which SQS redelivers only after the visibility timeout (~3 min)
 *   and counts towards the DLQ. Retrying in process is far cheaper, and safe: every call is
 *   idempotent (GetItem; audit PutItem by key; the state PutItem is conditional on the version,
 *   so a retry after a write that landed gets ConditionalCheckFailed, the store re-reads and finds
 *   its events already there). Worst case per call ≈ 3 s of backoff (15 s when throttled), within
 *   the 30 s function timeout for the rare call that needs all of it.
 */
export const DYNAMODB_RETRY_SETTINGS = { retryMode: 'standard', maxAttempts: 5 } as const;

/** One client pair per process; `removeUndefinedValues` because optional fields are simply absent. */
export function createDynamoDbConnection(config: DynamoDBClientConfig = {}): DynamoDbConnection {
  const client = new DynamoDBClient({ ...DYNAMODB_RETRY_SETTINGS, ...config });
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { client, documentClient };
}

/** A connection to a local engine (dynalite, DynamoDB Local): fixed dummy credentials, no AWS profile lookup. */
export function createLocalDynamoDbConnection(endpoint: string, region = 'local'): DynamoDbConnection {
  return createDynamoDbConnection({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}
