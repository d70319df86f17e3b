import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSRecord } from 'aws-lambda';
import { composeProcessor } from '../functions/processor/compose';
import { type createProcessor, NO_METRICS } from '../functions/processor/processor';
import type { StoreContext } from './context';
import { readLines } from './jsonl';
import { isSqsEvent, toSqsEvent, toSqsRecord } from './sqs';

/**
 * The Lambda's own composition (functions/processor/compose.ts) on the CLI's store: same store,
 * counters and classifier; no EMF on stdout (it would mix with the command's output), and logs
 * quiet unless BOUNCE_LOG_LEVEL asks for them.
 */
export function createCliProcessor(context: Pick<StoreContext, 'connection' | 'tableName' | 'policy'>) {
  const logLevel = (process.env.BOUNCE_LOG_LEVEL ?? 'SILENT').toUpperCase() as 'SILENT';
  return composeProcessor(
    // A replayed file may hold a Send twice (the same events by two paths, a file replayed again):
    // counted once, at the cost of a local write.
    { tableName: context.tableName, policy: context.policy, countSendsOnce: true },
    {
      documentClient: context.connection.documentClient,
      logger: new Logger({ serviceName: 'ses-bounce-handler', logLevel }),
      metrics: NO_METRICS,
    },
  );
}

/**
 * Each replayed batch gets the time budget of a Lambda invocation with the longest timeout: a record
 * whose address other writers (the deployed processor, another replay) keep changing retries for as
 * long as that, instead of the store's 12 attempts, before it is reported as failed.
 */
export const REPLAY_BATCH_BUDGET_MS = 120_000;

const budgetContext = (ms: number): Context => {
  const deadline = Date.now() + ms;
  return { getRemainingTimeInMillis: () => deadline - Date.now() } as Context;
};

export interface ReplaySummary {
  records: number;
  processed: number;
  ignored: number;
  failed: { line: number; error: string }[];
}

export interface ReplayOptions {
  batchSize?: number;
  onProgress?: ((recordsDone: number) => void) | undefined;
}

/** Input lines as SQS records: an SQS event line contributes its records, any other line is one body. */
async function* recordsOf(lines: AsyncIterable<{ line: number; text: string }>) {
  for await (const { line, text } of lines) {
    if (text.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined; // the processor reports it, exactly as it would in Lambda
    }
    if (isSqsEvent(parsed)) {
      for (const [index, record] of parsed.Records.entries()) {
        // Our own messageId, so a failure maps back to its line even when ids repeat across lines.
        const messageId = `line-${line}-${index}`;
        yield { line, record: { ...toSqsRecord(record.body, messageId), ...record, messageId } as SQSRecord };
      }
    } else {
      yield { line, record: toSqsRecord(text, `line-${line}`) };
    }
  }
}

/** Streams notifications through the real processor handler in SQS-sized batches. */
export async function replayLines(
  processor: ReturnType<typeof createProcessor>,
  lines: AsyncIterable<{ line: number; text: string }>,
  { batchSize = 10, onProgress }: ReplayOptions = {},
): Promise<ReplaySummary> {
  const summary: ReplaySummary = { records: 0, processed: 0, ignored: 0, failed: [] };
  let batch: { line: number; record: SQSRecord }[] = [];
  const run = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    const { failures, outcomes } = await processor.processBatch(
      toSqsEvent(current.map((entry) => entry.record)),
      budgetContext(REPLAY_BATCH_BUDGET_MS),
    );
    for (const { line, record } of current) {
      const error = failures.get(record.messageId);
      if (error !== undefined) summary.failed.push({ line, error });
      else {
        summary.processed++;
        if (outcomes.get(record.messageId)?.kind === 'ignored') summary.ignored++;
      }
    }
    onProgress?.(summary.records);
  };
  for await (const entry of recordsOf(lines)) {
    summary.records++;
    batch.push(entry);
    if (batch.length >= batchSize) await run();
  }
  await run();
  return summary;
}

export async function replayFile(
  processor: ReturnType<typeof createProcessor>,
  file: string | undefined,
  options?: ReplayOptions,
) {
  return replayLines(processor, readLines(file), options);
}
