/**
 * List hygiene reads O(due items), not O(table): a table of N addresses (BENCH_HYGIENE_ADDRESSES,
 * 100,000) of which D are due (BENCH_HYGIENE_DUE, 100) is loaded into dynalite in this process
 * (prepared state items, exactly as the store writes them, BatchWriteItem 25 at a time), then one
 * hygiene run (rates, due watchers, stale counters) is counted by SDK middleware: every command,
 * and every item it reads (Query items or counted entries, GetItem items). Run alone:
 *
 *   npx tsx bench/hygiene.ts
 *   BENCH_HYGIENE_ADDRESSES=10000 BENCH_HYGIENE_DUE=100 npx tsx bench/hygiene.ts
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startEmbeddedEngine } from '../cli/embedded';
import { runHygiene } from '../functions/hygiene/hygiene';
import { createLocalDynamoDbConnection } from '../shared/adapters/dynamodb/client';
import { DynamoDbRateCounters } from '../shared/adapters/dynamodb/counters';
import { TABLE_SCHEMA } from '../shared/adapters/dynamodb/schema';
import { DynamoDbSuppressionStore, stateItem } from '../shared/adapters/dynamodb/store';
import { ensureTable } from '../shared/adapters/dynamodb/table';
import type { Classification } from '../shared/core/classify/types';
import type { AddressEvent } from '../shared/core/events';
import { mergeEvents, stateOf } from '../shared/core/state';

const HOUR_MS = 3_600_000;
const BATCH = 25;
const LOAD_CONCURRENCY = 16;

const CLASSIFICATIONS = {
  userunknown: { reason: 'userunknown', hard: true, party: 'recipient', decision: 'suppress', rule: 'bench' },
  mailboxfull: {
    reason: 'mailboxfull',
    hard: false,
    party: 'recipient',
    decision: 'count-soft',
    rule: 'bench',
  },
  suspend: {
    reason: 'suspend',
    hard: false,
    party: 'recipient',
    decision: 'suppress-temporarily',
    rule: 'bench',
  },
} as const satisfies Record<string, Classification>;

const iso = (ms: number) => new Date(ms).toISOString();

function bounce(address: string, n: number, at: number, kind: keyof typeof CLASSIFICATIONS): AddressEvent {
  return {
    type: 'bounce',
    id: `bench-${n}:${address}`,
    at: iso(at),
    identity: 'bench.example',
    classification: CLASSIFICATIONS[kind],
    bounceType: kind === 'userunknown' ? 'Permanent' : 'Transient',
    bounceSubType: 'General',
  };
}

/**
 * The events of address `i` of `total`, `due` of them due by `now`: three mailbox-full bounces in
 * one hour ending 73–120 h before now (due 72 h after the first). The rest, by `i`: as many again
 * due-able but not due yet (the same streak ending 1–48 h ago), then hard bounces (suppressed),
 * one mailbox-full bounce (watch below the count), a soft bounce then a delivery (clear), and a
 * disabled mailbox (suppressed-until).
 */
export function benchAddressEvents(i: number, total: number, due: number, now: Date): AddressEvent[] {
  const address = addressOf(i);
  const t = now.getTime();
  if (i < due) {
    const first = t - (73 + (i % 48)) * HOUR_MS - HOUR_MS;
    return [0, 1, 2].map((k) => bounce(address, k, first + k * 30 * 60_000, 'mailboxfull'));
  }
  if (i < 2 * due && i < total) {
    const first = t - (1 + (i % 48)) * HOUR_MS;
    return [0, 1, 2].map((k) => bounce(address, k, first - k * 60_000, 'mailboxfull'));
  }
  const at = t - ((i * 7919) % (30 * 24)) * HOUR_MS;
  switch (i % 4) {
    case 0:
      return [bounce(address, 0, at, 'userunknown')];
    case 1:
      return [bounce(address, 0, at, 'mailboxfull')];
    case 2:
      return [
        bounce(address, 0, at, 'mailboxfull'),
        { type: 'delivery', id: `bench-d:${address}`, at: iso(at + HOUR_MS), identity: 'bench.example' },
      ];
    default:
      return [bounce(address, 0, at, 'suspend')];
  }
}

export const addressOf = (i: number) => `user${i}@bench${i % 97}.example`;

/** Loads `total` addresses (state items as the store writes them), `due` of them due by `now`. */
export async function loadBenchTable(
  documentClient: DynamoDBDocumentClient,
  tableName: string,
  { total, due, now }: { total: number; due: number; now: Date },
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const from = next;
      next = Math.min(total, next + BATCH);
      let requests = [];
      for (let i = from; i < next; i++) {
        const { history } = mergeEvents({ events: [] }, benchAddressEvents(i, total, due, now));
        requests.push({ PutRequest: { Item: stateItem(addressOf(i), history, stateOf(history), 1) } });
      }
      while (requests.length > 0) {
        const output = await documentClient.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
        );
        requests = (output.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, worker));
}

