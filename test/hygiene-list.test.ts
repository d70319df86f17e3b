import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { CreateTableCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBenchTable, tallyRequests } from '../bench/hygiene';
import { EMBEDDED_TABLE } from '../cli/context';
import { startEmbeddedEngine } from '../cli/embedded';
import { toSqsEvent, toSqsRecord } from '../cli/sqs';
import { exportRows } from '../cli/views';
import { type HygieneReport, runHygiene } from '../functions/hygiene/hygiene';
import { createProcessor } from '../functions/processor/processor';
import { createLocalDynamoDbConnection } from '../shared/adapters/dynamodb/client';
import { COUNTER_CURSOR_KEY, DynamoDbRateCounters } from '../shared/adapters/dynamodb/counters';
import { addressKey, TABLE_SCHEMA } from '../shared/adapters/dynamodb/schema';
import { DynamoDbSuppressionStore } from '../shared/adapters/dynamodb/store';
import { createTableInput, ensureTable } from '../shared/adapters/dynamodb/table';
import { classify } from '../shared/core/classify';
import type { HourlyCounts } from '../shared/core/rates';
import type { DueWatchStore } from '../shared/ports';
import { snsEnvelope } from './fixtures/ses-examples';
import { runBounce, runBounceOk } from './support/cli';
import { startTestEngine, type TestEngine } from './support/engine';
import { bounceEvent, deliveryEvent, hoursAfterStart as h } from './support/events';
import { notificationStream, prng, shuffle } from './support/stream';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine.close();
});

async function setup() {
  const table = await engine.newTable();
  const { documentClient } = engine.connection;
  const store = new DynamoDbSuppressionStore(documentClient, table);
  const counters = new DynamoDbRateCounters(documentClient, table);
  const run = (now: string | Date) => runHygiene(new Date(now), { counters, list: { store, counters } });
  const raw = async (address: string) =>
    (
      await documentClient.send(
        new GetCommand({ TableName: table, Key: addressKey(address), ConsistentRead: true }),
      )
    ).Item;
  const indexed = async () =>
    (await store.dueAddresses(new Date('2100-01-01T00:00:00Z'), 10_000)).entries.map((e) => e.address).sort();
  return { table, store, counters, run, raw, indexed };
}

const mailboxFull = (address: string, hours: readonly number[]) =>
  hours.map((t) => bounceEvent(`${address}:${t}`, h(t), 'mailboxfull'));

