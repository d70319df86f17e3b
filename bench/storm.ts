/**
 * Two storms.
 *
 * Hot-key storm (`runHotKeyStorm`): N notifications (STORM_HOT, 50,000 when run alone) of which 20 %
 * name one of 10 addresses, arriving as a storm does (event times in order, give or take 30 s),
 * through the modelled SQS event source (bench/sqs-sim.ts: batches, concurrent invocations,
 * redelivery of failed records, DLQ after 5 receives) into DynamoDB Local (or dynalite). Reports
 * the throughput, first-delivery failures and what is left dead-lettered (must be 0), and whether
 * the export equals that of an in-order replay (one record at a time, in stream order).
 *
 *   STORM_HOT=50000 STORM_COUNTS= npx tsx bench/storm.ts   # the hot-key storm only
 *   STORM_BATCH=100 STORM_CONCURRENCY=5 (defaults: the stack's), STORM_ENGINE=dynalite,
 *   STORM_REPLAY=fold|engine|none (the in-order reference: the pure core in memory, default; one
 *   record at a time through the processor into a second table; none),
 *   STORM_SHUFFLE=2000 (arrival shuffled within windows of 2,000: late events forced; default 0)
 *
 * Bounce storm: `bounce replay FILE --json --data-dir TMP` (the real CLI: embedded dynalite on
 * LevelDB, the real processor, batches of 10) over N generated notifications; reports
 * notifications/s and the replay process's peak RSS. Run alone:
 *
 *   npx tsx bench/storm.ts                      # STORM_COUNTS=20000,100000 by default
 *   STORM_COUNTS=5000 npx tsx bench/storm.ts
 *
 * Memory is bounded when the peak RSS at 100k is about that at 20k (the replay streams the file).
 * Then `bounce simulate` runs on the storm's store: the unchanged policy must report zero changes
 * (and reproduce every stored status), mailboxfull → suppress only suppressions for mailboxfull;
 * the run fails otherwise.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { toSqsEvent, toSqsRecord } from '../cli/sqs';
import { exportRow, exportRows } from '../cli/views';
import { createProcessor } from '../functions/processor/processor';
import { DEFAULT_CONFIG } from '../infra/config';
import { createLocalDynamoDbConnection } from '../shared/adapters/dynamodb/client';
import { DynamoDbSuppressionStore } from '../shared/adapters/dynamodb/store';
import { classify } from '../shared/core/classify';
import type { HistoryEvent } from '../shared/core/events';
import { eventsFromMessage } from '../shared/core/events';
import { parseMessageBody } from '../shared/core/notification';
import { historyFromEvents, stateOf } from '../shared/core/state';
import { notificationStream, prng, shuffle } from '../test/support/stream';
import { startBenchEngine } from './engine';
import { newBenchTable } from './ingest';
import { drive, timeoutMsFor } from './sqs-sim';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface StormResult {
  notifications: number;
  seconds: number;
  perSecond: number;
  peakRssMb: number;
  fileMb: number;
  processed: number;
  failed: number;
  /** `bounce simulate` over the storm's store: the unchanged policy and mailboxfull → suppress. */
  simulate: StormSimulation;
}

export interface StormSimulation {
  addresses: number;
  /** Changes under the unchanged policy (must be 0) and replays that did not reproduce a stored status (must be 0). */
  unchangedChanged: number;
  unexplained: number;
  /** Changes when mailboxfull suppresses at once: every one watch/clear/suppressed-until → suppressed, mailboxfull. */
  mailboxfullChanged: number;
  seconds: number;
}

/** Writes `count` notifications as JSONL, in chunks (the generator is deterministic per seed). */
async function writeStormFile(file: string, count: number) {
  const handle = await open(file, 'w');
  const chunk = 10_000;
  for (let done = 0, seed = 1; done < count; done += chunk, seed++) {
    const n = Math.min(chunk, count - done);
    // One address space across chunks: ~1 address per 5 notifications, three domains.
    await handle.write(`${notificationStream(n, Math.max(10, Math.round(count / 15)), seed).join('\n')}\n`);
  }
  await handle.close();
}

/** Peak RSS of a child, from /proc (VmHWM is the high-water mark), sampled until it exits. */
function peakRssSampler(pid: number) {
  let peakKb = 0;
  const sample = () => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) peakKb = Math.max(peakKb, Number(match[1]));
    } catch {
      // gone
    }
  };
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      return peakKb;
    },
  };
}

