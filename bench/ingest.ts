/**
 * Processor throughput by batch size on DynamoDB Local: records per second per concurrent
 * invocation, for batch sizes 10 / 100 / 1,000 (BENCH_INGEST_BATCHES), each with 1 and with
 * BENCH_INGEST_CONCURRENCY (4) concurrent invocations, BENCH_INGEST_RECORDS (2,000) realistic
 * notifications each (hard and soft bounces, complaints, deliveries; 1 address per ~5). Run alone:
 *
 *   npx tsx bench/ingest.ts
 *   BENCH_INGEST_RECORDS=5000 BENCH_INGEST_BATCHES=10,100,1000,5000 npx tsx bench/ingest.ts
 */
import { fileURLToPath } from 'node:url';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { createLocalDynamoDbConnection } from '../shared/adapters/dynamodb/client';
import { ensureTable } from '../shared/adapters/dynamodb/table';
import { notificationStream } from '../test/support/stream';
import { type BenchEngine, startBenchEngine } from './engine';
import { type DriveResult, drive, timeoutMsFor } from './sqs-sim';

export interface IngestFigure extends DriveResult {
  engine: string;
  batchSize: number;
  concurrency: number;
}

export async function newBenchTable(engine: BenchEngine, name: string): Promise<string> {
  const connection = createLocalDynamoDbConnection(engine.endpoint, 'us-east-1');
  try {
    await ensureTable(connection.client, name, { enableTtl: false });
  } finally {
    connection.client.destroy();
  }
  return name;
}

export async function measureIngest({
  records = Number(process.env.BENCH_INGEST_RECORDS ?? 2000),
  batchSizes = (process.env.BENCH_INGEST_BATCHES ?? '10,100,1000').split(',').map(Number),
  concurrencies = [1, Number(process.env.BENCH_INGEST_CONCURRENCY ?? 4)],
} = {}): Promise<IngestFigure[]> {
  const engine = await startBenchEngine('dynamodb-local');
  const figures: IngestFigure[] = [];
  try {
    const bodies = notificationStream(records, Math.max(10, Math.round(records / 5)), 11);
    // Warm-up (JIT of the engine and of this process), not counted.
    await drive(notificationStream(500, 100, 5), {
      endpoint: engine.endpoint,
      tableName: await newBenchTable(engine, 'bench-ingest-warmup'),
      batchSize: 100,
      concurrency: 2,
      timeoutMs: timeoutMsFor(100),
    });
    let n = 0;
    for (const batchSize of batchSizes) {
      for (const concurrency of concurrencies) {
        const tableName = await newBenchTable(engine, `bench-ingest-${++n}`);
        const result = await drive(bodies, {
          endpoint: engine.endpoint,
          tableName,
          batchSize,
          concurrency,
          timeoutMs: timeoutMsFor(batchSize),
        });
        figures.push({ engine: engine.name, batchSize, concurrency, ...result });
      }
    }
  } finally {
    await engine.stop();
  }
  return figures;
}

export const describeIngestFigure = (f: IngestFigure) =>
  `${f.perInvocation} records/s per invocation (${f.recordsPerSecond}/s in all, ${f.records} in ${f.seconds} s, slowest invocation ${f.slowestInvocationMs} ms of ${timeoutMsFor(f.batchSize)} ms)${
    f.deadLettered + f.firstDeliveryFailures > 0
      ? `, ${f.firstDeliveryFailures} failed first, ${f.deadLettered} DEAD-LETTERED`
      : ', 0 failed'
  }`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const figure of await measureIngest()) {
    console.log(
      `INGEST ${figure.engine} batch ${figure.batchSize} × ${figure.concurrency}: ${describeIngestFigure(figure)}`,
    );
    if (Object.keys(figure.errors).length > 0) console.log(`  errors: ${JSON.stringify(figure.errors)}`);
  }
}
