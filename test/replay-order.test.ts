import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSqsEvent, toSqsRecord } from '../cli/sqs';
import { exportRows } from '../cli/views';
import { createProcessor } from '../functions/processor/processor';
import { DynamoDbSuppressionStore } from '../shared/adapters/dynamodb/store';
import { classify } from '../shared/core/classify';
import { startTestEngine, type TestEngine } from './support/engine';
import { notificationStream, prng, shuffle } from './support/stream';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine.close();
});

const NOW = new Date('2026-11-01T00:00:00Z');

/** Replays bodies through the real processor in SQS-sized batches and returns the export. */
async function replayAndExport(bodies: readonly string[]) {
  const store = new DynamoDbSuppressionStore(engine.connection.documentClient, await engine.newTable());
  const processor = createProcessor({
    store,
    classify: (input) => classify(input),
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
  });
  for (let i = 0; i < bodies.length; i += 10) {
    const batch = bodies.slice(i, i + 10).map((body, j) => toSqsRecord(body, `m${i + j}`));
    const { response } = await processor.processBatch(toSqsEvent(batch));
    expect(response.batchItemFailures).toEqual([]);
  }
  return (await exportRows(store, NOW)).map((row) => JSON.stringify(row)).join('\n');
}

describe('order independence end to end', () => {
  it('exports byte-identically after a stream replayed once in order and twice shuffled', async () => {
    const stream = notificationStream(400, 60, 7);
    const inOrder = await replayAndExport(stream);
    const random = prng(42);
    const twiceShuffled = await replayAndExport(shuffle([...stream, ...stream], random));
    expect(twiceShuffled).toBe(inOrder);
    // The stream is rich enough to exercise every status.
    for (const status of ['suppressed', 'suppressed-until', 'watch', 'clear']) {
      expect(inOrder).toContain(`"status":"${status}"`);
    }
  });
});
