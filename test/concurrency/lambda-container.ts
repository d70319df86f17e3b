/**
 * One Lambda container in its own OS process: imports the processor function the package ships and
 * the construct deploys (dist/functions/processor/index.mjs, built from functions/processor/handler.ts
 * by the test setup) under the environment it was started with, prints `ready`, waits
 * for a line on stdin (the test's start signal, sent once every container is ready), then invokes the handler with each of its batches in turn. Records the handler reports
 * as failed are delivered again in a later batch, as SQS would (receive count + 1), until
 * `maxReceives`, after which they are dead letters. Prints one JSON line: what happened.
 *
 * Usage: node --import tsx test/concurrency/lambda-container.ts INPUT.json
 * INPUT: { timeoutMs, maxReceives, batchSize, records: [{ messageId, body }] }
 */

import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { toSqsEvent, toSqsRecord } from '../../cli/sqs';

interface ContainerInput {
  timeoutMs: number;
  maxReceives: number;
  batchSize: number;
  records: { messageId: string; body: string }[];
}

export interface ContainerReport {
  invocations: number;
  /** Deliveries the handler reported as failed (each was delivered again, or became a dead letter). */
  failedDeliveries: number;
  deadLetters: string[];
}

const input = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as ContainerInput;
const asset = new URL('../../dist/functions/processor/index.mjs', import.meta.url).href;
const { handler } = (await import(asset)) as {
  handler: (event: SQSEvent, context: Context, callback: () => void) => Promise<SQSBatchResponse>;
};

const queue = input.records.map((record) => ({ ...record, receives: 1 }));
const report: ContainerReport = { invocations: 0, failedDeliveries: 0, deadLetters: [] };
process.stdout.write('ready\n');
await once(process.stdin, 'data');
process.stdin.pause();
while (queue.length > 0) {
  const batch = queue.splice(0, input.batchSize);
  const deadline = Date.now() + input.timeoutMs;
  const context = {
    functionName: 'processor',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:processor',
    memoryLimitInMB: '512',
    awsRequestId: `${process.pid}-${report.invocations}`,
    logGroupName: '/aws/lambda/processor',
    logStreamName: `container-${process.pid}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  } as unknown as Context;
  const event = toSqsEvent(
    batch.map((record) => {
      const sqsRecord = toSqsRecord(record.body, record.messageId);
      sqsRecord.attributes.ApproximateReceiveCount = String(record.receives);
      return sqsRecord;
    }),
  );
  report.invocations++;
  const { batchItemFailures } = await handler(event, context, () => undefined);
  for (const { itemIdentifier } of batchItemFailures) {
    report.failedDeliveries++;
    const record = batch.find((candidate) => candidate.messageId === itemIdentifier);
    if (record === undefined) throw new Error(`the handler failed an unknown record ${itemIdentifier}`);
    if (record.receives >= input.maxReceives) report.deadLetters.push(record.messageId);
    else queue.push({ ...record, receives: record.receives + 1 });
  }
}
process.stdout.write(`${JSON.stringify(report)}\n`);