describe('list hygiene: due soft-bounce watchers', () => {
  it('does nothing before the due time, promotes after it (status, audit entry, out of the index), once', async () => {
    const { store, run, raw, indexed } = await setup();
    const address = 'full@example.com';
    await store.applyEvents(address, mailboxFull(address, [0, 1, 2]));
    expect(await indexed()).toEqual([address]);

    const early = await run(h(71));
    expect(early.listHygiene).toMatchObject({ dueRead: 0, promoted: 0, remaining: 0 });
    expect(early.actions).toEqual([]);
    expect((await store.get(address))?.state.status).toBe('watch');

    const late = await run(h(75));
    expect(late.listHygiene).toMatchObject({
      dueRead: 1,
      promoted: 1,
      promotedTo: { suppressed: 1, 'suppressed-until': 0 },
      remaining: 0,
    });
    expect(late.actions).toContain(
      'promoted 1 soft-bounce watcher to suppressed (watch window passed with no delivery)',
    );
    expect((await store.get(address))?.state).toEqual({
      status: 'suppressed',
      reason: 'mailboxfull',
      since: h(72),
      source: 'bounce',
    });
    const [entry] = await store.auditTrail(address, 1);
    expect(entry).toMatchObject({
      event: { type: 'watch-elapsed', rule: 'hygiene.watch-elapsed', at: h(72), outcome: 'suppressed' },
      before: { status: 'watch', softBounces: 3 },
      after: { status: 'suppressed' },
    });
    expect(await raw(address)).not.toHaveProperty('dueAt');
    expect(await indexed()).toEqual([]);

    const again = await run(h(76));
    expect(again.listHygiene).toMatchObject({ dueRead: 0, promoted: 0 });
  });

  it('settles every other due watcher, publishes the rates, then fails the run when one cannot be settled', async () => {
    const { store, counters } = await setup();
    for (const address of ['ok@example.com', 'stuck@example.com'])
      await store.applyEvents(address, mailboxFull(address, [0, 1, 2]));
    // A fault at the port: settling one address fails (as a throttled or denied write would).
    const faulty: DueWatchStore = {
      dueAddresses: (now, limit) => store.dueAddresses(now, limit),
      settleDue: (address, now) =>
        address === 'stuck@example.com'
          ? Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
          : store.settleDue(address, now),
    };
    const published: unknown[] = [];
    const failure = await runHygiene(new Date(h(75)), {
      counters,
      metrics: { publish: (report) => published.push(report) },
      list: { store: faulty, counters },
    }).catch((error: unknown) => error as Error & { report?: HygieneReport });
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe(
      'list hygiene could not settle 1 due watcher: ThrottlingException: Rate exceeded',
    );
    expect(published).toHaveLength(1); // the heartbeat and rates still went out
    expect((failure as { report?: HygieneReport }).report?.listHygiene).toMatchObject({
      promoted: 1,
      failed: 1,
    });
    expect((await store.get('ok@example.com'))?.state.status).toBe('suppressed');
    expect((await store.dueAddresses(new Date(h(75)), 10)).entries.map((e) => e.address)).toEqual([
      'stuck@example.com',
    ]);
  });

  it('is cancelled by a delivery before the due time: nothing left to promote', async () => {
    const { store, run, indexed } = await setup();
    const address = 'recovered@example.com';
    await store.applyEvents(address, mailboxFull(address, [0, 1, 2]));
    await store.applyEvents(address, [deliveryEvent('d1', h(30))]);
    expect(await indexed()).toEqual([]);
    const report = await run(h(100));
    expect(report.listHygiene).toMatchObject({ dueRead: 0, promoted: 0 });
    expect((await store.get(address))?.state).toEqual({ status: 'clear' });
  });

  it('escalates the default group to suppressed-until, counted from the due time', async () => {
    const { store, run } = await setup();
    const address = 'flaky@example.com';
    await store.applyEvents(address, [
      bounceEvent('t0', h(0), 'systemerror'),
      bounceEvent('t1', h(24), 'systemerror'),
    ]);
    const report = await run(h(170));
    expect(report.listHygiene?.promotedTo).toEqual({ suppressed: 0, 'suppressed-until': 1 });
    expect((await store.get(address))?.state).toEqual({
      status: 'suppressed-until',
      reason: 'systemerror',
      since: h(168),
      until: h(168 + 30 * 24),
      source: 'bounce',
    });
  });

  it('settles at most maxDue per run and reports how many remain', async () => {
    const { store, counters } = await setup();
    for (let i = 0; i < 7; i++) {
      const address = `due${i}@example.com`;
      await store.applyEvents(address, mailboxFull(address, [i, i + 1, i + 2]));
    }
    const run = () => runHygiene(new Date(h(200)), { counters, list: { store, maxDue: 3 } });
    const first = await run();
    expect(first.listHygiene).toMatchObject({ dueRead: 3, promoted: 3, remaining: 4 });
    expect(first.actions).toContain('4 due watchers left for the next run (at most 3 per run)');
    expect((await run()).listHygiene).toMatchObject({ promoted: 3, remaining: 1 });
    expect((await run()).listHygiene).toMatchObject({ promoted: 1, remaining: 0 });
  });

  it('reads O(due items): 2,000 addresses of which 20 due cost the same reads as 20 due alone', async () => {
    const now = new Date('2026-11-20T12:00:00Z');
    const measure = async (total: number) => {
      const table = await engine.newTable();
      const { client, documentClient } = engine.connection;
      await loadBenchTable(documentClient, table, { total, due: 20, now });
      const store = new DynamoDbSuppressionStore(documentClient, table);
      const counters = new DynamoDbRateCounters(documentClient, table);
      await counters.deleteStaleDays(now); // the cleanup's first look-back, apart from the measured run
      const { tally, stop } = tallyRequests(client, `tally${total}`);
      try {
        const report = await runHygiene(now, { counters, list: { store, counters } });
        return { report, tally };
      } finally {
        stop();
      }
    };
    const big = await measure(2000);
    const small = await measure(40);
    expect(big.report.listHygiene).toMatchObject({ dueRead: 20, promoted: 20, remaining: 0 });
    // The due index returned exactly the due entries; each was re-read once and written twice.
    expect(big.tally.dueIndexItems).toBe(20);
    expect(big.tally.stateItemsRead).toBe(20);
    expect(big.tally.commands.Scan).toBeUndefined();
    expect(big.tally.commands.PutItem).toBe(40);
    // Everything else is constant: 8 due-index shard Queries, 8 counter-day Queries (rates), the cursor.
    expect(big.tally.requests).toBeLessThanOrEqual(20 * 3 + 8 + 8 + 1);
    expect(big.tally.itemsRead).toBeLessThanOrEqual(20 * 2 + 1);
    // The table's size does not show: 2,000 addresses read exactly what 40 do.
    expect(big.tally).toEqual(small.tally);
  });
});

