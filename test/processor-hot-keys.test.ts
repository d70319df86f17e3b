import { Logger } from '@aws-lambda-powertools/logger';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSqsEvent, toSqsRecord } from '../cli/sqs';
import { exportRows } from '../cli/views';
import { KeyedSerializer } from '../functions/processor/keyed';
import { createProcessor } from '../functions/processor/processor';
import { addressKey } from '../shared/adapters/dynamodb/schema';
import { DynamoDbSuppressionStore } from '../shared/adapters/dynamodb/store';
import { classify } from '../shared/core/classify';
import { snsEnvelope } from './fixtures/ses-examples';
import { startTestEngine, type TestEngine } from './support/engine';
import { notificationStream } from './support/stream';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine.close();
});

const silent = () => new Logger({ serviceName: 'hot-keys', logLevel: 'SILENT' });
const NOW = new Date('2026-12-01T00:00:00.000Z');

async function newProcessor(
  client: DynamoDBDocumentClient = engine.connection.documentClient,
  table?: string,
) {
  const tableName = table ?? (await engine.newTable());
  const store = new DynamoDbSuppressionStore(client, tableName);
  return {
    tableName,
    store,
    processor: createProcessor({ store, classify: (i) => classify(i), logger: silent() }),
  };
}

const recordsOf = (bodies: string[], prefix = 'm') =>
  bodies.map((body, i) => toSqsRecord(body, `${prefix}${i}`));

/** The export after replaying the bodies one record at a time, in order: the reference state. */
async function inOrderExport(bodies: string[]) {
  const { store, processor } = await newProcessor();
  for (const [i, body] of bodies.entries()) {
    const { response } = await processor.processBatch(toSqsEvent([toSqsRecord(body, `seq${i}`)]));
    expect(response.batchItemFailures).toEqual([]);
  }
  return exportRows(store, NOW);
}

const lambdaContext = (remainingMs: number): Context =>
  ({ functionName: 'processor', awsRequestId: 'r1', getRemainingTimeInMillis: () => remainingMs }) as Context;

const hotShare = (bodies: string[]) => bodies.filter((body) => body.includes('hot')).length / bodies.length;

describe('KeyedSerializer', () => {
  it('runs work of one key in reservation order, one at a time, and different keys together', async () => {
    const serializer = new KeyedSerializer();
    const log: string[] = [];
    let running = 0;
    let maxRunningOnA = 0;
    const step = (name: string, key: string, ms: number) => {
      const turn = serializer.reserve([key]);
      return turn(async () => {
        if (key === 'a') maxRunningOnA = Math.max(maxRunningOnA, ++running);
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`end ${name}`);
        if (key === 'a') running--;
      });
    };
    await Promise.all([step('a1', 'a', 20), step('b1', 'b', 1), step('a2', 'a', 1), step('a3', 'a', 1)]);
    expect(maxRunningOnA).toBe(1);
    expect(log.filter((l) => / a\d$/.test(l))).toEqual([
      'start a1',
      'end a1',
      'start a2',
      'end a2',
      'start a3',
      'end a3',
    ]);
    // b did not wait for a1 (a different key).
    expect(log.indexOf('end b1')).toBeLessThan(log.indexOf('end a1'));
    expect(serializer.pendingKeys).toBe(0);
  });

  it('never deadlocks on overlapping multi-key reservations and keeps per-key order', async () => {
    const serializer = new KeyedSerializer();
    const keys = ['a', 'b', 'c', 'd'];
    const perKey = new Map<string, number[]>();
    // Key sets in opposing orders ([a,b] then [b,a] …): a lock-per-key scheme acquiring in record order could deadlock.
    const jobs = Array.from({ length: 200 }, (_, i) => {
      const set = [keys[i % 4] as string, keys[(i * 3 + 1) % 4] as string, keys[(7 * i) % 4] as string];
      const turn = serializer.reserve(i % 2 === 0 ? set : [...set].reverse());
      return turn(async () => {
        for (const key of new Set(set)) perKey.set(key, [...(perKey.get(key) ?? []), i]);
        await new Promise((resolve) => setTimeout(resolve, i % 3));
      });
    });
    await Promise.all(jobs);
    for (const order of perKey.values()) expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(serializer.pendingKeys).toBe(0);
  });

  it('lets the next work on a key run after one that failed', async () => {
    const serializer = new KeyedSerializer();
    const first = serializer.reserve(['a'])(async () => {
      throw new Error('boom');
    });
    const second = serializer.reserve(['a'])(async () => 'ran');
    await expect(first).rejects.toThrow('boom');
    await expect(second).resolves.toBe('ran');
  });
});