export interface RequestTally {
  /** Commands by name, due-index Queries and counter Queries apart. */
  commands: Record<string, number>;
  requests: number;
  /** Items read: entries a Query returned or counted, items a GetItem returned. */
  itemsRead: number;
  /** Of those: due-index entries, and state items re-read (GetItem on ADDR#…). */
  dueIndexItems: number;
  stateItemsRead: number;
}

/** Counts every command the client sends (SDK middleware), and the items each read returns. */
export function tallyRequests(client: DynamoDBClient, name = 'benchHygieneTally') {
  const tally: RequestTally = {
    commands: {},
    requests: 0,
    itemsRead: 0,
    dueIndexItems: 0,
    stateItemsRead: 0,
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { IndexName?: string; Key?: { pk?: string | { S?: string } } };
      const command = String(context.commandName ?? '?').replace(/Command$/, '');
      const label =
        command === 'Query'
          ? input.IndexName === TABLE_SCHEMA.dueIndex.name
            ? 'Query(due index)'
            : 'Query'
          : command;
      tally.commands[label] = (tally.commands[label] ?? 0) + 1;
      tally.requests++;
      const result = await next(args);
      const output = result.output as { Count?: number; Item?: unknown };
      if (command === 'Query') {
        tally.itemsRead += output.Count ?? 0;
        if (input.IndexName === TABLE_SCHEMA.dueIndex.name) tally.dueIndexItems += output.Count ?? 0;
      } else if (command === 'GetItem' && output.Item) {
        tally.itemsRead++;
        const pk = input.Key?.pk;
        if ((typeof pk === 'string' ? pk : pk?.S)?.startsWith('ADDR#')) tally.stateItemsRead++;
      }
      return result;
    },
    { step: 'initialize', name },
  );
  return { tally, stop: () => client.middlewareStack.remove(name) };
}

export interface HygieneBenchFigures {
  addresses: number;
  due: number;
  loadSeconds: number;
  runSeconds: number;
  promoted: number;
  remaining: number;
  run: RequestTally;
  /** A second run right after: nothing due any more. */
  idle: RequestTally;
}

export async function measureHygiene(total: number, due: number): Promise<HygieneBenchFigures> {
  const engine = await startEmbeddedEngine(undefined);
  const { client, documentClient } = createLocalDynamoDbConnection(engine.endpoint, 'us-east-1');
  try {
    const tableName = 'bench-hygiene';
    await ensureTable(client, tableName, { enableTtl: false });
    const now = new Date('2026-11-20T12:00:00Z');
    const t0 = performance.now();
    await loadBenchTable(documentClient, tableName, { total, due, now });
    const loadSeconds = (performance.now() - t0) / 1000;
    const counters = new DynamoDbRateCounters(documentClient, tableName);
    const store = new DynamoDbSuppressionStore(documentClient, tableName);
    const deps = { counters, list: { store, counters } };
    // The counter cleanup's first run on a table walks its first look-back days; settle that first,
    // so both measured runs show the steady hourly cost.
    await counters.deleteStaleDays(now);
    const run = tallyRequests(client);
    const t1 = performance.now();
    const report = await runHygiene(now, deps);
    const runSeconds = (performance.now() - t1) / 1000;
    run.stop();
    const idle = tallyRequests(client);
    await runHygiene(now, deps);
    idle.stop();
    return {
      addresses: total,
      due,
      loadSeconds: Math.round(loadSeconds * 10) / 10,
      runSeconds: Math.round(runSeconds * 100) / 100,
      promoted: report.listHygiene?.promoted ?? 0,
      remaining: report.listHygiene?.remaining ?? 0,
      run: run.tally,
      idle: idle.tally,
    };
  } finally {
    client.destroy();
    await engine.close();
  }
}

const describeCommands = (tally: RequestTally) =>
  Object.entries(tally.commands)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, n]) => `${n} ${name}`)
    .join(', ');

export function describeHygieneFigures(figures: HygieneBenchFigures): string {
  const { run, idle } = figures;
  return `${run.itemsRead} items read (${run.dueIndexItems} due-index entries + ${run.stateItemsRead} state items), ${run.requests} requests (${describeCommands(run)}), ${figures.promoted} promoted; idle run: ${idle.itemsRead} items, ${idle.requests} requests`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const total = Number(process.env.BENCH_HYGIENE_ADDRESSES ?? 100_000);
  const due = Number(process.env.BENCH_HYGIENE_DUE ?? 100);
  const figures = await measureHygiene(total, due);
  console.log(
    `hygiene on ${figures.addresses} addresses, ${figures.due} due (loaded in ${figures.loadSeconds} s, run ${figures.runSeconds} s):`,
  );
  console.log(`  ${describeHygieneFigures(figures)}`);
  console.log(JSON.stringify(figures, null, 2));
}