describe('list hygiene: determinism', () => {
  it('exports byte-identically: a stream replayed in order with hourly-style runs between batches, and shuffled with none', async () => {
    const NOW = new Date('2026-11-15T00:00:00Z');
    // Soft-bounce heavy: mailbox-full and transient bounces often come due within the 30 days.
    const stream = notificationStream(500, 40, 3);
    const replay = async (bodies: readonly string[], runAt: (batch: number) => Date | undefined) => {
      const table = await engine.newTable();
      const { documentClient } = engine.connection;
      const store = new DynamoDbSuppressionStore(documentClient, table);
      const counters = new DynamoDbRateCounters(documentClient, table);
      const processor = createProcessor({
        store,
        classify: (input) => classify(input),
        logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      });
      let promoted = 0;
      for (let i = 0; i < bodies.length; i += 10) {
        const batch = bodies.slice(i, i + 10).map((body, j) => toSqsRecord(body, `m${i + j}`));
        const { response } = await processor.processBatch(toSqsEvent(batch));
        expect(response.batchItemFailures).toEqual([]);
        const at = runAt(i / 10);
        if (at) {
          const report = await runHygiene(at, { counters, list: { store } });
          promoted += report.listHygiene?.promoted ?? 0;
        }
      }
      const rows = (await exportRows(store, NOW)).map((row) => JSON.stringify(row)).join('\n');
      return { rows, promoted };
    };
    const times = (bodies: readonly string[]) =>
      bodies.map(
        (body) =>
          (JSON.parse((JSON.parse(body) as { Message: string }).Message) as { mail: { timestamp: string } })
            .mail.timestamp,
      );
    // In time order, a run after every batch at the newest time seen so far (as an hourly job would).
    const ordered = [...stream].sort((a, b) => {
      const [x, y] = [times([a])[0] as string, times([b])[0] as string];
      return x < y ? -1 : x > y ? 1 : 0;
    });
    const orderedTimes = times(ordered);
    const inOrder = await replay(ordered, (batch) => {
      const newest = orderedTimes[Math.min(orderedTimes.length - 1, batch * 10 + 9)] as string;
      return new Date(Math.min(Date.parse(newest), NOW.getTime()));
    });
    const random = prng(11);
    const shuffledNoRuns = await replay(shuffle([...stream, ...stream], random), () => undefined);
    const shuffledRandomRuns = await replay(shuffle(stream, random), () =>
      random() < 0.3
        ? new Date(Date.UTC(2026, 9, 1) + random() * (NOW.getTime() - Date.UTC(2026, 9, 1)))
        : undefined,
    );
    expect(inOrder.promoted).toBeGreaterThan(0);
    expect(shuffledNoRuns.rows).toBe(inOrder.rows);
    expect(shuffledRandomRuns.rows).toBe(inOrder.rows);
  });
});

