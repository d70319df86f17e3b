import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toSqsEvent, toSqsRecord } from '../cli/sqs';
import { type BatchMetrics, createProcessor } from '../functions/processor/processor';
import { DynamoDbRateCounters } from '../shared/adapters/dynamodb/counters';
import { DynamoDbSuppressionStore } from '../shared/adapters/dynamodb/store';
import { DynamoDbUnreadableRecipients } from '../shared/adapters/dynamodb/unreadable';
import { hashAddress } from '../shared/core/address';
import { classify } from '../shared/core/classify';
import * as ses from './fixtures/ses-examples';
import { startTestEngine, type TestEngine } from './support/engine';

let engine: TestEngine;
let store: DynamoDbSuppressionStore;
let tableName: string;
let processor: ReturnType<typeof createProcessor>;
const logged: string[] = [];

beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine.close();
});
beforeEach(async () => {
  tableName = await engine.newTable();
  store = new DynamoDbSuppressionStore(engine.connection.documentClient, tableName);
  logged.length = 0;
  processor = createProcessor({ store, classify: (input) => classify(input), logger: loggerOf() });
});

/** A logger whose lines go to `logged`, to check that no raw address leaks into them. */
function loggerOf(): Logger {
  const logger = new Logger({ serviceName: 'test', logLevel: 'INFO' });
  for (const level of ['info', 'warn', 'error'] as const) {
    logger[level] = ((...args: unknown[]) => {
      logged.push(JSON.stringify(args));
    }) as never;
  }
  return logger;
}

const shuffleRecords = <T>(items: T[]) =>
  [...items].reverse().sort((a, b) => (JSON.stringify(a).length % 3) - (JSON.stringify(b).length % 3));

const sqsEvent = (...bodies: string[]) => toSqsEvent(bodies.map((body, i) => toSqsRecord(body, `m${i}`)));