describe('processor: hot addresses within one batch', () => {
  it.each([10, 100, 1000])(
    'a batch of %i records, 30 percent naming five hot addresses, has no failed record and exports as an in-order replay',
    async (size) => {
      const bodies = notificationStream(size, Math.max(10, size), size, {
        hot: { addresses: 5, share: 0.3 },
      });
      expect(hotShare(bodies)).toBeGreaterThan(size === 10 ? 0 : 0.25);
      const { store, processor } = await newProcessor();
      const { response, failures } = await processor.processBatch(
        toSqsEvent(recordsOf(bodies)),
        lambdaContext(60_000),
      );
      expect(Object.fromEntries(failures)).toEqual({});
      expect(response.batchItemFailures).toEqual([]);
      expect(await exportRows(store, NOW)).toEqual(await inOrderExport(bodies));
    },
    120_000,
  );

  it('applies records of one address in batch order (the audit trail follows the batch)', async () => {
    const address = 'ordered@example.com';
    // Identical event times: only the order of application distinguishes them in the audit trail.
    const bodies = Array.from({ length: 20 }, (_, i) =>
      snsEnvelope(
        {
          notificationType: 'Bounce',
          mail: {
            timestamp: '2026-05-01T00:00:00.000Z',
            messageId: `mail-${i}`,
            source: 'news@mail.example.com',
          },
          bounce: {
            bounceType: 'Transient',
            bounceSubType: 'General',
            bouncedRecipients: [
              { emailAddress: address, status: '4.4.7', diagnosticCode: 'smtp; 421 4.4.7 timed out' },
              // A second, different address per record: multi-address records interleave with the hot one.
              { emailAddress: `other${i % 3}@example.com`, status: '4.4.7' },
            ],
            timestamp: `2026-05-01T00:00:${String(i).padStart(2, '0')}.000Z`,
            feedbackId: `fb-${String(i).padStart(2, '0')}`,
          },
        },
        `sns-${i}`,
      ),
    );
    const { store, processor } = await newProcessor();
    const { failures } = await processor.processBatch(toSqsEvent(recordsOf(bodies)), lambdaContext(60_000));
    expect(Object.fromEntries(failures)).toEqual({});
    const trail = await store.auditTrail(address, 50);
    // Newest first; each entry's `before` is the previous one's `after` only if they ran one after another.
    const oldestFirst = [...trail].reverse();
    expect(oldestFirst.map((entry) => entry.event.id)).toEqual(
      bodies.map((_, i) => `fb-${String(i).padStart(2, '0')}:${address}`),
    );
    for (let i = 1; i < oldestFirst.length; i++) {
      expect(oldestFirst[i]?.before).toEqual(oldestFirst[i - 1]?.after);
    }
  });
});

