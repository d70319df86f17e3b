import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_CONFIG } from '../config';
import { acknowledgeTerminalQueue, deadLetterQueue } from './dead-letter-queue';

const SES = 'ses.amazonaws.com';

export interface IngestProps {
  /**
   * Visibility timeout of the processing queue. Must be at least six times the consumer function's
   * timeout (plus its batching window) so a batch in flight is not handed to a second invocation.
   */
  readonly visibilityTimeout: Duration;
  /**
   * Receives before a message is moved to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * SES resources allowed to publish (`aws:SourceArn`, matched with `ArnLike`): the ARNs of the
   * identities and configuration sets wired to the topic. Empty means any SES identity or
   * configuration set of this account in this region (`arn:aws:ses:REGION:ACCOUNT:*`).
   * @default [] (any SES resource of this account and region)
   */
  readonly sesSourceArns?: readonly string[];
}

/**
 * SES → SNS topic → SQS queue (with DLQ).
 *
 * The topic is encrypted with a customer managed key, because SES can only publish to an SSE-KMS topic
 * whose key policy lets `ses.amazonaws.com` use the key (AWS managed `alias/aws/sns` cannot be edited).
 * The queues use SQS-managed encryption (SSE-SQS), which SNS can deliver to without any key grant.
 */
export class Ingest extends Construct {
  readonly topic: sns.Topic;
  readonly topicKey: kms.Key;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /**
   * Where SNS puts a notification it could not deliver to {@link queue} (the subscription's redrive
   * policy): the queue deleted or its policy broken, or SQS refusing for longer than SNS retries.
   * Such a notification never reached the processor, so its recipient is not suppressed yet.
   */
  readonly subscriptionDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': account } };

    this.topicKey = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts SES bounce/complaint/delivery notifications at rest in the SNS topic',
      enableKeyRotation: true,
      // Kept when the stack is deleted (`cdk destroy`): a key scheduled for deletion cannot decrypt
      // what it encrypted, and a notification in flight must never become unreadable. docs/deploy.md.
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    // The default key policy (account root) stays; this adds what SES needs to publish to the topic.
    this.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesToPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal(SES)],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: fromThisAccount,
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'SES notifications (bounce, complaint, delivery)',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    // The topic policy admits exactly one publisher: SES acting for this account, from an SES resource
    // of this account and region (`aws:SourceArn`, confused-deputy protection as AWS advises), and,
    // once identities or configuration sets are configured, only from those.
    const configured = props.sesSourceArns ?? [];
    const sourceArns =
      configured.length > 0 ? configured : [Stack.of(this).formatArn({ service: 'ses', resource: '*' })];
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesPublishFromThisAccount',
        principals: [new iam.ServicePrincipal(SES)],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ...fromThisAccount, ArnLike: { 'aws:SourceArn': [...sourceArns] } },
      }),
    );

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A standard queue keeps the original enqueue time on redrive, so this must exceed the source's
      // retention (4 days) to give operators time to look at failures.
      retentionPeriod: Duration.days(14),
      // Notifications that failed processing: `cdk destroy` must not delete them (docs/deploy.md).
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: props.maxReceiveCount ?? DEFAULT_CONFIG.dlqMaxReceiveCount,
      },
    });

    // Its own queue, not the processor's DLQ: these messages were never processed, and redriving them
    // means moving them into the processing queue, not back into the processor's retry cycle.
    this.subscriptionDeadLetterQueue = deadLetterQueue(
      this,
      'SubscriptionDeadLetterQueue',
      'the SNS subscription of the processing queue',
    );
    acknowledgeTerminalQueue(this.deadLetterQueue, 'the processing queue (after maxReceiveCount receives)');

    // Raw delivery off: the handler receives and parses the SNS envelope (Type, MessageId, Message, ...).
    // The subscription's redrive policy (plus the queue policy letting this topic send to it) comes
    // from `deadLetterQueue`.
    this.topic.addSubscription(
      new subscriptions.SqsSubscription(this.queue, {
        rawMessageDelivery: false,
        deadLetterQueue: this.subscriptionDeadLetterQueue,
      }),
    );
  }
}
