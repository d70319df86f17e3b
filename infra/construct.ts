import { CfnOutput, Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  hygieneIntervalMinutes,
  resolveSettings,
  type SesBounceHandlerProps,
  type SesBounceHandlerSettings,
} from './config';
import { ChatNotifications } from './constructs/chat';
import { EventBridgeIngest } from './constructs/eventbridge-ingest';
import { Hygiene } from './constructs/hygiene';
import { Ingest } from './constructs/ingest';
import { Monitoring } from './constructs/monitoring';
import { NistProfile } from './constructs/nist-profile';
import { OnCall } from './constructs/on-call';
import { Processor, processorTimingFor } from './constructs/processor';
import { SesWiring, sesConfigurationSetArn, sesIdentityArn } from './constructs/ses-wiring';
import { Store } from './constructs/store';
import { Sync } from './constructs/sync';
import { grantTableItems } from './grants';

/** What `SuppressionClient.check` calls (shared/client/index.ts): BatchGetItem on the table, nothing else. */
export const CHECK_ACTIONS = ['dynamodb:BatchGetItem'] as const;

/**
 * The SES bounce and complaint handler, added to any stack: SES notifications → SNS → SQS (+DLQ) →
 * processor Lambda → DynamoDB suppression table, the hygiene job, the optional SES suppression list
 * sync, on-call alarms and a dashboard. Environment-agnostic: no lookups, account and region resolve
 * at deploy time.
 *
 * Props are the settings of this repository's `cdk.json`, validated here, once: an unknown key or a bad
 * value throws a `ConfigError` naming it. The functions are the package's prebuilt bundles.
 *
 * @example
 * const bounces = new SesBounceHandler(stack, 'Bounces', { alarmEmail: 'oncall@acme.example' });
 * bounces.grantCheck(pipelineFunction);
 * applyChecks(bounces);
 */
/** Marks a SesBounceHandler across copies of this package (its ESM and CJS builds are two classes). */
const SES_BOUNCE_HANDLER = Symbol.for('ses-bounce-handler.SesBounceHandler');

export class SesBounceHandler extends Construct {
  /** Whether `x` is a SesBounceHandler, from whichever copy or build (ESM, CJS) of this package. */
  static isSesBounceHandler(x: unknown): x is SesBounceHandler {
    return typeof x === 'object' && x !== null && SES_BOUNCE_HANDLER in x;
  }

  /** The validated settings, defaults filled in. */
  readonly settings: SesBounceHandlerSettings;
  /** The suppression table (what `SuppressionClient` reads; `TABLE_NAME` for the CLI). */
  readonly table: dynamodb.Table;
  /** The SNS topic SES publishes notifications to. */
  readonly topic: sns.Topic;
  /** The queue the processor consumes. */
  readonly queue: sqs.Queue;
  /** Notifications the processor failed on repeatedly. */
  readonly deadLetterQueue: sqs.Queue;
  /** The on-call topic every alarm notifies (KMS-encrypted): subscribe a pager or chat here. */
  readonly onCallTopic: sns.Topic;
  /** Every alarm (each notifies {@link onCallTopic} on ALARM and on OK). */
  readonly alarms: readonly cloudwatch.Alarm[];
  /** The CloudWatch dashboard of rates, decisions, queues and errors. */
  readonly dashboard: cloudwatch.Dashboard;

  readonly ingest: Ingest;
  /** The EventBridge rules (SES email events → the queue, `Sending Status Disabled` → on-call); undefined with `ingest: sns`. */
  readonly eventBridgeIngest: EventBridgeIngest | undefined;
  readonly store: Store;
  readonly processor: Processor;
  readonly sesWiring: SesWiring;
  /** The SES suppression list sync; undefined when `sesSyncMode` is `off`. */
  readonly sync: Sync | undefined;
  readonly onCall: OnCall;
  /** The on-call topic's chat channel (AWS Chatbot), when `chat` names one. */
  readonly chat?: ChatNotifications;
  readonly hygiene: Hygiene;
  readonly monitoring: Monitoring;
  /** The NIST 800-53 r5 profile's key and backup plan; undefined unless `compliance` selects it. */
  readonly nist: NistProfile | undefined;