describe('list hygiene: stale rate counters', () => {
  const NOW = new Date('2026-11-20T12:00:00Z');
  const bucket = (hour: string, identity = 'x.example'): HourlyCounts => ({
    identity,
    hour,
    sends: 10,
    deliveries: 0,
    permanentBounces: 1,
    transientBounces: 0,
    complaints: 0,
    senderSide: {},
  });
  const day = (daysBefore: number) =>
    new Date(NOW.getTime() - daysBefore * 86_400_000).toISOString().slice(0, 10);

  it('deletes counter days past retention from a cursor, keeps the current ones, and does not look again', async () => {
    const { table, counters, run } = await setup();
    // 35 days are kept: day(35) is the first kept day; day(36) and older are stale.
    await counters.add([
      bucket(`${day(50)}T03`),
      bucket(`${day(40)}T05`),
      bucket(`${day(40)}T06`, 'y.example'),
      bucket(`${day(36)}T23`),
      bucket(`${day(35)}T00`),
      bucket(`${day(1)}T10`),
    ]);
    const report = await run(NOW);
    expect(report.listHygiene?.counters).toMatchObject({
      daysDeleted: 3,
      itemsDeleted: 4,
      cleanedThrough: day(36),
      more: false,
    });
    expect(report.actions).toContain(
      `deleted stale rate counters of 3 days (${day(50)} … ${day(36)}, 4 items)`,
    );
    const left = async (d: string) =>
      (
        await engine.connection.documentClient.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `RATE#${d}` },
          }),
        )
      ).Count;
    expect(await left(day(50))).toBe(0);
    expect(await left(day(40))).toBe(0);
    expect(await left(day(36))).toBe(0);
    expect(await left(day(35))).toBe(1);
    expect(await left(day(1))).toBe(1);
    const cursor = await engine.connection.documentClient.send(
      new GetCommand({ TableName: table, Key: COUNTER_CURSOR_KEY }),
    );
    expect(cursor.Item).toMatchObject({ cleanedThrough: day(36) });
    // The next run, an hour later, looks at no day partition at all.
    const next = await run(new Date(NOW.getTime() + 3_600_000));
    expect(next.listHygiene?.counters).toMatchObject({ daysVisited: 0, daysDeleted: 0 });
    // A day later, exactly one: the day that has just gone stale (day(35), with its item).
    const tomorrow = await run(new Date(NOW.getTime() + 86_400_000));
    expect(tomorrow.listHygiene?.counters).toMatchObject({ daysVisited: 1, daysDeleted: 1, itemsDeleted: 1 });
  });

  it('is bounded per run and carries on from where it stopped', async () => {
    const { counters, store } = await setup();
    await counters.add([bucket(`${day(60)}T01`), bucket(`${day(45)}T01`), bucket(`${day(37)}T01`)]);
    const run = () => runHygiene(NOW, { counters, list: { store, counters, maxCounterDays: 10 } });
    const first = await run();
    expect(first.listHygiene?.counters).toMatchObject({ daysVisited: 10, daysDeleted: 1, more: true });
    expect(first.actions).toContain('more stale counter days left for the next run');
    // No cursor yet: the first run starts 30 days before the first kept day (day(65)), 10 days a run.
    const second = await run();
    expect(second.listHygiene?.counters).toMatchObject({ daysVisited: 10, daysDeleted: 0, more: true });
    const third = await run();
    expect(third.listHygiene?.counters).toMatchObject({
      daysVisited: 10,
      daysDeleted: 2,
      cleanedThrough: day(36),
      more: false,
    });
    expect((await run()).listHygiene?.counters).toMatchObject({ daysVisited: 0 });
  });
});

describe('list hygiene: tables without the due index', () => {
  it('reports list hygiene skipped with what to do, and still reports rates', async () => {
    const table = `old-${Date.now()}`;
    const { client, documentClient } = engine.connection;
    const { GlobalSecondaryIndexes: _, ...old } = createTableInput(table);
    await client.send(
      new CreateTableCommand({
        ...old,
        AttributeDefinitions: old.AttributeDefinitions?.filter(
          (a) => a.AttributeName === 'pk' || a.AttributeName === 'sk',
        ),
      }),
    );
    // Waiting is bounded well inside the test's timeout: on a loaded machine DynamoDB Local may
    // still be backfilling the index when the wait ends ('creating'), which is as good as added here.
    const ensured = await ensureTable(client, table, { enableTtl: false, indexWaitSeconds: 15 });
    // dynalite cannot add an index to an existing table; DynamoDB Local and DynamoDB can.
    if (engine.name === 'dynalite') expect(ensured.dueIndex).toBe('missing');
    else expect(['added', 'creating']).toContain(ensured.dueIndex);
    if (ensured.dueIndex !== 'missing') return;
    const store = new DynamoDbSuppressionStore(documentClient, table);
    const counters = new DynamoDbRateCounters(documentClient, table);
    const report = await runHygiene(new Date(h(100)), { counters, list: { store, counters } });
    expect(report.listHygiene?.skipped).toContain(`has no "${TABLE_SCHEMA.dueIndex.name}" index`);
    expect(report.actions[0]).toMatch(/^list hygiene skipped: .*bounce init/);
    expect(report.window).toMatchObject({ name: '24h' });
  });
});

