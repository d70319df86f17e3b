import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import { toSqsEvent, toSqsRecord } from '../../cli/sqs';
import { createProcessor } from '../../functions/processor/processor';
import type { DynamoDbConnection } from '../../shared/adapters/dynamodb/client';
import { DynamoDbRateCounters } from '../../shared/adapters/dynamodb/counters';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import { classify } from '../../shared/core/classify';
import { prng, shuffle } from '../support/stream';

export interface DeliveryOptions {
  /** Batches in flight at once; one processor each (a Powertools BatchProcessor holds per-batch state). */
  lanes: number;
  /** Redelivery rounds before giving up. */
  maxRounds: number;
  /** Seeds the order failed records come back in. */
  seed: number;
  /** Also write the hourly rate counters. */
  counters: boolean;
}

export interface DeliveryResult {
  rounds: number;
  failedRecordsPerRound: number[];
  /** Record errors (digits masked) and how often they happened. */
  errors: Record<string, number>;
  seconds: number;
}

/**
 * SQS in miniature: the bodies as records in batches of 10, `lanes` batches in flight, every record
 * reported in batchItemFailures redelivered in the next round (shuffled, receive count + 1), until
 * none is left or `maxRounds`.
 */
export async function deliverUntilDone(
  connection: DynamoDbConnection,
  tableName: string,
  bodies: readonly string[],
  { lanes, maxRounds, seed, counters }: DeliveryOptions,
): Promise<DeliveryResult> {
  const started = performance.now();
  const processors = Array.from({ length: lanes }, () =>
    createProcessor({
      store: new DynamoDbSuppressionStore(connection.documentClient, tableName),
      ...(counters ? { counters: new DynamoDbRateCounters(connection.documentClient, tableName) } : {}),
      classify: (input) => classify(input),
      logger: new Logger({ serviceName: 'fault-test', logLevel: 'SILENT' }),
    }),
  );
  const random = prng(seed);
  let pending: SQSRecord[] = bodies.map((body, i) => toSqsRecord(body, `m${i}`));
  const failedRecordsPerRound: number[] = [];
  const errors: Record<string, number> = {};
  let rounds = 0;
  while (pending.length > 0 && rounds < maxRounds) {
    rounds++;
    const batches: SQSRecord[][] = [];
    for (let i = 0; i < pending.length; i += 10) batches.push(pending.slice(i, i + 10));
    const failed: SQSRecord[] = [];
    let next = 0;
    await Promise.all(
      processors.map(async (processor) => {
        while (next < batches.length) {
          const batch = batches[next++] as SQSRecord[];
          const { response, failures } = await processor.processBatch(toSqsEvent(batch));
          const ids = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
          for (const record of batch) {
            if (!ids.has(record.messageId)) continue;
            const receives = Number(record.attributes.ApproximateReceiveCount) + 1;
            failed.push({
              ...record,
              attributes: { ...record.attributes, ApproximateReceiveCount: `${receives}` },
            });
            const error = (failures.get(record.messageId) ?? '?').replace(/\d+/g, 'N').slice(0, 80);
            errors[error] = (errors[error] ?? 0) + 1;
          }
        }
      }),
    );
    failedRecordsPerRound.push(failed.length);
    pending = shuffle(failed, random);
  }
  return {
    rounds,
    failedRecordsPerRound,
    errors,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