export async function runStorm(count: number): Promise<StormResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bounce-storm-'));
  try {
    const file = join(dir, 'storm.jsonl');
    await writeStormFile(file, count);
    const useTime = existsSync('/usr/bin/time');
    const command = useTime ? '/usr/bin/time' : process.execPath;
    const args = [
      ...(useTime ? ['-v', process.execPath] : []),
      join(REPO_ROOT, 'dist/cli/bounce.js'),
      'replay',
      file,
      '--json',
      '--data-dir',
      join(dir, 'data'),
    ];
    const started = performance.now();
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    // With /usr/bin/time the replay is its child; /proc sampling only sees it without.
    const sampler = useTime ? undefined : peakRssSampler(child.pid ?? 0);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const seconds = (performance.now() - started) / 1000;
    const sampledKb = sampler?.stop() ?? 0;
    const timeKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0);
    if (code !== 0 && code !== 1) throw new Error(`bounce replay exited ${code}: ${stderr.slice(-2000)}`);
    const summary = JSON.parse(stdout) as { records: number; processed: number; failed: unknown[] };
    const simulate = simulateOnStore(dir, join(dir, 'data'));
    return {
      notifications: count,
      seconds: Math.round(seconds * 10) / 10,
      perSecond: Math.round(count / seconds),
      peakRssMb: Math.round((timeKb || sampledKb) / 1024),
      fileMb: Math.round(statSync(file).size / 1e5) / 10,
      processed: summary.processed,
      failed: summary.failed.length,
      simulate,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface HotKeyStormResult {
  engine: string;
  notifications: number;
  hotShare: number;
  hotAddresses: number;
  shuffleWindow: number;
  batchSize: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
  perInvocation: number;
  invocations: number;
  firstDeliveryFailures: number;
  redeliveries: number;
  deadLettered: number;
  slowestInvocationMs: number;
  timeoutMs: number;
  errors: Record<string, number>;
  addresses: number;
  /** The export equals the in-order replay's (undefined when the replay was skipped). */
  identicalExport: boolean | undefined;
  replay: 'fold' | 'engine' | 'none';
  /** Addresses whose export rows differ from the reference, and how many of them a redelivered record named. */
  differing?: { addresses: number; namedByRedelivered: number; hot: number; sample: string[] };
  replaySeconds: number | undefined;
}

/** Replays bodies one record at a time, in order, into a fresh table: the reference state. */
async function replayInOrder(endpoint: string, tableName: string, bodies: readonly string[]) {
  const connection = createLocalDynamoDbConnection(endpoint, 'us-east-1');
  try {
    const processor = createProcessor({
      store: new DynamoDbSuppressionStore(connection.documentClient, tableName),
      classify: (input) => classify(input),
      logger: new Logger({ serviceName: 'bench', logLevel: 'SILENT' }),
    });
    for (const [i, body] of bodies.entries()) {
      const { response } = await processor.processBatch(toSqsEvent([toSqsRecord(body, `seq${i}`)]));
      if (response.batchItemFailures.length > 0) throw new Error(`in-order replay failed at record ${i}`);
    }
  } finally {
    connection.client.destroy();
  }
}

/**
 * The same in-order replay without an engine: every notification through the pure core the store
 * uses (parse → classify → events per address), each address's events folded in time order
 * (`historyFromEvents`: what applying them one at a time in time order builds). Seconds for 50,000,
 * where a one-record-at-a-time replay through a local engine on a shared 2-core box takes ~30 min.
 */
function inOrderFoldExport(bodies: readonly string[]): string {
  const byAddress = new Map<string, HistoryEvent[]>();
  for (const body of bodies) {
    const message = parseMessageBody(body);
    if (message.kind === 'ignored' || message.kind === 'send') continue;
    for (const [address, events] of eventsFromMessage(message, (input) => classify(input))) {
      byAddress.set(address, [...(byAddress.get(address) ?? []), ...events]);
    }
  }
  return [...byAddress.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([address, events]) => {
      const history = historyFromEvents(events);
      return JSON.stringify(
        exportRow({ address, state: stateOf(history), events: history.events }, EXPORT_NOW),
      );
    })
    .join('\n');
}

/**
 * The arrival order with late deliveries forced: the stream shuffled within consecutive windows of
 * `window` notifications (deterministic), so a hot address's event can arrive after dozens of newer
 * ones of the same address, as when a slow invocation holds its batch while others work through many.
 */
export function shuffledWithin(bodies: readonly string[], window: number, seed = 14): string[] {
  if (window <= 1) return [...bodies];
  const random = prng(seed);
  const out: string[] = [];
  for (let i = 0; i < bodies.length; i += window) out.push(...shuffle(bodies.slice(i, i + window), random));
  return out;
}

const EXPORT_NOW = new Date('2027-01-01T00:00:00.000Z');

/** Which addresses differ between two exports, and whether a redelivered record named them. */
function compareExports(
  reference: string,
  actual: string,
  bodies: readonly string[],
  redelivered: readonly number[],
): NonNullable<HotKeyStormResult['differing']> {
  const rows = (text: string) =>
    new Map(
      text.split('\n').map((line) => [(JSON.parse(line) as { emailAddress: string }).emailAddress, line]),
    );
  const expected = rows(reference);
  const got = rows(actual);
  const addresses = [...new Set([...expected.keys(), ...got.keys()])].filter(
    (address) => expected.get(address) !== got.get(address),
  );
  const redeliveredText = redelivered.map((i) => bodies[i] ?? '').join('\n');
  return {
    addresses: addresses.length,
    namedByRedelivered: addresses.filter((address) => redeliveredText.includes(address)).length,
    hot: addresses.filter((address) => address.startsWith('hot')).length,
    sample: addresses.slice(0, 5).map((address) => `${expected.get(address)} → ${got.get(address)}`),
  };
}

async function exportText(endpoint: string, tableName: string) {
  const connection = createLocalDynamoDbConnection(endpoint, 'us-east-1');
  try {
    const rows = await exportRows(
      new DynamoDbSuppressionStore(connection.documentClient, tableName),
      EXPORT_NOW,
    );
    return { text: rows.map((row) => JSON.stringify(row)).join('\n'), rows: rows.length };
  } finally {
    connection.client.destroy();
  }
}

export async function runHotKeyStorm({
  count,
  hotShare = 0.2,
  hotAddresses = 10,
  batchSize = DEFAULT_CONFIG.batchSize,
  concurrency = DEFAULT_CONFIG.maxConcurrency,
  replay = 'fold',
  engine: prefer = 'dynamodb-local',
  shuffleWindow = 0,
}: {
  count: number;
  /** Arrival shuffled within windows of this many notifications (0: stream order). @default 0 */
  shuffleWindow?: number;
  hotShare?: number;
  hotAddresses?: number;
  batchSize?: number;
  concurrency?: number;
  /**
   * The in-order reference: `fold` (the pure core, in memory), `engine` (one record at a time
   * through the processor into a second table of the same engine), or `none`.
   */
  replay?: 'fold' | 'engine' | 'none';
  /** The engine to prefer (DynamoDB Local needs Java; dynalite runs in this process). */
  engine?: 'dynamodb-local' | 'dynalite';
}): Promise<HotKeyStormResult> {
  const engine = await startBenchEngine(prefer);
  try {
    const stream = notificationStream(count, Math.max(10, Math.round(count / 5)), 3, {
      hot: { addresses: hotAddresses, share: hotShare },
      times: 'ascending',
    });
    // The storm's arrival order; the in-order reference below always uses the stream's.
    const bodies = shuffledWithin(stream, shuffleWindow);
    const stormTable = await newBenchTable(engine, 'bench-storm');
    const timeoutMs = timeoutMsFor(batchSize);
    const result = await drive(bodies, {
      endpoint: engine.endpoint,
      tableName: stormTable,
      batchSize,
      concurrency,
      timeoutMs,
    });
    const storm = await exportText(engine.endpoint, stormTable);
    let identicalExport: boolean | undefined;
    let replaySeconds: number | undefined;
    let differing: HotKeyStormResult['differing'];
    if (replay !== 'none') {
      const t0 = performance.now();
      let reference: string;
      if (replay === 'engine') {
        const replayTable = await newBenchTable(engine, 'bench-storm-in-order');
        await replayInOrder(engine.endpoint, replayTable, stream);
        reference = (await exportText(engine.endpoint, replayTable)).text;
      } else {
        reference = inOrderFoldExport(stream);
      }
      replaySeconds = Math.round((performance.now() - t0) / 100) / 10;
      identicalExport = reference === storm.text;
      if (!identicalExport) differing = compareExports(reference, storm.text, bodies, result.redelivered);
    }
    return {
      engine: engine.name,
      notifications: count,
      hotShare,
      hotAddresses,
      shuffleWindow,
      batchSize,
      concurrency,
      seconds: result.seconds,
      perSecond: result.recordsPerSecond,
      perInvocation: result.perInvocation,
      invocations: result.invocations,
      firstDeliveryFailures: result.firstDeliveryFailures,
      redeliveries: result.redeliveries,
      deadLettered: result.deadLettered,
      slowestInvocationMs: result.slowestInvocationMs,
      timeoutMs,
      errors: result.errors,
      addresses: storm.rows,
      identicalExport,
      replay,
      replaySeconds,
      ...(differing ? { differing } : {}),
    };
  } finally {
    await engine.stop();
  }
}

export const describeHotKeyStorm = (r: HotKeyStormResult) =>
  `${r.perSecond} notifications/s (${r.perInvocation}/s per invocation, batch ${r.batchSize} × ${r.concurrency}${
    r.shuffleWindow > 1 ? `, shuffled within ${r.shuffleWindow}` : ''
  }), ${r.seconds} s; ` +
  `${r.firstDeliveryFailures} failed on first delivery, ${r.deadLettered} left failed after redelivery; ` +
  `export ${r.identicalExport === undefined ? 'not compared' : r.identicalExport ? 'identical to' : 'DIFFERENT from'} an in-order replay (${r.replay}; ${r.addresses} addresses)${
    r.differing
      ? `: ${r.differing.addresses} differ, ${r.differing.namedByRedelivered} of them named by a redelivered record, ${r.differing.hot} hot`
      : ''
  }`;

interface SimulationJson {
  addresses: number;
  changed: number;
  changes: { from: string; to: string; reason: string }[];
  unexplained: number;
}

/**
 * `bounce simulate` on the storm's store, twice: the unchanged policy must change nothing (and its
 * replay reproduce every stored status); mailboxfull → suppress must only ever suppress, for mailboxfull.
 */
function simulateOnStore(dir: string, dataDir: string): StormSimulation {
  const run = (policy: unknown): SimulationJson => {
    const file = join(dir, `policy-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(policy));
    const out = execFileSync(
      process.execPath,
      [join(REPO_ROOT, 'dist/cli/bounce.js'), 'simulate', '--policy', file, '--json', '--data-dir', dataDir],
      { cwd: REPO_ROOT, maxBuffer: 512 * 1024 * 1024, env: { ...process.env, CI: 'true' } },
    );
    return JSON.parse(out.toString()) as SimulationJson;
  };
  const started = performance.now();
  const unchanged = run({});
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const mailboxfull = run({ decisions: { mailboxfull: 'suppress' } });
  if (unchanged.changed !== 0 || unchanged.unexplained !== 0) {
    throw new Error(
      `bounce simulate with the unchanged policy: ${unchanged.changed} changes, ${unchanged.unexplained} unexplained (expected 0 and 0)`,
    );
  }
  const unexpected = mailboxfull.changes.filter((c) => c.to !== 'suppressed' || c.reason !== 'mailboxfull');
  if (mailboxfull.changed === 0 || unexpected.length > 0) {
    throw new Error(
      `bounce simulate with mailboxfull → suppress: ${mailboxfull.changed} changes, unexpected: ${JSON.stringify(unexpected.slice(0, 3))}`,
    );
  }
  return {
    addresses: unchanged.addresses,
    unchangedChanged: unchanged.changed,
    unexplained: unchanged.unexplained,
    mailboxfullChanged: mailboxfull.changed,
    seconds,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const hot = Number(process.env.STORM_HOT ?? 50_000);
  if (hot > 0) {
    const result = await runHotKeyStorm({
      count: hot,
      batchSize: Number(process.env.STORM_BATCH ?? DEFAULT_CONFIG.batchSize),
      concurrency: Number(process.env.STORM_CONCURRENCY ?? DEFAULT_CONFIG.maxConcurrency),
      replay:
        process.env.STORM_REPLAY === 'engine'
          ? 'engine'
          : process.env.STORM_REPLAY === 'none'
            ? 'none'
            : 'fold',
      engine: process.env.STORM_ENGINE === 'dynalite' ? 'dynalite' : 'dynamodb-local',
      shuffleWindow: Number(process.env.STORM_SHUFFLE ?? 0),
    });
    console.log(`HOT-KEY STORM ${describeHotKeyStorm(result)}`);
    console.log(`HOT-KEY STORM ${JSON.stringify(result)}`);
  }
  const counts = (process.env.STORM_COUNTS ?? '20000,100000').split(',').filter(Boolean).map(Number);
  for (const count of counts) console.log(`STORM ${JSON.stringify(await runStorm(count))}`);
}
