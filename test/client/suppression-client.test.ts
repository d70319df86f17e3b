import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import { type CheckResult, SuppressionClient, UnprocessedKeysError } from '../../shared/client/index';
import type { ManualEvent } from '../../shared/core/events';
import { runBounceOk } from '../support/cli';
import { startTestEngine, type TestEngine } from '../support/engine';
import { bounceEvent } from '../support/events';

let engine: TestEngine;
let tableName: string;
const NOW = new Date('2026-06-01T00:00:00.000Z');

const manual = (id: string, at: string, until?: string): ManualEvent => ({
  type: 'manual',
  id,
  at,
  action: 'suppress',
  source: 'manual',
  reason: 'test',
  ...(until !== undefined ? { until } : {}),
});

/** A client on the test engine whose BatchGetItem calls are counted by an SDK middleware. */
function countingClient() {
  const client = new DynamoDBClient({
    endpoint: engine.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const calls: number[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'BatchGetItemCommand') {
        const input = args.input as { RequestItems: Record<string, { Keys: unknown[] }> };
        calls.push(Object.values(input.RequestItems)[0]?.Keys.length ?? 0);
      }
      return next(args);
    },
    { step: 'initialize', name: 'countBatchGets' },
  );
  return { client, calls };
}

beforeAll(async () => {
  engine = await startTestEngine();
  tableName = await engine.newTable();
  const store = new DynamoDbSuppressionStore(engine.connection.documentClient, tableName);
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < 1000; i++) {
    const address = `user${i}@example.com`;
    if (i % 10 === 0)
      writes.push(
        store.applyEvents(address, [bounceEvent(`b${i}`, '2026-01-01T00:00:00.000Z', 'userunknown')]),
      );
    else if (i % 10 === 1)
      // temporary, ended before NOW
      writes.push(
        store.applyEvents(address, [manual(`m${i}`, '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z')]),
      );
    else if (i % 10 === 2)
      // temporary, still running at NOW
      writes.push(
        store.applyEvents(address, [manual(`m${i}`, '2026-01-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z')]),
      );
    else if (i % 10 === 3)
      writes.push(
        store.applyEvents(address, [bounceEvent(`s${i}`, '2026-01-01T00:00:00.000Z', 'mailboxfull')]),
      );
    if (writes.length >= 20) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
});
afterAll(async () => engine.close());

