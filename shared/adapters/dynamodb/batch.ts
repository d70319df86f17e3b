import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchWriteItem's limit on items per call. */
export const BATCH_WRITE_MAX_ITEMS = 25;
/** Calls per chunk, the first included, before unprocessed items count as a failure. */
const MAX_BATCH_WRITE_ATTEMPTS = 8;

export type ItemKey = { pk: string; sk: string };

/**
 * Deletes items by key, 25 per BatchWriteItem; the items DynamoDB returns unprocessed are retried
 * with exponential backoff and full jitter, and still unprocessed after that is an error (naming
 * `what` and how many), never a silent half-deletion.
 */
export async function deleteItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
  what: string,
): Promise<void> {
  for (let i = 0; i < keys.length; i += BATCH_WRITE_MAX_ITEMS) {
    let requests = keys
      .slice(i, i + BATCH_WRITE_MAX_ITEMS)
      .map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } }));
    for (let attempt = 1; requests.length > 0; attempt++) {
      const output = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (output.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      if (requests.length === 0) break;
      if (attempt >= MAX_BATCH_WRITE_ATTEMPTS) {
        throw new Error(
          `${requests.length} ${what}(s) still undeleted after ${attempt} BatchWriteItem attempts`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2000, 50 * 2 ** attempt)));
    }
  }
}
