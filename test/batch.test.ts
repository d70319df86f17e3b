import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deleteItems, type ItemKey } from '../shared/adapters/dynamodb/batch';

// Unprocessed items are DynamoDB throttling a batch; no local engine produces them, so the call is mocked.
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(documentClient);
const keys = (n: number): ItemKey[] => Array.from({ length: n }, (_, i) => ({ pk: `P#${i}`, sk: 'S' }));
const requested = () =>
  dynamo.commandCalls(BatchWriteCommand).map((call) => (call.args[0].input.RequestItems?.t ?? []).length);

beforeEach(() => {
  dynamo.reset();
  vi.spyOn(Math, 'random').mockReturnValue(0); // no backoff wait
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => dynamo.restore());

describe('deleteItems', () => {
  it('deletes in chunks of 25 (BatchWriteItem’s limit)', async () => {
    dynamo.on(BatchWriteCommand).resolves({});
    await deleteItems(documentClient, 't', keys(60), 'item');
    expect(requested()).toEqual([25, 25, 10]);
  });

  it('retries what DynamoDB returns unprocessed until it is done', async () => {
    const leftOver = keys(3).map((Key) => ({ DeleteRequest: { Key } }));
    dynamo
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { t: leftOver } })
      .resolves({});
    await deleteItems(documentClient, 't', keys(10), 'item');
    expect(requested()).toEqual([10, 3]);
  });

  it('fails naming what and how many are left when items stay unprocessed', async () => {
    const leftOver = keys(2).map((Key) => ({ DeleteRequest: { Key } }));
    dynamo.on(BatchWriteCommand).resolves({ UnprocessedItems: { t: leftOver } });
    await expect(deleteItems(documentClient, 't', keys(5), 'counter item')).rejects.toThrow(
      '2 counter item(s) still undeleted after 8 BatchWriteItem attempts',
    );
  });
});
