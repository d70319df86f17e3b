import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { BrakeConfig } from '../shared/core/brake';
import type { PolicyConfig } from '../shared/core/policy-config';
import type { Thresholds } from '../shared/core/rates';
import {
  type AppConfig,
  type ComplianceProfile,
  DEFAULT_CONFIG,
  type IdentityNotificationType,
  type SesEventType,
} from './config';
import { Hygiene } from './constructs/hygiene';
import { Ingest } from './constructs/ingest';
import { Monitoring } from './constructs/monitoring';
import { NistProfile } from './constructs/nist-profile';
import { OnCall } from './constructs/on-call';
import { Processor, processorTimingFor } from './constructs/processor';
import { SesWiring, sesConfigurationSetArn, sesIdentityArn } from './constructs/ses-wiring';
import { Store } from './constructs/store';
import { Sync } from './constructs/sync';

export interface SesBounceHandlerStackProps extends StackProps {
  /**
   * Messages per processor invocation (the processor and visibility timeouts follow from it).
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * Longest the processor's event source gathers messages before invoking, in seconds.
   * @default 5
   */
  readonly maxBatchingWindowSeconds?: number;
  /**
   * Maximum concurrent processor invocations driven by the queue (2..1000).
   * @default 5
   */
  readonly maxConcurrency?: number;
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
  /**
   * SES identities (domain or address names) to point at the topic; also the topic policy's allowed
   * `aws:SourceArn`s (with the configuration sets).
   * @default []
   */
  readonly sesIdentities?: readonly string[];
  /**
   * Existing SES configuration sets (names) that get an event destination for the topic.
   * @default []
   */
  readonly sesConfigurationSets?: readonly string[];
  /**
   * Event types the configuration set event destinations publish.
   * @default ['BOUNCE', 'COMPLAINT', 'DELIVERY', 'SEND']
   */
  readonly sesEventTypes?: readonly SesEventType[];
  /**
   * Identity notification types pointed at the topic.
   * @default ['Bounce', 'Complaint', 'Delivery']
   */
  readonly identityNotificationTypes?: readonly IdentityNotificationType[];
  /**
   * Suppression policy overrides for the processor (`BOUNCE_POLICY`).
   * @default {} (the documented defaults)
   */
  readonly policy?: PolicyConfig;
  /**
   * SES account suppression list sync: `push`, `pull`, `both`, or `off` (no sync resources).
   * @default 'off'
   */
  readonly sesSyncMode?: AppConfig['sesSyncMode'];
  /**
   * Schedule expression of the sync.
   * @default 'rate(1 hour)'
   */
  readonly syncSchedule?: string;
  /**
   * SES calls per second the sync makes.
   * @default 1
   */
  readonly sesSyncRatePerSecond?: number;
  /**
   * Schedule expression of the hygiene job.
   * @default 'rate(1 hour)'
   */
  readonly hygieneSchedule?: string;
  /**
   * Rate levels (fractions) and minimum volume, for the hygiene job and the rate alarms.
   * @default DEFAULT_THRESHOLDS (2 % / 5 % bounce, 0.08 % / 0.1 % complaint, 200 sends)
   */
  readonly thresholds?: Thresholds;
  /**
   * Email subscribed to the on-call topic; empty for none.
   * @default ''
   */
  readonly alarmEmail?: string;
  /**
   * Oldest queued notification age (minutes) that pages on-call.
   * @default 30
   */
  readonly oldestMessageAgeMinutes?: number;
  /**
   * Sender-side failures per 15 minutes that page on-call.
   * @default 10
   */
  readonly senderSideAlarmThreshold?: number;
  /**
   * Emergency brake: configuration sets paused when their identity is critical.
   * @default off
   */
  readonly emergencyBrake?: BrakeConfig;
  /**
   * Compliance profile: `nist-800-53-r5` adds the resources cdk-nag's NIST 800-53 rev 5 pack asks for.
   * @default 'none'
   */
  readonly compliance?: ComplianceProfile;
}

/** Stack props from validated config; `infra/app.ts` and the tests build the stack through this. */
export function stackPropsFromConfig(config: AppConfig): SesBounceHandlerStackProps {
  return {
    stackName: config.stackName,
    batchSize: config.batchSize,
    maxBatchingWindowSeconds: config.maxBatchingWindowSeconds,
    maxConcurrency: config.maxConcurrency,
    dlqMaxReceiveCount: config.dlqMaxReceiveCount,
    logRetentionDays: config.logRetentionDays,
    sesIdentities: config.sesIdentities,
    sesConfigurationSets: config.sesConfigurationSets,
    sesEventTypes: config.sesEventTypes,
    identityNotificationTypes: config.identityNotificationTypes,
    policy: config.policy,
    sesSyncMode: config.sesSyncMode,
    syncSchedule: config.syncSchedule,
    sesSyncRatePerSecond: config.sesSyncRatePerSecond,
    hygieneSchedule: config.hygieneSchedule,
    thresholds: config.thresholds,
    alarmEmail: config.alarmEmail,
    oldestMessageAgeMinutes: config.oldestMessageAgeMinutes,
    senderSideAlarmThreshold: config.senderSideAlarmThreshold,
    emergencyBrake: config.emergencyBrake,
    compliance: config.compliance,
  };
}

/**
 * SES notifications → SNS → SQS (+DLQ) → processor Lambda → DynamoDB suppression table.
 * Environment-agnostic: no lookups, account and region resolve at deploy time.
 */