describe('bounce hygiene (CLI)', () => {
  const work = mkdtempSync(join(tmpdir(), 'bounce-hygiene-list-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const bounceIn = (dataDir: string, ...args: string[]) => runBounceOk([...args, '--data-dir', dataDir]);
  const bounce = (...args: string[]) => bounceIn(join(work, 'store'), ...args);
  const mailboxFull = (n: number, at: string) =>
    snsEnvelope(
      {
        notificationType: 'Bounce',
        mail: {
          timestamp: at,
          source: 'news@mail.example.com',
          sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/mail.example.com',
          messageId: `m${n}`,
          destination: ['full@example.org'],
        },
        bounce: {
          feedbackId: `fb-${n}`,
          bounceType: 'Transient',
          bounceSubType: 'MailboxFull',
          timestamp: at,
          bouncedRecipients: [
            {
              emailAddress: 'full@example.org',
              action: 'failed',
              status: '4.2.2',
              diagnosticCode: 'smtp; 452 4.2.2 Mailbox full',
            },
          ],
        },
      },
      `sns-${n}`,
    );

  it('promotes a due watcher, says so in actions and listHygiene, and export agrees before and after', async () => {
    const file = join(work, 'full.jsonl');
    writeFileSync(
      file,
      ['2026-11-01T10:00:00.000Z', '2026-11-01T10:30:00.000Z', '2026-11-01T11:00:00.000Z']
        .map((at, n) => mailboxFull(n, at))
        .join('\n'),
    );
    expect(JSON.parse((await bounce('replay', file, '--json')).stdout).failed).toEqual([]);
    const now = '2026-11-05T12:00:00.000Z';
    const before = (await bounce('export', '--now', now)).stdout;
    expect(JSON.parse(before)).toMatchObject({ status: 'suppressed', since: '2026-11-04T10:00:00.000Z' });
    const report = JSON.parse((await bounce('hygiene', '--json', '--now', now)).stdout);
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['window', 'account', 'identities', 'actions']),
    );
    expect(report.actions).toContain(
      'promoted 1 soft-bounce watcher to suppressed (watch window passed with no delivery)',
    );
    expect(report.listHygiene).toMatchObject({ dueRead: 1, promoted: 1, remaining: 0 });
    expect((await bounce('export', '--now', now)).stdout).toBe(before);
    const lookup = (await bounce('lookup', 'full@example.org', '--now', now)).stdout;
    expect(lookup).toContain('hygiene: mailboxfull soft-bounce watch elapsed with no delivery → suppressed');
  });

  it('on an embedded store made before the due index: init says what to do (exit 1), hygiene still reports rates', async () => {
    const dataDir = join(work, 'old');
    const engineOnDisk = await startEmbeddedEngine(dataDir);
    const connection = createLocalDynamoDbConnection(engineOnDisk.endpoint);
    const { GlobalSecondaryIndexes: _, ...old } = createTableInput(EMBEDDED_TABLE);
    await connection.client.send(
      new CreateTableCommand({
        ...old,
        AttributeDefinitions: old.AttributeDefinitions?.filter(
          (a) => a.AttributeName === 'pk' || a.AttributeName === 'sk',
        ),
      }),
    );
    // dynalite marks a new table ACTIVE just after CreateTable returns: wait for it before closing.
    await waitUntilTableExists(
      { client: connection.client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { TableName: EMBEDDED_TABLE },
    );
    connection.client.destroy();
    await engineOnDisk.close();
    const init = await runBounce(['init', '--data-dir', dataDir]);
    expect(init.code).toBe(1);
    expect(init.stderr).toContain('has no "due" index');
    expect(init.stderr).toContain('move its data directory aside');
    const report = JSON.parse(
      (await bounceIn(dataDir, 'hygiene', '--json', '--now', '2026-11-05T12:00:00Z')).stdout,
    );
    expect(report.actions[0]).toMatch(/^list hygiene skipped: /);
    expect(report.window).toMatchObject({ name: '24h' });
  });
});
