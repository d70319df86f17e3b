import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PolicyConfig } from '../../shared/core/policy-config';
import { DEFAULT_CONFIG } from '../config';
import { grantTableItems } from '../grants';
import { PROCESSOR_ENTRY } from '../paths';
import { acknowledgeXRayWildcard, cfnOf, functionProps } from './function-defaults';
import { FunctionRole } from './function-role';
import { acknowledgeNoFunctionDlq, type NistSettings } from './nist-profile';

/** Shortest processor timeout: room for cold start, a slow DynamoDB moment and the partial response. */
export const PROCESSOR_TIMEOUT = Duration.seconds(30);

/** How long the event source gathers messages before invoking, by default (also lets batchSize exceed 10). */
export const PROCESSOR_BATCHING_WINDOW = Duration.seconds(5);

/**
 * Time allowed per record when records run one after another: the worst case, where every record
 * of a batch names the same address (a strongly consistent read, an audit put and a conditional
 * state put, about 10-20 ms on DynamoDB, with room for conflict retries). Records of different
 * addresses run concurrently, so real batches take far less (docs/ingest.md has the figures).
 */
export const SERIAL_RECORD_BUDGET_MS = 50;

/** Lambda's longest timeout. */
const MAX_FUNCTION_TIMEOUT_S = 900;

/** The processor's timeout and its queue's visibility timeout, derived from the batching settings. */
export interface ProcessorTiming {
  readonly timeout: Duration;
  readonly batchingWindow: Duration;
  readonly visibilityTimeout: Duration;
}

/**
 * Timing that stays consistent with the batching: the function may take its batch one record at a
 * time (10 s + batchSize × {@link SERIAL_RECORD_BUDGET_MS}, at least 30 s, at most 900 s), and the
 * queue hides a batch for six of those plus the batching window (AWS guidance for Lambda consumers).
 */
export function processorTimingFor({
  batchSize,
  maxBatchingWindowSeconds,
}: {
  batchSize: number;
  maxBatchingWindowSeconds: number;
}): ProcessorTiming {
  const serialSeconds = Math.ceil(10 + (batchSize * SERIAL_RECORD_BUDGET_MS) / 1000);
  const timeout = Duration.seconds(
    Math.min(MAX_FUNCTION_TIMEOUT_S, Math.max(PROCESSOR_TIMEOUT.toSeconds(), serialSeconds)),
  );
  const batchingWindow = Duration.seconds(maxBatchingWindowSeconds);
  return { timeout, batchingWindow, visibilityTimeout: queueVisibilityTimeoutFor(timeout, batchingWindow) };
}

/**
 * Visibility timeout for a queue consumed by a Lambda event source: six times the function timeout
 * (AWS guidance, leaves room for throttled retries) plus the batching window.
 */
export function queueVisibilityTimeoutFor(
  functionTimeout: Duration = PROCESSOR_TIMEOUT,
  batchingWindow: Duration = PROCESSOR_BATCHING_WINDOW,
): Duration {
  return Duration.seconds(functionTimeout.toSeconds() * 6 + batchingWindow.toSeconds());
}

export interface ProcessorProps {
  /**
   * The suppression table; the function gets read/write on it and its name as `TABLE_NAME`.
   * (A `Pick` because CDK's `ITable` does not type-check under `exactOptionalPropertyTypes`.)
   */
  readonly table: Pick<dynamodb.ITable, 'tableName' | 'tableArn'>;
  /** Queue of SNS-enveloped SES notifications to consume. */
  readonly queue: sqs.IQueue;
  /**
   * Messages per invocation (1..10000); the function timeout is derived from it (processorTimingFor).
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * Longest the event source gathers messages before invoking, in seconds (0..300).
   * @default 5
   */
  readonly maxBatchingWindowSeconds?: number;
  /**
   * Maximum concurrent invocations by the event source (2..1000).
   * @default 5
   */
  readonly maxConcurrency?: number;
  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Suppression policy overrides, passed as `BOUNCE_POLICY` (omitted when empty: the defaults apply).
   * @default {}
   */
  readonly policy?: PolicyConfig;
  /**
   * Count each Send event once even when it arrives twice (`COUNT_SENDS_ONCE`: one conditional put
   * per Send); set for `ingest: both`, where every Send comes by SNS and by EventBridge.
   * @default false
   */
  readonly countSendsOnce?: boolean;
  /**
   * The NIST 800-53 r5 profile's settings (KMS-encrypted logs, customer managed policy, reserved
   * concurrency equal to {@link maxConcurrency}).
   * @default profile off
   */
  readonly nist?: NistSettings | undefined;
  /**
   * Handler source file (must export `handler`).
   * @default functions/processor/handler.ts at the repository root
   */
  readonly entry?: string;
}