export class SesBounceHandlerStack extends Stack {
  readonly ingest: Ingest;
  readonly store: Store;
  readonly processor: Processor;
  readonly sesWiring: SesWiring;
  /** The SES suppression list sync; undefined when `sesSyncMode` is `off`. */
  readonly sync: Sync | undefined;
  readonly onCall: OnCall;
  readonly hygiene: Hygiene;
  readonly monitoring: Monitoring;
  /** The NIST 800-53 r5 profile's key and backup plan; undefined unless `compliance` selects it. */
  readonly nist: NistProfile | undefined;

  constructor(scope: Construct, id: string, props: SesBounceHandlerStackProps = {}) {
    super(scope, id, {
      description: 'SES bounce and complaint handler: SNS -> SQS -> Lambda -> DynamoDB suppression table',
      ...props,
    });

    const identities = props.sesIdentities ?? DEFAULT_CONFIG.sesIdentities;
    const configurationSets = props.sesConfigurationSets ?? DEFAULT_CONFIG.sesConfigurationSets;
    const logRetention = (props.logRetentionDays ?? DEFAULT_CONFIG.logRetentionDays) as logs.RetentionDays;

    const batching = {
      batchSize: props.batchSize ?? DEFAULT_CONFIG.batchSize,
      maxBatchingWindowSeconds: props.maxBatchingWindowSeconds ?? DEFAULT_CONFIG.maxBatchingWindowSeconds,
      maxConcurrency: props.maxConcurrency ?? DEFAULT_CONFIG.maxConcurrency,
    };
    this.ingest = new Ingest(this, 'Ingest', {
      visibilityTimeout: processorTimingFor(batching).visibilityTimeout,
      maxReceiveCount: props.dlqMaxReceiveCount ?? DEFAULT_CONFIG.dlqMaxReceiveCount,
      sesSourceArns: [
        ...identities.map((identity) => sesIdentityArn(this, identity)),
        ...configurationSets.map((name) => sesConfigurationSetArn(this, name)),
      ],
    });
    this.store = new Store(this, 'Store');
    this.nist =
      (props.compliance ?? DEFAULT_CONFIG.compliance) === 'nist-800-53-r5'
        ? new NistProfile(this, 'Nist', { table: this.store.table })
        : undefined;
    const nist = this.nist;
    this.processor = new Processor(this, 'Processor', {
      table: this.store.table,
      queue: this.ingest.queue,
      ...batching,
      logRetention,
      policy: props.policy ?? DEFAULT_CONFIG.policy,
      nist,
    });

    this.sesWiring = new SesWiring(this, 'SesWiring', {
      topic: this.ingest.topic,
      identities,
      configurationSets,
      eventTypes: props.sesEventTypes ?? DEFAULT_CONFIG.sesEventTypes,
      identityNotificationTypes: props.identityNotificationTypes ?? DEFAULT_CONFIG.identityNotificationTypes,
      logRetention,
      nist,
    });
    // SES starts publishing as soon as it is wired: topic policy, key policy, queue and subscription
    // must be in place by then, or the first notifications are rejected or lost.
    for (const resource of this.sesWiring.sesResources) resource.node.addDependency(this.ingest);

    const syncMode = props.sesSyncMode ?? DEFAULT_CONFIG.sesSyncMode;
    this.sync =
      syncMode === 'off'
        ? undefined
        : new Sync(this, 'Sync', {
            table: this.store.table,
            mode: syncMode,
            schedule: props.syncSchedule ?? DEFAULT_CONFIG.syncSchedule,
            ratePerSecond: props.sesSyncRatePerSecond ?? DEFAULT_CONFIG.sesSyncRatePerSecond,
            policy: props.policy ?? DEFAULT_CONFIG.policy,
            logRetention,
            nist,
          });

    const thresholds = props.thresholds ?? DEFAULT_CONFIG.thresholds;
    this.onCall = new OnCall(this, 'OnCall', { alarmEmail: props.alarmEmail ?? DEFAULT_CONFIG.alarmEmail });
    this.hygiene = new Hygiene(this, 'Hygiene', {
      table: this.store.table,
      schedule: props.hygieneSchedule ?? DEFAULT_CONFIG.hygieneSchedule,
      thresholds,
      policy: props.policy ?? DEFAULT_CONFIG.policy,
      brake: props.emergencyBrake ?? DEFAULT_CONFIG.emergencyBrake,
      onCallTopic: this.onCall.topic,
      onCallKey: this.onCall.key,
      logRetention,
      nist,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      topic: this.onCall.topic,
      processor: this.processor.function,
      hygiene: this.hygiene.function,
      sync: this.sync?.function,
      queue: this.ingest.queue,
      deadLetterQueue: this.ingest.deadLetterQueue,
      subscriptionDeadLetterQueue: this.ingest.subscriptionDeadLetterQueue,
      hygieneScheduleDeadLetterQueue: this.hygiene.scheduleDeadLetterQueue,
      syncScheduleDeadLetterQueue: this.sync?.scheduleDeadLetterQueue,
      identities,
      thresholds,
      oldestMessageAge: Duration.minutes(
        props.oldestMessageAgeMinutes ?? DEFAULT_CONFIG.oldestMessageAgeMinutes,
      ),
      senderSideFailures: props.senderSideAlarmThreshold ?? DEFAULT_CONFIG.senderSideAlarmThreshold,
    });

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
}