describe('processor: conflicts between concurrent invocations', () => {
  it('two invocations on the same hot addresses at once both land every record (jittered retries)', async () => {
    const bodies = notificationStream(200, 50, 7, { hot: { addresses: 5, share: 0.25 } });
    // Fewer events per address than a state item keeps (20): then any arrival order derives the same
    // state (see mergeEvents), so the interleaving of the two invocations cannot change the export.
    for (let i = 0; i < 5; i++) {
      expect(bodies.filter((body) => body.includes(`hot${i}@`)).length).toBeLessThan(20);
    }
    const table = await engine.newTable();
    const a = await newProcessor(engine.connection.documentClient, table);
    const b = await newProcessor(engine.connection.documentClient, table);
    const [ra, rb] = await Promise.all([
      a.processor.processBatch(toSqsEvent(recordsOf(bodies.slice(0, 100), 'a')), lambdaContext(60_000)),
      b.processor.processBatch(toSqsEvent(recordsOf(bodies.slice(100), 'b')), lambdaContext(60_000)),
    ]);
    expect(Object.fromEntries(ra.failures)).toEqual({});
    expect(Object.fromEntries(rb.failures)).toEqual({});
    expect(await exportRows(a.store, NOW)).toEqual(await inOrderExport(bodies));
  }, 120_000);

  it('a record whose address keeps changing under it fails alone when the time budget runs out, and lands on redelivery', async () => {
    const table = await engine.newTable();
    const hammered = 'contended@example.com';
    let hammering = true;
    const real = engine.connection.documentClient;
    // Another writer (a concurrent invocation) bumps the item's version just before each of our
    // conditional writes to it: a real conflict on the real engine, every attempt.
    const contended = new Proxy(real, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: unknown) => {
          const input = (command as { input?: { Item?: { pk?: string; sk?: string } } }).input;
          if (
            hammering &&
            command instanceof PutCommand &&
            input?.Item?.pk === addressKey(hammered).pk &&
            input.Item.sk === addressKey(hammered).sk
          ) {
            await real
              .send(
                new UpdateCommand({
                  TableName: table,
                  Key: addressKey(hammered),
                  UpdateExpression: 'ADD #version :one',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':one': 1 },
                }),
              )
              .catch(() => undefined);
          }
          return target.send(command as never);
        };
      },
    }) as DynamoDBDocumentClient;
    const bounceFor = (address: string, id: string) =>
      snsEnvelope(
        {
          notificationType: 'Bounce',
          mail: {
            timestamp: '2026-05-01T00:00:00.000Z',
            messageId: `mail-${id}`,
            source: 'n@mail.example.com',
          },
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: 'General',
            bouncedRecipients: [{ emailAddress: address, action: 'failed', status: '5.1.1' }],
            timestamp: '2026-05-01T00:00:05.000Z',
            feedbackId: `fb-${id}`,
          },
        },
        `sns-${id}`,
      );
    // The item exists (the version bump needs something to bump).
    const { processor } = await newProcessor(contended, table);
    hammering = false;
    await processor.processBatch(toSqsEvent([toSqsRecord(bounceFor(hammered, 'seed'), 'seed')]));
    hammering = true;

    const records: SQSRecord[] = [
      toSqsRecord(bounceFor('calm1@example.com', 'c1'), 'calm1'),
      toSqsRecord(bounceFor(hammered, 'h1'), 'hot'),
      toSqsRecord(bounceFor('calm2@example.com', 'c2'), 'calm2'),
    ];
    const started = Date.now();
    // 3.6 s left with the default 3 s reserve: a 600 ms budget for the records.
    const { response, failures } = await processor.processBatch(toSqsEvent(records), lambdaContext(3600));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'hot' }]);
    expect(failures.get('hot')).toMatch(
      /changed under us \d+ times in a row, until the invocation's time budget ran out/,
    );
    const store = new DynamoDbSuppressionStore(real, table);
    expect((await store.get('calm1@example.com'))?.state.status).toBe('suppressed');
    expect((await store.get('calm2@example.com'))?.state.status).toBe('suppressed');

    // Redelivered once the other writer has gone: it lands.
    hammering = false;
    const again = await processor.processBatch(toSqsEvent([records[1] as SQSRecord]), lambdaContext(60_000));
    expect(again.response.batchItemFailures).toEqual([]);
    expect((await store.get(hammered))?.events.map((e) => e.id)).toContain(`fb-h1:${hammered}`);
  });

  it('a record still waiting for its turn when the budget is gone fails without writing', async () => {
    const { store, processor } = await newProcessor();
    const body = notificationStream(1, 1, 3)[0] as string;
    // 2 s left, 3 s reserve: nothing may start.
    const { response, failures } = await processor.processBatch(
      toSqsEvent([toSqsRecord(body, 'late')]),
      lambdaContext(2000),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'late' }]);
    expect(failures.get('late')).toMatch(/time budget ran out; SQS redelivers this record/);
    expect(await exportRows(store, NOW)).toEqual([]);
  });
});

describe('processor: the same record object twice in one batch', () => {
  it('processes both deliveries (no wait on a reservation that never runs)', async () => {
    const { processor } = await newProcessor();
    const record = toSqsRecord(notificationStream(1, 1, 9)[0] as string, 'twice');
    const { response, outcomes } = await processor.processBatch(
      toSqsEvent([record, record]),
      lambdaContext(60_000),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(outcomes.get('twice')?.kind).toBeDefined();
  });
});
