import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ACTIONABLE_DETAIL_TYPES, type EVENTBRIDGE_DETAIL_TYPES } from '../../shared/core/notification';
import type { SesEventType } from '../config';
import { deadLetterQueue } from './dead-letter-queue';

/** The EventBridge detail-type of each configuration set event type SES publishes (its EVENTBRIDGE_DETAIL_TYPES). */
const DETAIL_TYPE_OF: Readonly<Record<SesEventType, keyof typeof EVENTBRIDGE_DETAIL_TYPES>> = {
  BOUNCE: 'Email Bounced',
  COMPLAINT: 'Email Complaint Received',
  DELIVERY: 'Email Delivered',
  SEND: 'Email Sent',
  DELIVERY_DELAY: 'Email Delivery Delayed',
  REJECT: 'Email Rejected',
};

/**
 * SES's event when a reputation entity (a tenant, a configuration set …) stops sending: published to
 * the default bus by SES itself (the EventBridge events reference for Amazon SES). Reputation
 * findings reach EventBridge only as `Advisor Recommendation Status Open`, which also carries the
 * advisor's DKIM/SPF/DMARC/BIMI advice, so they are not paged (docs/ingest.md).
 */
export const SENDING_STATUS_DISABLED = 'Sending Status Disabled';

/** The default event bus: the only one SES publishes email events to. */
export const defaultEventBusArn = (scope: Construct) =>
  Stack.of(scope).formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' });

export interface EventBridgeIngestProps {
  /** The processing queue (the one SNS delivers to): the same processor, retries and DLQ. */
  readonly queue: sqs.IQueue;
  /**
   * Configuration sets whose events the rule takes (`mail.tags["ses:configuration-set"]`); empty:
   * every SES email event on the default bus — every configuration set of the account with an
   * EventBridge destination, other applications' included (docs/ingest.md): name them.
   * @default []
   */
  readonly configurationSets?: readonly string[];
  /** Event types the configuration sets publish: the rule takes those the processor acts on. */
  readonly eventTypes: readonly SesEventType[];
  /** The on-call topic, paged on `Sending Status Disabled`, and its key. */
  readonly onCallTopic: sns.ITopic;
  readonly onCallKey: kms.IKey;
  /**
   * The on-call role's permissions in a customer managed policy instead of an inline one (the NIST
   * 800-53 r5 profile asks for it).
   * @default false
   */
  readonly customerManagedPolicy?: boolean;
}

/**
 * SES events from the default EventBridge bus: one rule sends the email events the processor acts on
 * into the processing queue (the queue policy admits this rule only, `aws:SourceArn`), another
 * pages on-call on `Sending Status Disabled`. What EventBridge cannot deliver (after its retries for
 * up to a day) goes to a dead-letter queue whose depth pages on-call.
 */
export class EventBridgeIngest extends Construct {
  /** SES email events → the processing queue; undefined when no configured event type is acted on. */
  readonly rule: events.Rule | undefined;
  /** `Sending Status Disabled` → the on-call topic. */
  readonly sendingStatusRule: events.Rule;
  /** Events EventBridge could not deliver to the queue or the on-call topic. */
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: EventBridgeIngestProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue', 'the SES EventBridge rules');
    // EventBridge's own retry policy, written out: 185 attempts over a day, then the DLQ.
    const delivery = {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 185,
      maxEventAge: Duration.hours(24),
    };

    const detailTypes = [...new Set(props.eventTypes.map((type) => DETAIL_TYPE_OF[type]))].filter((type) =>
      (ACTIONABLE_DETAIL_TYPES as readonly string[]).includes(type),
    );
    const configurationSets = props.configurationSets ?? [];
    this.rule =
      detailTypes.length === 0
        ? undefined
        : new events.Rule(this, 'EmailEvents', {
            description: 'SES email events the bounce handler acts on -> its processing queue',
            eventPattern: {
              source: ['aws.ses'],
              detailType: detailTypes,
              // SES tags every event of a configuration set with its name (event publishing).
              ...(configurationSets.length > 0
                ? { detail: { mail: { tags: { 'ses:configuration-set': [...configurationSets] } } } }
                : {}),
            },
            targets: [new targets.SqsQueue(props.queue, delivery)],
          });

    this.sendingStatusRule = new events.Rule(this, 'SendingStatusDisabled', {
      description: 'SES stopped sending for a reputation entity (a tenant, a configuration set) -> on-call',
      eventPattern: { source: ['aws.ses'], detailType: [SENDING_STATUS_DISABLED] },
    });
    // Through a role of this stack, not a topic policy open to events.amazonaws.com (CDK's SnsTopic
    // target), and spelled out: CDK's grantPublish adds kms:GenerateDataKey*, more than SNS needs.
    const role = new iam.Role(this, 'OnCallRole', {
      description: 'Lets the SES Sending Status Disabled rule publish to the on-call topic, nothing else',
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
      }),
    });
    const statements = [
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.onCallTopic.topicArn] }),
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.onCallKey.keyArn],
      }),
    ];
    if (props.customerManagedPolicy) new iam.ManagedPolicy(role, 'Policy', { statements, roles: [role] });
    else for (const statement of statements) role.addToPolicy(statement);
    const rule = this.sendingStatusRule;
    // The whole event goes: its detail says which entity and why (AWS Chatbot renders EventBridge events).
    rule.addTarget({
      bind: () => ({
        arn: props.onCallTopic.topicArn,
        role,
        deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
        retryPolicy: { maximumRetryAttempts: delivery.retryAttempts, maximumEventAgeInSeconds: 86_400 },
      }),
    });
    this.deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
      }),
    );
  }
}
