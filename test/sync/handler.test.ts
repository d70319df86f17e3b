import {
  ListSuppressedDestinationsCommand,
  PutSuppressedDestinationCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbSyncStateStore } from '../../functions/sync/dynamodb';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import { startTestEngine, type TestEngine } from '../support/engine';
import { bounceEvent } from '../support/events';

const sesMock = mockClient(SESv2Client);
let engine: TestEngine;
let tableName: string;
const saved = { ...process.env };

beforeAll(async () => {
  engine = await startTestEngine();
  tableName = await engine.newTable();
  // The handler builds its clients from the environment, as in Lambda; DynamoDB is the test engine.
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    SES_SYNC_MODE: 'both',
    SES_SYNC_RATE: '50',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: engine.endpoint,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
});
afterAll(async () => {
  process.env = saved;
  await engine.close();
});

describe('sync Lambda handler', () => {
  it('runs one sync with the schedule’s time and keeps the cursor in the table', async () => {
    const store = new DynamoDbSuppressionStore(engine.connection.documentClient, tableName);
    await store.applyEvents('hard@example.com', [
      bounceEvent('b1', '2026-05-01T00:00:00.000Z', 'userunknown'),
    ]);
    sesMock.on(ListSuppressedDestinationsCommand).resolves({
      SuppressedDestinationSummaries: [
        {
          EmailAddress: 'ses@example.com',
          Reason: 'BOUNCE',
          LastUpdateTime: new Date('2026-05-02T00:00:00Z'),
        },
      ],
    });
    sesMock.on(PutSuppressedDestinationCommand).resolves({});
    const { handler } = await import('../../functions/sync/handler');
    const event = { time: '2026-06-01T10:00:00Z' } as ScheduledEvent;
    const context = { getRemainingTimeInMillis: () => 600_000, functionName: 'sync' } as unknown as Context;
    const report = await handler(event, context, () => {});
    expect(report).toMatchObject({
      mode: 'both',
      cursor: '2026-06-01T10:00:00.000Z',
      counts: { listed: 1, pulled: 1, pushed: 1, failed: 0 },
    });
    expect(sesMock.commandCalls(PutSuppressedDestinationCommand).map((c) => c.args[0].input)).toEqual([
      { EmailAddress: 'hard@example.com', Reason: 'BOUNCE' },
    ]);
    const syncState = new DynamoDbSyncStateStore(engine.connection.documentClient, tableName);
    expect((await syncState.readCursor())?.cursor).toBe('2026-06-01T10:00:00.000Z');
    expect((await store.get('ses@example.com'))?.state).toMatchObject({
      status: 'suppressed',
      source: 'ses-sync',
    });
  });
});