describe('processor handler against a real DynamoDB engine', () => {
  it('suppresses a hard-bounced recipient from an SNS-wrapped bounce', async () => {
    const response = await processor.handler(sqsEvent(ses.snsEnvelope(ses.bounceWithDsn)));
    expect(response).toEqual({ batchItemFailures: [] });
    const record = await store.get('jane@example.com');
    expect(record?.state).toMatchObject({ status: 'suppressed', reason: 'userunknown', source: 'bounce' });
    expect(record?.events[0]).toMatchObject({
      type: 'bounce',
      id: `${ses.bounceWithDsn.bounce.feedbackId}:jane@example.com`,
    });
  });

  it('classifies every bounced recipient on its own, never mail.destination', async () => {
    const bounce = {
      ...ses.bounceWithDsn,
      bounce: {
        ...ses.bounceWithDsn.bounce,
        bouncedRecipients: [
          {
            emailAddress: 'Jane@Example.com',
            action: 'failed',
            status: '5.1.1',
            diagnosticCode: 'smtp; 550 5.1.1 user unknown',
          },
          {
            emailAddress: 'mary@example.com',
            action: 'failed',
            status: '5.7.1',
            diagnosticCode:
              'smtp; 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
          },
        ],
      },
    };
    await processor.handler(sqsEvent(ses.snsEnvelope(bounce)));
    expect((await store.get('jane@example.com'))?.state.status).toBe('suppressed');
    // Sender-side: recorded, but the recipient stays mailable.
    const mary = await store.get('mary@example.com');
    expect(mary?.state.status).toBe('clear');
    expect(mary?.events[0]).toMatchObject({ classification: { decision: 'alert-sender', party: 'sender' } });
    expect(await store.get('richard@example.com')).toBeUndefined();
  });

  it('applies complaints and deliveries in both notification forms', async () => {
    await processor.handler(
      sqsEvent(ses.snsEnvelope(ses.complaintWithFeedbackReport), ses.snsEnvelope(ses.eventDelivery)),
    );
    expect((await store.get('richard@example.com'))?.state).toMatchObject({
      status: 'suppressed',
      source: 'complaint',
    });
    expect((await store.get('recipient@example.com'))?.events.map((e) => e.type)).toEqual(['delivery']);
  });

  it('fails only the malformed records of a batch and lands the good ones', async () => {
    const { feedbackId: _omit, ...bounceWithoutId } = ses.bounceWithDsn.bounce;
    const bodies = [
      ses.snsEnvelope(ses.bounceWithDsn), // m0 good
      'not json at all', // m1
      ses.snsEnvelope('{"notificationType": "Bounce"'), // m2 truncated Message
      ses.snsEnvelope({ ...ses.bounceWithDsn, bounce: bounceWithoutId }), // m3 missing feedbackId
      ses.snsEnvelope({
        ...ses.bounceWithDsn,
        bounce: {
          ...ses.bounceWithDsn.bounce,
          bouncedRecipients: [{ emailAddress: 'x@y.com\r\nBcc: z@w.com' }],
        },
      }), // m4 header injection
      ses.snsEnvelope(ses.complaintWithFeedbackReport), // m5 good
      ses.snsEnvelope(ses.eventSend), // m6 acknowledged, ignored
      ses.snsEnvelope(ses.subscriptionSucceeded), // m7 acknowledged, ignored
      JSON.stringify({ Type: 'Notification', MessageId: 'x' }), // m8 envelope without Message
    ];
    const { response, failures } = await processor.processBatch(sqsEvent(...bodies));
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([
      'm1',
      'm2',
      'm3',
      'm4',
      'm8',
    ]);
    expect(failures.get('m1')).toMatch(/message body is not JSON/);
    expect(failures.get('m3')).toMatch(/bounce\.feedbackId/);
    expect(failures.get('m4')).toMatch(/control characters/);
    expect((await store.get('jane@example.com'))?.state.status).toBe('suppressed');
    expect((await store.get('richard@example.com'))?.state.status).toBe('suppressed');
  });

  it('fails exactly the malformed records of a batch mixing 23 kinds of bad input with good ones', async () => {
    const bounce = ses.bounceWithDsn;
    const withRecipients = (bouncedRecipients: unknown) => ({
      ...bounce,
      bounce: { ...bounce.bounce, bouncedRecipients },
    });
    const malformed: Record<string, string> = {
      'not JSON': 'not json at all',
      'empty body': '',
      'JSON array': '[1,2,3]',
      'JSON number': '42',
      'deeply nested': `${'['.repeat(5000)}${']'.repeat(4999)}`,
      'envelope without Message': JSON.stringify({ Type: 'Notification', MessageId: 'x' }),
      'envelope Message not JSON': ses.snsEnvelope('{"notificationType": "Bounce"'),
      'envelope Message an array': ses.snsEnvelope('[]'),
      'unknown SNS Type': JSON.stringify({ Type: 'Gossip', MessageId: 'x', Message: '{}' }),
      'no notification type': ses.snsEnvelope({ mail: bounce.mail }),
      'notificationType a number': ses.snsEnvelope({ ...bounce, notificationType: 7 }),
      'bounce object missing': ses.snsEnvelope({ notificationType: 'Bounce', mail: bounce.mail }),
      'mail missing': ses.snsEnvelope({ notificationType: 'Bounce', bounce: bounce.bounce }),
      'no bounced recipients': ses.snsEnvelope(withRecipients([])),
      'recipients not a list': ses.snsEnvelope(withRecipients('jane@example.com')),
      'recipient without address': ses.snsEnvelope(withRecipients([{ status: '5.1.1' }])),
      'address without @': ses.snsEnvelope(withRecipients([{ emailAddress: 'jane.example.com' }])),
      'header injection': ses.snsEnvelope(
        withRecipients([{ emailAddress: 'jane@example.com\r\nBcc: x@evil.test' }]),
      ),
      'over-long address': ses.snsEnvelope(
        withRecipients([{ emailAddress: `${'a'.repeat(60)}@${'b'.repeat(250)}.com` }]),
      ),
      'bad timestamp': ses.snsEnvelope({ ...bounce, bounce: { ...bounce.bounce, timestamp: '27/01/2016' } }),
      'empty feedbackId': ses.snsEnvelope({ ...bounce, bounce: { ...bounce.bounce, feedbackId: '' } }),
      'complaint without recipients': ses.snsEnvelope({
        ...ses.complaintWithFeedbackReport,
        complaint: { ...ses.complaintWithFeedbackReport.complaint, complainedRecipients: undefined },
      }),
      'delivery recipients not a list': ses.snsEnvelope({
        ...ses.delivery,
        delivery: { ...ses.delivery.delivery, recipients: 'jane' },
      }),
    };
    const good = [
      ses.snsEnvelope(ses.bounceWithDsn),
      ses.snsEnvelope(ses.complaintWithFeedbackReport, 'c'),
      JSON.stringify(ses.eventDelivery),
      ses.snsEnvelope(ses.eventOpen, 'o'),
    ];
    const bad = Object.entries(malformed);
    expect(bad.length).toBe(23);
    const records = [
      ...good.map((body, i) => toSqsRecord(body, `good-${i}`)),
      ...bad.map(([kind, body]) => toSqsRecord(body, `bad: ${kind}`)),
    ];
    const { response, failures } = await processor.processBatch(toSqsEvent(shuffleRecords(records)));
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      bad.map(([kind]) => `bad: ${kind}`).sort(),
    );
    // Each error says what was wrong, quoting the value where there was one.
    for (const [id, error] of failures) expect(error.length, id).toBeGreaterThan(15);
    // An address is named by its hash, never its text (PII).
    expect(failures.get('bad: address without @')).toContain(`#${hashAddress('jane.example.com')}`);
    expect(failures.get('bad: address without @')).not.toContain('jane.example.com');
    expect(failures.get('bad: bad timestamp')).toContain('"27/01/2016"');
    expect(failures.get('bad: unknown SNS Type')).toContain('"Gossip"');
    expect((await store.get('jane@example.com'))?.state.status).toBe('suppressed');
    expect((await store.get('richard@example.com'))?.state.status).toBe('suppressed');
    expect((await store.get('recipient@example.com'))?.events).toHaveLength(1);
  });

  it('writes an audit item per applied event with the classification, its rule and the status change', async () => {
    await processor.handler(sqsEvent(ses.snsEnvelope(ses.bounceWithDsn)));
    await processor.handler(sqsEvent(ses.snsEnvelope(ses.bounceWithDsn))); // a duplicate adds nothing
    const trail = await store.auditTrail('jane@example.com', 10);
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({
      event: {
        type: 'bounce',
        bounceType: 'Permanent',
        diagnosticCode: 'smtp; 550 5.1.1 <jane@example.com>... User',
        classification: { reason: 'userunknown', rule: expect.any(String) },
      },
      before: { status: 'clear' },
      after: { status: 'suppressed' },
    });
  });

  it('returns every record as a failure (no throw) when the whole batch is bad', async () => {
    const response = await processor.handler(sqsEvent('x', 'y'));
    expect(response.batchItemFailures).toHaveLength(2);
  });

  it('is idempotent: the same notification twice changes nothing the second time', async () => {
    await processor.handler(sqsEvent(ses.snsEnvelope(ses.bounceWithDsn)));
    const first = await store.get('jane@example.com');
    const { outcomes } = await processor.processBatch(sqsEvent(ses.snsEnvelope(ses.bounceWithDsn)));
    expect(outcomes.get('m0')).toMatchObject({ kind: 'applied', newEvents: [] });
    expect(await store.get('jane@example.com')).toEqual(first);
  });

  it('logs addresses only as hashes, even in errors', async () => {
    const bad = {
      ...ses.bounceWithDsn,
      bounce: {
        ...ses.bounceWithDsn.bounce,
        bouncedRecipients: [{ emailAddress: 'secret.person@example.com\u0000' }],
      },
    };
    await processor.handler(sqsEvent(ses.snsEnvelope(ses.bounceWithDsn), ses.snsEnvelope(bad)));
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('\n')).not.toMatch(/jane@example\.com|secret\.person@example\.com/);
  });

  it('fails a record whose SQS body is not a string, naming it, and lands the rest of the batch', async () => {
    const records = [
      toSqsRecord(ses.snsEnvelope(ses.bounceWithDsn), 'good'),
      { ...toSqsRecord('', 'object body'), body: { Type: 'Notification' } as never },
      { ...toSqsRecord('', 'missing body'), body: undefined as never },
    ];
    const { response, failures } = await processor.processBatch(toSqsEvent(records));
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([
      'missing body',
      'object body',
    ]);
    expect(failures.get('object body')).toBe(
      'SQS message body must be a string, got {"Type":"Notification"}',
    );
    expect(failures.get('missing body')).toMatch(/SQS message body must be a string, got undefined/);
    expect((await store.get('jane@example.com'))?.state.status).toBe('suppressed');
  });

  it('fails a notificationType in the wrong case (`bounce`) naming it, instead of acknowledging it', async () => {
    const { failures, outcomes } = await processor.processBatch(
      sqsEvent(ses.snsEnvelope({ ...ses.bounceWithDsn, notificationType: 'bounce' })),
    );
    expect(outcomes.size).toBe(0);
    expect(failures.get('m0')).toMatch(
      /unknown notificationType "bounce": SES sends Bounce, Complaint, Delivery/,
    );
    expect(await store.get('jane@example.com')).toBeUndefined();
  });
});

