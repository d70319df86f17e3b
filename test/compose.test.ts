import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toSqsEvent, toSqsRecord } from '../cli/sqs';
import { DynamoDbRateCounters } from '../shared/adapters/dynamodb/counters';
import { snsEnvelope } from './fixtures/ses-examples';
import { startTestEngine, type TestEngine } from './support/engine';
import { localLambdaEnv } from './support/lambda';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine?.close();
});

const mail = (id: string, to: string) => ({
  timestamp: '2026-11-20T10:15:00.000Z',
  source: 'news@counted.example',
  sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/counted.example',
  messageId: id,
  destination: [to],
});

describe('the processor Lambda entry (functions/processor/handler.ts)', () => {
  it('writes the hourly rate counters the hygiene job and the rate alarms read', async () => {
    const table = await engine.newTable();
    const env = localLambdaEnv(engine, table);
    const saved = { ...process.env };
    Object.assign(process.env, env);
    vi.resetModules();
    try {
      const { handler } = await import('../functions/processor/handler');
      const bodies = [
        snsEnvelope({ eventType: 'Send', mail: mail('m1', 'a@example.org'), send: {} }, 's1'),
        snsEnvelope({ eventType: 'Send', mail: mail('m2', 'b@example.org'), send: {} }, 's2'),
        snsEnvelope(
          {
            eventType: 'Bounce',
            mail: mail('m2', 'b@example.org'),
            bounce: {
              bounceType: 'Permanent',
              bounceSubType: 'General',
              timestamp: '2026-11-20T10:16:00.000Z',
              feedbackId: 'f2',
              bouncedRecipients: [{ emailAddress: 'b@example.org', status: '5.1.1', action: 'failed' }],
            },
          },
          'b2',
        ),
      ];
      const event: SQSEvent = toSqsEvent(bodies.map((body, i) => toSqsRecord(body, `r${i}`)));
      const response = await handler(event, { awsRequestId: 'x' } as Context, () => undefined);
      expect(response).toEqual({ batchItemFailures: [] });
    } finally {
      process.env = saved;
    }
    const counts = await new DynamoDbRateCounters(engine.connection.documentClient, table).read(
      new Date('2026-11-20T00:00:00Z'),
      new Date('2026-11-21T00:00:00Z'),
    );
    expect(counts).toMatchObject([
      { identity: 'counted.example', hour: '2026-11-20T10', sends: 2, permanentBounces: 1 },
    ]);
  });
});

describe('processorSettingsFromEnv', () => {
  it('reads COUNT_SENDS_ONCE (set by the stack for ingest: both), off when absent, and refuses another value naming it', async () => {
    const { processorSettingsFromEnv } = await import('../functions/processor/compose');
    expect(processorSettingsFromEnv({ TABLE_NAME: 't' }).countSendsOnce).toBe(false);
    expect(processorSettingsFromEnv({ TABLE_NAME: 't', COUNT_SENDS_ONCE: 'true' }).countSendsOnce).toBe(true);
    expect(() => processorSettingsFromEnv({ TABLE_NAME: 't', COUNT_SENDS_ONCE: 'yes' })).toThrow(
      'COUNT_SENDS_ONCE must be "true" or "false", got "yes"',
    );
  });
});
