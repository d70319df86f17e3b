import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRows } from '../../cli/views';
import { createDynamoDbConnection, type DynamoDbConnection } from '../../shared/adapters/dynamodb/client';
import { STATE_SK } from '../../shared/adapters/dynamodb/schema';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import { notificationStream } from '../support/stream';
import { type DeliveryResult, deliverUntilDone } from './deliver';
import { type LoadEngine, startLoadEngine } from './engine-process';
import { FAULT_KINDS } from './proxy';

/**
 * Fault injection: the processor against a DynamoDB engine behind a proxy that fails a seeded share
 * of the calls (5xx, throttling, dropped connections, slow and late answers, and errors AFTER the
 * engine applied the call). Every record reported in batchItemFailures is redelivered, as SQS
 * would, until none is left; the table must then equal a fault-free run's: nothing lost, nothing
 * applied twice. The fault-free run goes in a child process at the same time (second core).
 *
 * Knobs: FAULT_NOTIFICATIONS (default 5000), FAULT_RATE (0.2), FAULT_SEED (1), FAULT_LANES
 * (batches in flight, 12), FAULT_COUNTERS=1 (also write the hourly rate counters and print how
 * far they drift; not asserted). `bench/fault-runs.sh` runs it 5 times with 5 seeds.
 */
const NOTIFICATIONS = Number(process.env.FAULT_NOTIFICATIONS ?? 5000);
const RATE = Number(process.env.FAULT_RATE ?? 0.2);
const SEED = Number(process.env.FAULT_SEED ?? 1);
const LANES = Number(process.env.FAULT_LANES ?? 12);
const WITH_COUNTERS = process.env.FAULT_COUNTERS === '1';
/** Distinct addresses: user0..N-1 at 3 domains. Few enough that addresses collect several events and batches race on them. */
const ADDRESS_COUNT = Math.max(20, Math.round(NOTIFICATIONS / 10));
const MAX_ROUNDS = 25;
/** Per-attempt timeout of the client behind the proxy: short, so dropped and stalled calls retry fast. */
const REQUEST_TIMEOUT_MS = 500;
const NOW = new Date('2026-11-15T00:00:00Z');
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

let engine: LoadEngine;
let faulty: DynamoDbConnection;
beforeAll(async () => {
  engine = await startLoadEngine({ rate: RATE, seed: SEED, slowMs: 80, stallMs: REQUEST_TIMEOUT_MS + 200 });
  faulty = createDynamoDbConnection({
    endpoint: engine.proxyEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: {
      requestTimeout: REQUEST_TIMEOUT_MS,
      connectionTimeout: REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
  });
});
afterAll(async () => {
  faulty?.client.destroy();
  await engine?.close();
});

/** The fault-free run, straight to the engine, in a child process. */
async function cleanRunInChild(tableName: string): Promise<DeliveryResult> {
  const args = {
    endpoint: engine.endpoint,
    tableName,
    notifications: NOTIFICATIONS,
    addressCount: ADDRESS_COUNT,
    seed: SEED,
    lanes: 4,
    counters: WITH_COUNTERS,
  };
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'test/fault/clean-run.ts', JSON.stringify(args)],
    {
      cwd: REPO_ROOT,
      maxBuffer: 1 << 20,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('DONE '));
  if (!line) throw new Error(`clean run printed no result: ${stdout.slice(-500)}`);
  return JSON.parse(line.slice(5)) as DeliveryResult;
}

/** Everything in the table except what legitimately depends on arrival order (versions, audit before/after). */
async function snapshot(connection: DynamoDbConnection, tableName: string) {
  const states: Record<string, unknown> = {};
  const audits: string[] = [];
  const counters: Record<string, number> = {};
  for await (const page of paginateScan({ client: connection.documentClient }, { TableName: tableName })) {
    for (const item of page.Items ?? []) {
      const { pk, sk } = item as { pk: string; sk: string };
      if (sk === STATE_SK) {
        const { version: _version, ...rest } = item;
        states[pk] = rest;
      } else if (pk.startsWith('RATE#')) {
        for (const [key, value] of Object.entries(item)) {
          if (typeof value === 'number' && key !== 'expiresAt') counters[key] = (counters[key] ?? 0) + value;
        }
      } else audits.push(`${pk}|${sk}`);
    }
  }
  const store = new DynamoDbSuppressionStore(connection.documentClient, tableName);
  return {
    exported: (await exportRows(store, NOW)).map((row) => JSON.stringify(row)).join('\n'),
    states,
    audits: audits.sort(),
    counters,
  };
}

describe(`fault injection: ${NOTIFICATIONS} notifications, ${RATE * 100} % of DynamoDB calls failing`, () => {
  it('ends in the same table as a fault-free run once every failed record is redelivered', async () => {
    const bodies = notificationStream(NOTIFICATIONS, ADDRESS_COUNT, SEED);
    const [cleanTable, faultyTable] = [await engine.newTable(), await engine.newTable()];

    const [clean, run] = await Promise.all([
      cleanRunInChild(cleanTable),
      deliverUntilDone(faulty, faultyTable, bodies, {
        lanes: LANES,
        maxRounds: MAX_ROUNDS,
        seed: SEED,
        counters: WITH_COUNTERS,
      }),
    ]);
    expect(clean.failedRecordsPerRound).toEqual([0]);
    const expected = await snapshot(engine.connection, cleanTable);
    const actual = await snapshot(engine.connection, faultyTable);

    const proxy = await engine.stats();
    const calls = Object.values(proxy.counts).reduce((a, b) => a + b, 0);
    const summary = {
      engine: engine.name,
      notifications: NOTIFICATIONS,
      addresses: Object.keys(expected.states).length,
      auditItems: expected.audits.length,
      seed: SEED,
      lanes: LANES,
      calls,
      faults: calls - proxy.counts.pass,
      faultShare: Number(((calls - proxy.counts.pass) / calls).toFixed(3)),
      byKind: proxy.counts,
      operations: proxy.operations,
      cleanSeconds: clean.seconds,
      faultySeconds: run.seconds,
      rounds: run.rounds,
      failedRecordsPerRound: run.failedRecordsPerRound,
      recordErrors: run.errors,
      ...(WITH_COUNTERS
        ? {
            counterDrift: Object.fromEntries(
              Object.keys({ ...expected.counters, ...actual.counters }).map((k) => [
                k,
                (actual.counters[k] ?? 0) - (expected.counters[k] ?? 0),
              ]),
            ),
          }
        : {}),
    };
    console.log(`FAULT-SUMMARY ${JSON.stringify(summary)}`);

    // The proxy really did inject every kind of fault, at about the configured share.
    for (const kind of FAULT_KINDS) expect(proxy.counts[kind], kind).toBeGreaterThan(0);
    expect(summary.faultShare).toBeGreaterThan(RATE * 0.8);
    // Everything eventually landed...
    expect(run.failedRecordsPerRound.at(-1)).toBe(0);
    // ...exactly once: same export, same events per address, same audit trail keys.
    expect(Object.keys(actual.states).length).toBe(Object.keys(expected.states).length);
    expect(actual.exported).toBe(expected.exported);
    expect(actual.states).toEqual(expected.states);
    expect(actual.audits.length).toBe(expected.audits.length);
    expect(actual.audits).toEqual(expected.audits);
    // The run was rich enough to mean something.
    for (const status of ['suppressed', 'suppressed-until', 'watch', 'clear']) {
      expect(expected.exported).toContain(`"status":"${status}"`);
    }
  }, 600_000);
});