describe('SuppressionClient.check', () => {
  it('answers 1,000 recipients (duplicates, invalid ones, expired temporary suppressions) in ≤ 10 BatchGetItem calls', async () => {
    const { client, calls } = countingClient();
    const suppression = new SuppressionClient({ client, tableName, now: () => NOW });
    const inputs: string[] = [];
    for (let i = 0; i < 960; i++)
      inputs.push(i % 7 === 0 ? `  USER${i}@Example.COM ` : `user${i}@example.com`);
    // 30 duplicates of earlier entries (in other spellings) and 10 invalid recipients: 1,000 in all.
    for (let i = 0; i < 30; i++) inputs.push(`Someone <user${i * 3}@EXAMPLE.com>`);
    for (let i = 0; i < 10; i++) inputs.push(i % 2 === 0 ? `not-an-address-${i}` : `x${i}@`);
    const results = await suppression.check(inputs);
    client.destroy();

    expect(results).toHaveLength(1000);
    expect(calls.length).toBeLessThanOrEqual(10);
    expect(calls.every((keys) => keys <= 100)).toBe(true);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(960); // duplicates collapsed, invalid ones never asked for

    const expected = (n: number): Partial<CheckResult> => {
      switch (n % 10) {
        case 0:
          return { allowed: false, status: 'suppressed', reason: 'userunknown', source: 'bounce' };
        case 1:
          return { allowed: true, status: 'clear' };
        case 2:
          return {
            allowed: false,
            status: 'suppressed-until',
            until: '2026-12-01T00:00:00.000Z',
            source: 'manual',
          };
        case 3:
          return { allowed: true, status: 'watch', reason: 'mailboxfull' };
        default:
          return { allowed: true, status: 'clear' };
      }
    };
    results.forEach((result, index) => {
      expect(result.input).toBe(inputs[index]);
      if (index < 960) {
        expect(result).toMatchObject({ address: `user${index}@example.com`, ...expected(index) });
      } else if (index < 990) {
        const n = (index - 960) * 3;
        expect(result).toMatchObject({ address: `user${n}@example.com`, ...expected(n) });
      } else {
        expect(result).toMatchObject({
          allowed: false,
          status: 'invalid',
          error: expect.stringMatching(/invalid address/),
        });
        expect(result).not.toHaveProperty('address');
      }
    });
    // An address the table has never seen is clear, and the expired one carries no stale reason.
    expect(results[5]).toEqual({
      address: 'user5@example.com',
      input: 'user5@example.com',
      allowed: true,
      status: 'clear',
    });
    expect(results[1]).toEqual({
      address: 'user1@example.com',
      input: 'user1@example.com',
      allowed: true,
      status: 'clear',
    });
  });

  it('uses the clock it is given: the same temporary suppression is in force before its end', async () => {
    const before = new SuppressionClient({
      client: engine.connection.documentClient,
      tableName,
      now: () => new Date('2026-01-15T00:00:00.000Z'),
    });
    expect(await before.checkOne('user1@example.com')).toMatchObject({
      allowed: false,
      status: 'suppressed-until',
    });
  });

  it('returns [] for no recipients without calling DynamoDB', async () => {
    const { client, calls } = countingClient();
    expect(await new SuppressionClient({ client, tableName }).check([])).toEqual([]);
    expect(calls).toEqual([]);
    client.destroy();
  });

  it('retries keys DynamoDB returns unprocessed, and gets every answer right', async () => {
    const documentClient = DynamoDBDocumentClient.from(engine.connection.client);
    const send = documentClient.send.bind(documentClient) as (command: unknown) => Promise<unknown>;
    let batchGets = 0;
    // First BatchGetItem: only the first 10 keys are read, the rest come back as UnprocessedKeys.
    (documentClient as unknown as { send: (command: unknown) => Promise<unknown> }).send = async (
      command,
    ) => {
      if (!(command instanceof BatchGetCommand)) return send(command);
      batchGets++;
      if (batchGets > 1) return send(command);
      const request = command.input.RequestItems?.[tableName];
      const keys = request?.Keys ?? [];
      const output = (await send(
        new BatchGetCommand({ RequestItems: { [tableName]: { ...request, Keys: keys.slice(0, 10) } } }),
      )) as { Responses?: Record<string, unknown[]> };
      return { ...output, UnprocessedKeys: { [tableName]: { ...request, Keys: keys.slice(10) } } };
    };
    const suppression = new SuppressionClient({
      client: documentClient,
      tableName,
      now: () => NOW,
      retry: { baseDelayMs: 1 },
    });
    const inputs = Array.from({ length: 50 }, (_, i) => `user${i}@example.com`);
    const results = await suppression.check(inputs);
    expect(batchGets).toBe(2);
    expect(results.filter((r) => r.status === 'suppressed').map((r) => r.input)).toEqual(
      inputs.filter((_, i) => i % 10 === 0),
    );
  });

  it('gives up after the bounded attempts and says how many keys stayed unprocessed', async () => {
    const documentClient = DynamoDBDocumentClient.from(engine.connection.client);
    let batchGets = 0;
    (documentClient as unknown as { send: (command: unknown) => Promise<unknown> }).send = async (
      command,
    ) => {
      batchGets++;
      const request = (command as BatchGetCommand).input.RequestItems?.[tableName];
      return {
        Responses: { [tableName]: [] },
        UnprocessedKeys: { [tableName]: { ...request, Keys: request?.Keys?.slice(0, 3) } },
      };
    };
    const suppression = new SuppressionClient({
      client: documentClient,
      tableName,
      retry: { maxAttempts: 4, baseDelayMs: 1 },
    });
    const error = await suppression
      .check(['a@example.com', 'b@example.com', 'c@example.com'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessedKeysError);
    expect((error as Error).message).toMatch(
      /^3 key\(s\) still unprocessed by BatchGetItem after 4 attempts/,
    );
    expect(batchGets).toBe(4);
  });

  it('validates its options', () => {
    expect(() => new SuppressionClient({ client: {} as DynamoDBClient, tableName })).toThrow(
      /options\.client/,
    );
    expect(() => new SuppressionClient({ client: engine.connection.client, tableName: '' })).toThrow(
      /options\.tableName/,
    );
  });
});

describe('SuppressionClient against the embedded store (docs/pipelines.md)', () => {
  it("checks addresses in the demo's store served by dynalite's own server, table bounce-suppressions", async () => {
    const work = mkdtempSync(join(tmpdir(), 'bounce-client-embedded-'));
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    let server: ChildProcess | undefined;
    try {
      await runBounceOk(['demo', '--data-dir', join(work, '.bounce-data')], { cwd: work });
      // `npx dynalite --port 4567 --path .bounce-data/demo`, as the docs show it (on a free port here).
      const bin = join(import.meta.dirname, '..', '..', 'node_modules', 'dynalite', 'cli.js');
      server = spawn(process.execPath, [bin, '--port', String(port), '--path', '.bounce-data/demo'], {
        cwd: work,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        server?.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('listening')) resolve();
        });
        server?.once('exit', (code) => reject(new Error(`dynalite exited ${code}`)));
      });
      const client = new DynamoDBClient({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'local',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const demo = new SuppressionClient({ client, tableName: 'bounce-suppressions' });
      const [gone, unknown] = await demo.check(['old.customer@gmail.example', 'never.seen@example.com']);
      client.destroy();
      expect(gone).toMatchObject({ allowed: false, status: 'suppressed', reason: 'userunknown' });
      expect(unknown).toMatchObject({ allowed: true, status: 'clear' });
    } finally {
      server?.kill();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
