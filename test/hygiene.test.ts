import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSqsEvent, toSqsRecord } from '../cli/sqs';
import { runHygiene } from '../functions/hygiene/hygiene';
import { createProcessor } from '../functions/processor/processor';
import { DynamoDbRateCounters } from '../shared/adapters/dynamodb/counters';
import { DynamoDbSuppressionStore } from '../shared/adapters/dynamodb/store';
import { classify } from '../shared/core/classify';
import { snsEnvelope } from './fixtures/ses-examples';
import { startTestEngine, type TestEngine } from './support/engine';

const NOW = new Date('2026-11-20T12:00:00Z');
const mail = (identity: string, id: string, at: string, to: string) => ({
  timestamp: at,
  source: `news@${identity}`,
  sourceArn: `arn:aws:ses:eu-west-1:123456789012:identity/${identity}`,
  messageId: id,
  destination: [to],
});
const send = (identity: string, n: number, at: string) =>
  snsEnvelope(
    { eventType: 'Send', mail: mail(identity, `m-${identity}-${n}`, at, `r${n}@example.org`), send: {} },
    `s-${identity}-${n}`,
  );
const hardBounce = (identity: string, n: number, at: string) =>
  snsEnvelope(
    {
      eventType: 'Bounce',
      mail: mail(identity, `m-${identity}-${n}`, at, `r${n}@example.org`),
      bounce: {
        feedbackId: `fb-${identity}-${n}`,
        bounceType: 'Permanent',
        bounceSubType: 'General',
        timestamp: at,
        bouncedRecipients: [
          {
            emailAddress: `r${n}@example.org`,
            action: 'failed',
            status: '5.1.1',
            diagnosticCode: 'smtp; 550 5.1.1 user unknown',
          },
        ],
      },
    },
    `b-${identity}-${n}`,
  );

/** `messages` sends for an identity within the two hours before NOW, `rate` of them bounced for good. */
function traffic(identity: string, messages: number, rate: number): string[] {
  const bodies: string[] = [];
  for (let n = 0; n < messages; n++) {
    const at = new Date(NOW.getTime() - 7_200_000 + Math.floor((n / messages) * 7_000_000)).toISOString();
    bodies.push(send(identity, n, at));
    if (n < messages * rate)
      bodies.push(hardBounce(identity, n, new Date(Date.parse(at) + 30_000).toISOString()));
  }
  return bodies;
}

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine.close();
});

describe('rate counters in the processor', () => {
  it('writes one counter update per identity-hour per batch, and does not count a redelivered bounce twice', async () => {
    const table = await engine.newTable();
    const updates: string[] = [];
    engine.connection.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateItemCommand') updates.push(context.commandName);
        return next(args);
      },
      { step: 'initialize', name: 'countUpdates' },
    );
    try {
      const counters = new DynamoDbRateCounters(engine.connection.documentClient, table);
      const processor = createProcessor({
        store: new DynamoDbSuppressionStore(engine.connection.documentClient, table),
        classify: (input) => classify(input),
        logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
        counters,
      });
      const at = '2026-11-20T10:10:00.000Z';
      const bodies = [
        ...[0, 1, 2, 3].map((n) => send('a.example', n, at)),
        ...[0, 1, 2].map((n) => send('b.example', n, at)),
        hardBounce('a.example', 0, at),
        hardBounce('b.example', 1, at),
        hardBounce('b.example', 2, at),
      ];
      const batch = toSqsEvent(bodies.map((body, i) => toSqsRecord(body, `m${i}`)));
      await processor.processBatch(batch);
      expect(updates).toHaveLength(2);
      await processor.processBatch(toSqsEvent(batch.Records.slice(7))); // the bounces again
      const counts = await counters.read(new Date('2026-11-20T00:00:00Z'), new Date('2026-11-21T00:00:00Z'));
      expect(counts.map((c) => [c.identity, c.sends, c.permanentBounces]).sort()).toEqual([
        ['a.example', 4, 1],
        ['b.example', 3, 2],
      ]);
    } finally {
      engine.connection.client.middlewareStack.remove('countUpdates');
    }
  });
});

describe('bounce hygiene on generated traffic', () => {
  const work = mkdtempSync(join(tmpdir(), 'bounce-hygiene-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const run = promisify(execFile);
  const bounce = (...args: string[]) =>
    run(
      process.execPath,
      [join(import.meta.dirname, '..', 'bin', 'bounce.js'), ...args, '--data-dir', join(work, 'store')],
      {
        env: { ...process.env, CI: 'true' },
        maxBuffer: 10_000_000,
      },
    );

  it('rates three identities at 1 %, 3 % and 6 % hard bounces over 2,000 messages each as ok, warning and critical', async () => {
    const file = join(work, 'traffic.jsonl');
    writeFileSync(
      file,
      [
        ...traffic('one.example', 2000, 0.01),
        ...traffic('three.example', 2000, 0.03),
        ...traffic('six.example', 2000, 0.06),
      ].join('\n'),
    );
    const replay = JSON.parse((await bounce('replay', file, '--json')).stdout);
    expect(replay.failed).toEqual([]);
    const report = JSON.parse((await bounce('hygiene', '--json', '--now', NOW.toISOString())).stdout);
    expect(report.window).toMatchObject({ name: '24h' });
    expect(
      report.identities.map(
        (r: { identity: string; sent: number; bounces: number; bounceRate: number; level: string }) => [
          r.identity,
          r.sent,
          r.bounces,
          r.bounceRate,
          r.level,
        ],
      ),
    ).toEqual([
      ['one.example', 2000, 20, 0.01, 'ok'],
      ['six.example', 2000, 120, 0.06, 'critical'],
      ['three.example', 2000, 60, 0.03, 'warning'],
    ]);
    expect(report.account).toMatchObject({ sent: 6000, bounces: 200, level: 'warning' });
    expect(report.actions).toEqual([]);
  });
});

describe('runHygiene', () => {
  it('reports every window and reads only the counter partitions of the longest one', async () => {
    const table = await engine.newTable();
    const counters = new DynamoDbRateCounters(engine.connection.documentClient, table);
    await counters.add([
      {
        identity: 'x.example',
        hour: '2026-11-20T11',
        sends: 500,
        deliveries: 0,
        permanentBounces: 5,
        transientBounces: 0,
        complaints: 0,
        senderSide: { blocked: 2 },
      },
      {
        identity: 'x.example',
        hour: '2026-11-15T11',
        sends: 500,
        deliveries: 0,
        permanentBounces: 45,
        transientBounces: 0,
        complaints: 0,
        senderSide: {},
      },
    ]);
    const published: unknown[] = [];
    const report = await runHygiene(NOW, { counters, metrics: { publish: (r) => published.push(r) } });
    expect(
      report.windows.map((w) => [w.window.name, w.account.sent, w.account.bounces, w.account.level]),
    ).toEqual([
      ['24h', 500, 5, 'ok'],
      ['7d', 1000, 50, 'critical'],
    ]);
    expect(report.identities[0]?.senderSide).toEqual({ blocked: 2 });
    expect(published).toEqual([report]);
  });
});
