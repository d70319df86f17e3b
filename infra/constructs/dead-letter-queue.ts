import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { cfnOf } from './function-defaults';

/**
 * The dead-letter queue of an SNS subscription or an EventBridge target: SSE-SQS (they can send to it
 * without a key grant), TLS only, messages kept 14 days (the SQS maximum) to leave time to look,
 * and kept when the stack is deleted.
 * `of` names what it is the dead-letter queue of, for the acknowledgements below.
 */
export function deadLetterQueue(scope: Construct, id: string, of: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    // What it holds was never delivered: `cdk destroy` keeps the queue (docs/deploy.md).
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledgeTerminalQueue(queue, of);
  Validations.of(cfnOf(queue)).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      `This queue IS a dead-letter queue, of ${of}; the rule only recognises DLQs named in another ` +
      "queue's redrive policy, not those of SNS subscriptions or EventBridge targets (RedrivePolicy / " +
      'DeadLetterConfig on the subscription or the rule target).',
  });
  return queue;
}

/**
 * A dead-letter queue is where failed messages end: a redrive policy of its own would only move the
 * same messages one queue further. Its depth alarms instead (infra/constructs/monitoring.ts).
 */
export function acknowledgeTerminalQueue(queue: sqs.Queue, of: string): void {
  Validations.of(cfnOf(queue)).acknowledge({
    id: 'Serverless-SQSRedrivePolicy',
    reason:
      `This queue is the dead-letter queue of ${of}: the end of the redrive chain, so it has no redrive ` +
      'policy of its own (another DLQ would hold the same messages one hop further). Nothing expires ' +
      'unseen: it keeps messages 14 days and a CloudWatch alarm on its depth pages on-call.',
  });
}
