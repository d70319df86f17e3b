import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSqsEvent, toSqsRecord } from '../cli/sqs';
import { type BatchMetrics, createProcessor } from '../functions/processor/processor';
import { DynamoDbRateCounters } from '../shared/adapters/dynamodb/counters';
import { DynamoDbSuppressionStore } from '../shared/adapters/dynamodb/store';
import { classify } from '../shared/core/classify';
import { snsEnvelope } from './fixtures/ses-examples';
import { startTestEngine, type TestEngine } from './support/engine';

const AT = '2026-12-07T10:10:00.000Z';
const mail = (id: string, to: string) => ({
  timestamp: AT,
  source: 'news@mail.example.com',
  sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/mail.example.com',
  messageId: id,
  destination: [to],
});
const delivered = (id: string, to: string, smtpResponse: string) =>
  snsEnvelope(
    {
      eventType: 'Delivery',
      mail: mail(id, to),
      delivery: { timestamp: AT, recipients: [to], smtpResponse, reportingMTA: 'a1.smtp-out.amazonses.com' },
    },
    `sns-${id}`,
  );
const blocked = (id: string, to: string) =>
  snsEnvelope(
    {
      eventType: 'Bounce',
      mail: mail(id, to),
      bounce: {
        feedbackId: `fb-${id}`,
        bounceType: 'Permanent',
        bounceSubType: 'General',
        timestamp: AT,
        bouncedRecipients: [
          {
            emailAddress: to,
            action: 'failed',
            status: '5.7.1',
            diagnosticCode:
              "smtp; 550 5.7.1 Unfortunately, messages from [54.240.8.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). [BL02EPF0001A0F9.namprd09.prod.outlook.com]",
          },
        ],
      },
    },
    `sns-${id}`,
  );

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine.close();
});

describe('the processor per mailbox provider', () => {
  it('reports sender-side failures per provider the batch reached (0 included) and writes per-provider counters once', async () => {
    const table = await engine.newTable();
    const published: BatchMetrics[] = [];
    const counters = new DynamoDbRateCounters(engine.connection.documentClient, table);
    const processor = createProcessor({
      store: new DynamoDbSuppressionStore(engine.connection.documentClient, table),
      classify: (input) => classify(input),
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      metrics: { publish: (batch) => published.push(batch) },
      counters,
    });
    const bodies = [
      delivered('m1', 'a@gmail.com', '250 2.0.0 OK - gsmtp'),
      delivered('m2', 'ceo@acme.example', '250 2.0.0 OK  1733565602 - gsmtp'),
      delivered('m3', 'b@hotmail.com', '250 2.6.0 Queued mail for delivery'),
      blocked('m4', 'c@hotmail.com'),
      blocked('m5', 'd@hotmail.com'),
    ];
    const batch = toSqsEvent(bodies.map((body, i) => toSqsRecord(body, `r${i}`)));
    await processor.processBatch(batch);
    await processor.processBatch(toSqsEvent(batch.Records.slice(3))); // the rejections redelivered
    expect(published[0]?.providerSenderSide).toEqual([
      { provider: 'google', count: 0 },
      { provider: 'microsoft', count: 2 },
    ]);
    expect(published[1]?.providerSenderSide).toEqual([]); // duplicates: nothing new
    const [bucket] = await counters.read(new Date('2026-12-07T00:00:00Z'), new Date('2026-12-08T00:00:00Z'));
    expect(bucket?.providers).toEqual({
      google: { deliveries: 2, permanentBounces: 0, transientBounces: 0, complaints: 0, senderSide: {} },
      microsoft: {
        deliveries: 1,
        permanentBounces: 2,
        transientBounces: 0,
        complaints: 0,
        senderSide: { blocked: 2 },
      },
    });
  });
});