  /** @throws ConfigError naming every unknown key (with "did you mean …") and every bad value */
  constructor(scope: Construct, id: string, props: SesBounceHandlerProps = {}) {
    super(scope, id);
    Object.defineProperty(this, SES_BOUNCE_HANDLER, { value: true });
    const settings = resolveSettings(props);
    this.settings = settings;

    const identities = settings.sesIdentities;
    const configurationSets = settings.sesConfigurationSets;
    const logRetention = settings.logRetentionDays as logs.RetentionDays;
    const batching = {
      batchSize: settings.batchSize,
      maxBatchingWindowSeconds: settings.maxBatchingWindowSeconds,
      maxConcurrency: settings.maxConcurrency,
    };
    this.ingest = new Ingest(this, 'Ingest', {
      visibilityTimeout: processorTimingFor(batching).visibilityTimeout,
      maxReceiveCount: settings.dlqMaxReceiveCount,
      sesSourceArns: [
        ...identities.map((identity) => sesIdentityArn(this, identity)),
        ...configurationSets.map((name) => sesConfigurationSetArn(this, name)),
      ],
    });
    this.store = new Store(this, 'Store');
    this.nist =
      settings.compliance === 'nist-800-53-r5'
        ? new NistProfile(this, 'Nist', { table: this.store.table })
        : undefined;
    const nist = this.nist;
    this.processor = new Processor(this, 'Processor', {
      table: this.store.table,
      queue: this.ingest.queue,
      ...batching,
      logRetention,
      policy: settings.policy,
      countSendsOnce: settings.ingest === 'both',
      nist,
    });

    this.sesWiring = new SesWiring(this, 'SesWiring', {
      topic: this.ingest.topic,
      identities,
      configurationSets,
      eventTypes: settings.sesEventTypes,
      identityNotificationTypes: settings.identityNotificationTypes,
      ingest: settings.ingest,
      logRetention,
      nist,
    });
    // SES starts publishing as soon as it is wired: topic policy, key policy, queue and subscription
    // must be in place by then, or the first notifications are rejected or lost.
    for (const resource of this.sesWiring.sesResources) resource.node.addDependency(this.ingest);

    this.sync =
      settings.sesSyncMode === 'off'
        ? undefined
        : new Sync(this, 'Sync', {
            table: this.store.table,
            mode: settings.sesSyncMode,
            schedule: settings.syncSchedule,
            ratePerSecond: settings.sesSyncRatePerSecond,
            policy: settings.policy,
            logRetention,
            nist,
          });

    this.onCall = new OnCall(this, 'OnCall', { alarmEmail: settings.alarmEmail });
    this.eventBridgeIngest =
      settings.ingest === 'sns'
        ? undefined
        : new EventBridgeIngest(this, 'EventBridge', {
            queue: this.ingest.queue,
            configurationSets,
            eventTypes: settings.sesEventTypes,
            onCallTopic: this.onCall.topic,
            onCallKey: this.onCall.key,
            customerManagedPolicy: nist !== undefined,
          });
    // As for SNS: the rule and its queue policy first, then SES starts publishing to the bus.
    for (const resource of this.sesWiring.eventBridgeResources)
      resource.node.addDependency(this.ingest, ...(this.eventBridgeIngest ? [this.eventBridgeIngest] : []));
    if (settings.chat.slack || settings.chat.teams)
      this.chat = new ChatNotifications(this, 'Chat', { topic: this.onCall.topic, chat: settings.chat });
    this.hygiene = new Hygiene(this, 'Hygiene', {
      table: this.store.table,
      schedule: settings.hygieneSchedule,
      thresholds: settings.thresholds,
      policy: settings.policy,
      brake: settings.emergencyBrake,
      tenants: settings.tenants,
      onCallTopic: this.onCall.topic,
      onCallKey: this.onCall.key,
      logRetention,
      nist,
    });
    const hygieneInterval = hygieneIntervalMinutes(settings.hygieneSchedule);
    this.monitoring = new Monitoring(this, 'Monitoring', {
      topic: this.onCall.topic,
      processor: this.processor.function,
      hygiene: this.hygiene.function,
      hygieneInterval: Duration.minutes(typeof hygieneInterval === 'number' ? hygieneInterval : 60),
      sync: this.sync?.function,
      queue: this.ingest.queue,
      deadLetterQueue: this.ingest.deadLetterQueue,
      subscriptionDeadLetterQueue: this.ingest.subscriptionDeadLetterQueue,
      eventBridgeDeadLetterQueue: this.eventBridgeIngest?.deadLetterQueue,
      hygieneScheduleDeadLetterQueue: this.hygiene.scheduleDeadLetterQueue,
      syncScheduleDeadLetterQueue: this.sync?.scheduleDeadLetterQueue,
      identities,
      tenants: settings.tenants,
      thresholds: settings.thresholds,
      oldestMessageAge: Duration.minutes(settings.oldestMessageAgeMinutes),
      senderSideFailures: settings.senderSideAlarmThreshold,
      providerSenderSideFailures: settings.providerSenderSideAlarmThreshold,
    });

    this.table = this.store.table;
    this.topic = this.ingest.topic;
    this.queue = this.ingest.queue;
    this.deadLetterQueue = this.ingest.deadLetterQueue;
    this.onCallTopic = this.onCall.topic;
    this.alarms = this.monitoring.alarms;
    this.dashboard = this.monitoring.dashboard;

    new CfnOutput(this, 'OnCallTopicArn', {
      description: 'SNS topic every alarm notifies (KMS-encrypted): subscribe your pager or chat here',
      value: this.onCall.topic.topicArn,
    });
    new CfnOutput(this, 'DashboardName', {
      description: 'CloudWatch dashboard of rates, decisions, queues and errors',
      value: this.monitoring.dashboard.dashboardName,
    });
    new CfnOutput(this, 'SesNotificationTopicArn', {
      description:
        'SNS topic SES publishes to: wired automatically for sesIdentities and sesConfigurationSets; point other identities or configuration sets here by hand only while both settings are empty (otherwise the topic policy refuses them)',
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

  /**
   * Grants what a sending pipeline needs to call `SuppressionClient.check` on {@link table}:
   * `dynamodb:BatchGetItem` on the table (no index, no writes).
   */
  grantCheck(grantee: iam.IGrantable): iam.Grant {
    return grantTableItems(grantee, this.store.table, { actions: CHECK_ACTIONS });
  }
}
