import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DEFAULT_CONFIG } from './config';
import { Ingest } from './constructs/ingest';
import { Processor, queueVisibilityTimeoutFor } from './constructs/processor';
import { Store } from './constructs/store';

export interface SesBounceHandlerStackProps extends StackProps {
  /**
   * Messages per processor invocation.
   * @default 10
   */
  readonly processorBatchSize?: number;
  /**
   * Maximum concurrent processor invocations driven by the queue (2..1000).
   * @default 5
   */
  readonly processorMaxConcurrency?: number;
  /**
   * Receives before a message is moved to the dead-letter queue.
   * @default 5
   */
  readonly dlqMaxReceiveCount?: number;
  /**
   * Processor log retention in days (a CloudWatch Logs retention value).
   * @default 30
   */
  readonly logRetentionDays?: number;
}

/**
 * SES notifications → SNS → SQS (+DLQ) → processor Lambda → DynamoDB suppression table.
 * Environment-agnostic: no lookups, account and region resolve at deploy time.
 */
export class SesBounceHandlerStack extends Stack {
  readonly ingest: Ingest;
  readonly store: Store;
  readonly processor: Processor;

  constructor(scope: Construct, id: string, props: SesBounceHandlerStackProps = {}) {
    super(scope, id, {
      description: 'SES bounce and complaint handler: SNS -> SQS -> Lambda -> DynamoDB suppression table',
      ...props,
    });

    this.ingest = new Ingest(this, 'Ingest', {
      visibilityTimeout: queueVisibilityTimeoutFor(),
      maxReceiveCount: props.dlqMaxReceiveCount ?? DEFAULT_CONFIG.dlqMaxReceiveCount,
    });
    this.store = new Store(this, 'Store');
    this.processor = new Processor(this, 'Processor', {
      table: this.store.table,
      queue: this.ingest.queue,
      batchSize: props.processorBatchSize ?? DEFAULT_CONFIG.processorBatchSize,
      maxConcurrency: props.processorMaxConcurrency ?? DEFAULT_CONFIG.processorMaxConcurrency,
      logRetention: (props.logRetentionDays ?? DEFAULT_CONFIG.logRetentionDays) as logs.RetentionDays,
    });

    new CfnOutput(this, 'SesNotificationTopicArn', {
      description:
        'Point SES here: SNS destination for Bounce, Complaint and Delivery notifications (configuration set event destination or identity feedback notifications)',
      value: this.ingest.topic.topicArn,
    });
    new CfnOutput(this, 'ProcessingQueueUrl', {
      description: 'SQS queue the processor consumes (SNS envelopes, raw delivery off)',
      value: this.ingest.queue.queueUrl,
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      description: 'Notifications the processor failed on repeatedly; inspect and redrive from here',
      value: this.ingest.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'SuppressionTableName', {
      description: 'DynamoDB suppression table (TABLE_NAME for the CLI)',
      value: this.store.table.tableName,
    });
    new CfnOutput(this, 'ProcessorFunctionName', {
      description: 'Processor Lambda function',
      value: this.processor.function.functionName,
    });
  }
}