/** The processor Lambda and its SQS event source. */
export class Processor extends Construct {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;
  /** The function timeout and the visibility timeout its queue needs (the queue must use the latter). */
  readonly timing: ProcessorTiming;

  constructor(scope: Construct, id: string, props: ProcessorProps) {
    super(scope, id);
    const batchSize = props.batchSize ?? DEFAULT_CONFIG.batchSize;
    this.timing = processorTimingFor({
      batchSize,
      maxBatchingWindowSeconds: props.maxBatchingWindowSeconds ?? DEFAULT_CONFIG.maxBatchingWindowSeconds,
    });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? (DEFAULT_CONFIG.logRetentionDays as logs.RetentionDays),
      ...(props.nist ? { encryptionKey: props.nist.logKey } : {}),
      // Default removal policy (RETAIN): logs outlive the stack for post-incident review, then expire.
    });

    // Own role instead of the AWSLambdaBasicExecutionRole managed policy (logs:* on every log group):
    // the function may write to its own log group only.
    const role = new FunctionRole(this, 'Role', {
      description: 'Processor Lambda: own log group, suppression table, processing queue',
      customerManagedPolicy: props.nist !== undefined,
    });
    this.logGroup.grantWrite(role);

    this.function = new lambda.Function(
      this,
      'Function',
      functionProps({
        description: 'Processes SES bounce/complaint/delivery notifications into the suppression table',
        entry: props.entry ?? PROCESSOR_ENTRY,
        role,
        logGroup: this.logGroup,
        timeout: this.timing.timeout,
        // As many as the event source may run at once: throttles then only come from the account.
        reservedConcurrentExecutions: props.nist
          ? (props.maxConcurrency ?? DEFAULT_CONFIG.maxConcurrency)
          : undefined,
        environment: {
          TABLE_NAME: props.table.tableName,
          ...(props.countSendsOnce ? { COUNT_SENDS_ONCE: 'true' } : {}),
        },
        policy: props.policy,
      }),
    );

    // What the store and the rate counters use: no index, no deletes, no scans.
    grantTableItems(this.function, props.table, {
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
    });

    acknowledgeXRayWildcard(role.grantsPolicy);

    this.function.addEventSource(
      new SqsEventSource(props.queue, {
        batchSize,
        maxBatchingWindow: this.timing.batchingWindow,
        maxConcurrency: props.maxConcurrency ?? DEFAULT_CONFIG.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    // Failures of this function are handled by the queue, which is why it has neither a function DLQ
    // nor an event source on-failure destination.
    const dlqReason =
      'The processor is only invoked by its SQS event source mapping, synchronously; a function DLQ ' +
      '(DeadLetterConfig) only receives failed asynchronous invocations, so it would stay empty. A failed ' +
      'record is reported as a batch item failure, redelivered, and after maxReceiveCount receives moved ' +
      "to the processing queue's DLQ, which the DeadLetters alarm watches.";
    acknowledgeNoFunctionDlq(this.function, dlqReason, props.nist);
    for (const mapping of this.function.node
      .findAll()
      .filter((c) => c instanceof lambda.EventSourceMapping)) {
      Validations.of(cfnOf(mapping)).acknowledge({
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          'Lambda supports on-failure destinations for Kinesis, DynamoDB Streams and Kafka event source ' +
          "mappings, not for SQS: for an SQS source the queue's redrive policy is the failure destination. " +
          'The processing queue has one (maxReceiveCount, then its DLQ, alarmed by DeadLetters).',
      });
    }
  }
}
