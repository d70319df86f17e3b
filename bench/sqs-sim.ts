/**
 * A small model of the SQS event source in front of the processor, for benches: `concurrency`
 * workers (each its own processor, composed as the Lambda entry composes it, and DynamoDB client, as
 * separate Lambda containers are) take up
 * to `batchSize` messages at a time; a failed record goes back to the queue (redelivery after its
 * visibility timeout, here at once) until `maxReceiveCount`, then to the dead-letter queue. Each
 * invocation gets a Lambda-like context whose remaining time counts down from `timeoutMs`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { toSqsEvent, toSqsRecord } from '../cli/sqs';
import { composeProcessor } from '../functions/processor/compose';
import { NO_METRICS } from '../functions/processor/processor';
import { processorTimingFor } from '../infra/constructs/processor';
import { createLocalDynamoDbConnection } from '../shared/adapters/dynamodb/client';
import { DEFAULT_RUNTIME_POLICY } from '../shared/core/policy-config';

export interface DriveOptions {
  endpoint: string;
  tableName: string;
  batchSize: number;
  concurrency: number;
  /** The function timeout each invocation runs under. */
  timeoutMs: number;
  /** @default 5 */
  maxReceiveCount?: number;
}

export interface DriveResult {
  records: number;
  seconds: number;
  /** All workers together. */
  recordsPerSecond: number;
  /** recordsPerSecond / concurrency: what one concurrent invocation sustains. */
  perInvocation: number;
  invocations: number;
  /** Record failures on first delivery (each is redelivered). */
  firstDeliveryFailures: number;
  redeliveries: number;
  /** Records that failed maxReceiveCount times (the DLQ): must be 0. */
  deadLettered: number;
  /** Distinct error messages of failures, with counts (redacted of nothing: bench data only). */
  errors: Record<string, number>;
  /** Slowest invocation, ms (compare with the timeout). */
  slowestInvocationMs: number;
  /** Indexes (in the input) of the bodies that were redelivered at least once. */
  redelivered: number[];
}

interface Message {
  id: string;
  body: string;
  receives: number;
}

export async function drive(bodies: readonly string[], options: DriveOptions): Promise<DriveResult> {
  const { batchSize, concurrency, timeoutMs, maxReceiveCount = 5 } = options;
  const queue: Message[] = bodies.map((body, i) => ({ id: `m${i}`, body, receives: 0 }));
  const result = {
    invocations: 0,
    firstDeliveryFailures: 0,
    redeliveries: 0,
    deadLettered: 0,
    errors: {} as Record<string, number>,
    slowestInvocationMs: 0,
    redelivered: new Set<number>(),
  };
  let inFlight = 0;
  const started = performance.now();

  const worker = async () => {
    const connection = createLocalDynamoDbConnection(options.endpoint, 'us-east-1');
    // The processor as the Lambda entry composes it (store, rate counters, classifier, policy), so
    // the figures include the counter writes the deployed function makes.
    const processor = composeProcessor(
      { tableName: options.tableName, policy: DEFAULT_RUNTIME_POLICY },
      {
        documentClient: connection.documentClient,
        logger: new Logger({ serviceName: 'bench', logLevel: 'SILENT' }),
        metrics: NO_METRICS,
      },
    );
    try {
      for (;;) {
        const batch = queue.splice(0, batchSize);
        if (batch.length === 0) {
          if (inFlight === 0) return;
          // Others may still hand failed records back.
          await new Promise((resolve) => setTimeout(resolve, 5));
          continue;
        }
        inFlight++;
        const t0 = performance.now();
        const deadline = Date.now() + timeoutMs;
        const context = {
          functionName: 'processor',
          awsRequestId: `bench-${result.invocations}`,
          getRemainingTimeInMillis: () => deadline - Date.now(),
        } as Context;
        for (const message of batch) message.receives++;
        const byId = new Map(batch.map((message) => [message.id, message]));
        const { response, failures } = await processor.processBatch(
          toSqsEvent(batch.map((message) => toSqsRecord(message.body, message.id))),
          context,
        );
        result.invocations++;
        result.slowestInvocationMs = Math.max(result.slowestInvocationMs, performance.now() - t0);
        for (const { itemIdentifier } of response.batchItemFailures) {
          const message = byId.get(itemIdentifier);
          if (!message) continue;
          const error = (failures.get(itemIdentifier) ?? '?').replace(/[0-9a-f]{12}/g, '…');
          result.errors[error] = (result.errors[error] ?? 0) + 1;
          if (message.receives === 1) result.firstDeliveryFailures++;
          if (message.receives >= maxReceiveCount) result.deadLettered++;
          else {
            result.redeliveries++;
            result.redelivered.add(Number(message.id.slice(1)));
            queue.push(message);
          }
        }
        inFlight--;
      }
    } finally {
      connection.client.destroy();
    }
  };

  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const recordsPerSecond = bodies.length / seconds;
  return {
    records: bodies.length,
    seconds: Math.round(seconds * 10) / 10,
    recordsPerSecond: Math.round(recordsPerSecond),
    perInvocation: Math.round(recordsPerSecond / concurrency),
    ...result,
    redelivered: [...result.redelivered].sort((a, b) => a - b),
    slowestInvocationMs: Math.round(result.slowestInvocationMs),
  };
}

/** The Lambda timeout the stack derives for a batch size (with the default batching window). */
export const timeoutMsFor = (batchSize: number) =>
  processorTimingFor({ batchSize, maxBatchingWindowSeconds: 5 }).timeout.toMilliseconds();