describe('per-recipient isolation: an odd or unreadable recipient never blocks its co-recipients', () => {
  const withRecipients = (emailAddresses: string[], feedbackId = 'odd-recipients-1') => ({
    ...ses.bounceWithDsn,
    bounce: {
      ...ses.bounceWithDsn.bounce,
      feedbackId,
      bouncedRecipients: emailAddresses.map((emailAddress) => ({
        emailAddress,
        action: 'failed',
        status: '5.1.1',
        diagnosticCode: 'smtp; 550 5.1.1 user unknown',
      })),
    },
  });

  it.each([
    ['"john doe"@example.com', '"john doe"@example.com'],
    ['jane@example.com.', 'jane@example.com'],
    ['jane@[192.0.2.1]', 'jane@[192.0.2.1]'],
  ])('applies %j (as %j) and its valid co-recipient', async (odd, key) => {
    const response = await processor.handler(
      sqsEvent(ses.snsEnvelope(withRecipients(['valid@example.com', odd]))),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect((await store.get('valid@example.com'))?.state.status).toBe('suppressed');
    expect((await store.get(key))?.state.status).toBe('suppressed');
  });

  it('keeps an unreadable recipient by hash (counted, no raw value logged) while the rest of the record lands', async () => {
    const unreadable = new DynamoDbUnreadableRecipients(engine.connection.documentClient, tableName);
    const published: BatchMetrics[] = [];
    const logger = new Logger({ serviceName: 'test', logLevel: 'INFO' });
    for (const level of ['info', 'warn', 'error'] as const) {
      logger[level] = ((...args: unknown[]) => {
        logged.push(JSON.stringify(args));
      }) as never;
    }
    const isolated = createProcessor({
      store,
      classify: (input) => classify(input),
      logger,
      unreadable,
      metrics: { publish: (batch) => published.push(batch) },
    });
    const raw = '"Jane Secret" <jane.secret@localhost>';
    const body = ses.snsEnvelope(withRecipients(['first@example.com', raw, 'third@example.com']));
    const first = await isolated.processBatch(sqsEvent(body));
    expect(first.response.batchItemFailures).toEqual([]);
    expect((await store.get('first@example.com'))?.state.status).toBe('suppressed');
    expect((await store.get('third@example.com'))?.state.status).toBe('suppressed');
    const kept = await unreadable.find(hashAddress(raw));
    expect(kept).toEqual([
      {
        hash: hashAddress(raw),
        id: `odd-recipients-1:#${hashAddress(raw)}`,
        at: ses.bounceWithDsn.bounce.timestamp,
        kind: 'bounce',
        identity: 'example.com',
        problem: `invalid address #${hashAddress(raw)} (${raw.length} characters): bad domain`,
        classification: expect.objectContaining({ reason: 'userunknown', decision: 'suppress' }),
      },
    ]);
    // Redelivered: nothing new, counted once.
    await isolated.processBatch(sqsEvent(body));
    expect(await unreadable.find(hashAddress(raw))).toHaveLength(1);
    expect(published.map((batch) => batch.unreadableRecipients)).toEqual([1, 0]);
    expect(logged.join('\n')).not.toMatch(/secret/i);
  });

  it('without a store for unreadable recipients, applies the co-recipients and fails the record (SQS redelivers it)', async () => {
    const { response, failures } = await processor.processBatch(
      sqsEvent(ses.snsEnvelope(withRecipients(['first@example.com', 'not an address']))),
    );
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m0']);
    expect(failures.get('m0')).toMatch(/expected local@domain/);
    expect((await store.get('first@example.com'))?.state.status).toBe('suppressed');
  });

  it('logs a failed counter write without the raw address of an email-address identity', async () => {
    const failing = {
      add: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
      read: async () => [],
    };
    const counted = createProcessor({
      store,
      classify: (input) => classify(input),
      logger: loggerOf(),
      counters: failing,
    });
    // The event's identity is the address sender@example.com (SES's identity ARN names it).
    const { response } = await counted.processBatch(sqsEvent(ses.snsEnvelope(ses.eventBounce)));
    expect(response.batchItemFailures).toEqual([]);
    const line = logged.find((entry) => entry.includes('rate counters not written'));
    expect(line).toBeDefined();
    expect(line).not.toContain('sender@example.com');
  });

  it('counts a bounce whose sourceArn identity is 3 KB under a bounded identity (the RATE# key stays valid)', async () => {
    const counters = new DynamoDbRateCounters(engine.connection.documentClient, tableName);
    const counted = createProcessor({
      store,
      classify: (input) => classify(input),
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      counters,
    });
    const huge = `${'i'.repeat(3 * 1024)}.example`;
    const bounce = {
      ...withRecipients(['counted@example.com'], 'huge-identity-1'),
      mail: { ...ses.bounceWithDsn.mail, sourceArn: `arn:aws:ses:us-east-1:123456789012:identity/${huge}` },
    };
    const { response } = await counted.processBatch(sqsEvent(ses.snsEnvelope(bounce)));
    expect(response.batchItemFailures).toEqual([]);
    const rows = await counters.read(new Date('2016-01-27T00:00:00Z'), new Date('2016-01-28T00:00:00Z'));
    expect(rows).toEqual([
      // Unbounded, the counter sort key (`<hour>#<identity>`) passes 1 KB: the write fails, nothing counts.
      expect.objectContaining({ permanentBounces: 1 }),
    ]);
    expect(rows[0]?.identity).toMatch(/^i{64}#[0-9a-f]{12}$/);
  });
});
