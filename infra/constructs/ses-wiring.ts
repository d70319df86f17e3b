import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import * as ses from 'aws-cdk-lib/aws-ses';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { AwsCustomResource, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct, type IConstruct } from 'constructs';
import { DEFAULT_CONFIG, type IdentityNotificationType, type IngestMode, type SesEventType } from '../config';
import { defaultEventBusArn } from './eventbridge-ingest';
import { cfnOf } from './function-defaults';
import { FunctionRole } from './function-role';
import { acknowledgeNistFunction, type NistSettings } from './nist-profile';

/** ARN of an SES identity (domain or address) in the stack's account and region. */
export const sesIdentityArn = (scope: IConstruct, identity: string): string =>
  Stack.of(scope).formatArn({ service: 'ses', resource: 'identity', resourceName: identity });

/** ARN of an SES configuration set in the stack's account and region. */
export const sesConfigurationSetArn = (scope: IConstruct, configurationSet: string): string =>
  Stack.of(scope).formatArn({
    service: 'ses',
    resource: 'configuration-set',
    resourceName: configurationSet,
  });

/** SES v2 event type names (as in config and the SES API) → CloudFormation `MatchingEventTypes` values. */
export const CFN_EVENT_TYPE: Readonly<Record<SesEventType, ses.EmailSendingEvent>> = {
  BOUNCE: ses.EmailSendingEvent.BOUNCE,
  COMPLAINT: ses.EmailSendingEvent.COMPLAINT,
  DELIVERY: ses.EmailSendingEvent.DELIVERY,
  SEND: ses.EmailSendingEvent.SEND,
  DELIVERY_DELAY: ses.EmailSendingEvent.DELIVERY_DELAY,
  REJECT: ses.EmailSendingEvent.REJECT,
};

export interface SesWiringProps {
  /** The topic SES publishes to. Its policy must already admit SES for these identities/sets. */
  readonly topic: sns.ITopic;
  /**
   * Identities (domain or address names) whose notifications go to the topic.
   * @default []
   */
  readonly identities?: readonly string[];
  /**
   * Existing configuration sets (names) that get an SNS event destination for the topic.
   * @default []
   */
  readonly configurationSets?: readonly string[];
  /**
   * Event types the configuration set event destinations publish.
   * @default ['BOUNCE', 'COMPLAINT', 'DELIVERY', 'SEND']
   */
  readonly eventTypes?: readonly SesEventType[];
  /**
   * Identity notification types pointed at the topic.
   * @default ['Bounce', 'Complaint', 'Delivery']
   */
  readonly identityNotificationTypes?: readonly IdentityNotificationType[];
  /**
   * Which event destinations each configuration set gets: `sns` (the topic), `eventbridge` (the
   * default event bus) or `both`.
   * @default 'sns'
   */
  readonly ingest?: IngestMode;
  /** Retention of the identity custom resource's log group (only created when there are identities). */
  readonly logRetention: logs.RetentionDays;
  /**
   * The NIST 800-53 r5 profile's settings, for the custom resource function (KMS-encrypted logs,
   * customer managed policy, one call at a time).
   * @default profile off
   */
  readonly nist?: NistSettings | undefined;
}

/**
 * Points SES at the notification topic:
 *
 * - each configuration set gets an `AWS::SES::ConfigurationSetEventDestination` (the set itself
 *   belongs to the user and is referenced by name);
 * - each identity gets, per notification type, a custom resource calling SES v1
 *   `SetIdentityNotificationTopic` (identity notification topics have no CloudFormation resource).
 *   Create/update set the topic; delete clears it (no `SnsTopic`), so removing an identity from the
 *   config or destroying the stack leaves the identity as it was before. Notification types not
 *   configured here are never touched.
 *
 * Creates nothing when neither identities nor configuration sets are given.
 */
export class SesWiring extends Construct {
  /** SNS event destinations, one per configuration set, keyed by set name (none with `ingest: eventbridge`). */
  readonly eventDestinations: ReadonlyMap<string, ses.CfnConfigurationSetEventDestination>;
  /** EventBridge event destinations (default bus), keyed by set name (only with `ingest` `eventbridge` or `both`). */
  readonly eventBridgeDestinations: ReadonlyMap<string, ses.CfnConfigurationSetEventDestination>;
  /** Custom resources, keyed by `<identity>/<notification type>`. */
  readonly identityNotificationTopics: ReadonlyMap<string, AwsCustomResource>;
  /** Execution role of the custom resource function (only when there are identities). */
  readonly role: FunctionRole | undefined;
  /** Log group of the custom resource function (only when there are identities). */
  readonly logGroup: LogGroup | undefined;
  /** The stack's AwsCustomResource singleton function (only when there are identities). */
  readonly providerFunction: IConstruct | undefined;

  /** Every resource that makes SES publish to the topic (for dependencies on the topic's setup). */
  get sesResources(): IConstruct[] {
    return [...this.eventDestinations.values(), ...this.identityNotificationTopics.values()];
  }

  /** Every resource that makes SES publish to EventBridge (for dependencies on the rule's setup). */
  get eventBridgeResources(): IConstruct[] {
    return [...this.eventBridgeDestinations.values()];
  }

  constructor(scope: Construct, id: string, props: SesWiringProps) {
    super(scope, id);
    const identities = props.identities ?? DEFAULT_CONFIG.sesIdentities;
    const configurationSets = props.configurationSets ?? DEFAULT_CONFIG.sesConfigurationSets;
    const eventTypes = props.eventTypes ?? DEFAULT_CONFIG.sesEventTypes;
    const notificationTypes = props.identityNotificationTypes ?? DEFAULT_CONFIG.identityNotificationTypes;

    const ingest = props.ingest ?? DEFAULT_CONFIG.ingest;
    const destinations = new Map<string, ses.CfnConfigurationSetEventDestination>();
    const toEventBridge = new Map<string, ses.CfnConfigurationSetEventDestination>();
    for (const name of configurationSets) {
      if (ingest !== 'sns') {
        toEventBridge.set(
          name,
          new ses.CfnConfigurationSetEventDestination(this, `ConfigurationSetEventBridge-${name}`, {
            configurationSetName: name,
            eventDestination: {
              enabled: true,
              matchingEventTypes: eventTypes.map((type) => CFN_EVENT_TYPE[type]),
              eventBridgeDestination: { eventBusArn: defaultEventBusArn(this) },
            },
          }),
        );
      }
      if (ingest === 'eventbridge') continue;
      destinations.set(
        name,
        new ses.CfnConfigurationSetEventDestination(this, `ConfigurationSet-${name}`, {
          configurationSetName: name,
          eventDestination: {
            // Name left to CloudFormation, so two stacks (staging, production) can wire the same set.
            enabled: true,
            matchingEventTypes: eventTypes.map((type) => CFN_EVENT_TYPE[type]),
            snsDestination: { topicArn: props.topic.topicArn },
          },
        }),
      );
    }
    this.eventDestinations = destinations;
    this.eventBridgeDestinations = toEventBridge;

    const topics = new Map<string, AwsCustomResource>();
    if (identities.length === 0) {
      this.role = undefined;
      this.logGroup = undefined;
      this.providerFunction = undefined;
      this.identityNotificationTopics = topics;
      return;
    }

    // One role and one log group for the stack's singleton AwsCustomResource function, instead of
    // the defaults (AWSLambdaBasicExecutionRole = logs:* everywhere; a log group that never expires).
    this.logGroup = new LogGroup(this, 'IdentityNotificationsLogGroup', {
      retention: props.logRetention,
      ...(props.nist ? { encryptionKey: props.nist.logKey } : {}),
      // Default removal policy (RETAIN), as for the processor's logs.
    });
    this.role = new FunctionRole(this, 'IdentityNotificationsRole', {
      description: 'Sets/clears SES identity notification topics for the configured identities only',
      customerManagedPolicy: props.nist !== undefined,
    });
    this.logGroup.grantWrite(this.role);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SetIdentityNotificationTopic'],
        resources: identities.map((identity) => sesIdentityArn(this, identity)),
      }),
    );

    let previous: AwsCustomResource | undefined;
    for (const identity of identities) {
      for (const type of notificationTypes) {
        const call = (snsTopic: string | undefined) => ({
          service: 'SES',
          action: 'SetIdentityNotificationTopic',
          parameters: {
            Identity: identity,
            NotificationType: type,
            ...(snsTopic === undefined ? {} : { SnsTopic: snsTopic }),
          },
          physicalResourceId: PhysicalResourceId.of(`${identity}/${type}`),
        });
        const resource = new AwsCustomResource(this, `Identity-${identity}-${type}`, {
          resourceType: 'Custom::SesIdentityNotificationTopic',
          onCreate: call(props.topic.topicArn),
          onUpdate: call(props.topic.topicArn),
          onDelete: call(undefined),
          role: this.role,
          logGroup: this.logGroup,
          // The SDK in the Lambda runtime has SetIdentityNotificationTopic; no npm install at deploy time.
          installLatestAwsSdk: false,
          memorySize: 256,
        });
        // The role's policy must exist before the first call. One call at a time: CloudFormation would
        // otherwise run them all at once, and SES throttles its (low-rate) identity management APIs.
        resource.node.addDependency(this.role, ...(previous === undefined ? [] : [previous]));
        previous = resource;
        topics.set(`${identity}/${type}`, resource);
      }
    }
    this.identityNotificationTopics = topics;

    // The one function behind every AwsCustomResource of the stack (a CDK singleton at stack level).
    this.providerFunction = Stack.of(this).node.findChild(
      `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
    );
    const dlqReason =
      "CDK's AwsCustomResource function, invoked by CloudFormation only during a deployment, once per " +
      'identity and notification type. It reports every outcome to CloudFormation, which fails and rolls ' +
      'back the deployment on an error; a queued copy of the request would be useless (its response URL ' +
      'expires), and the log group records each call.';
    Validations.of(cfnOf(this.providerFunction)).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: dlqReason,
    });
    // The calls already run one after another (dependencies above), so one at a time costs nothing.
    if (props.nist) acknowledgeNistFunction(this.providerFunction, dlqReason, { reservedConcurrency: 1 });
    Validations.of(cfnOf(this.providerFunction)).acknowledge({
      id: 'Serverless-LambdaTracing',
      reason:
        "CDK's AwsCustomResource function makes one SES call per invocation, only during deployments; " +
        'CloudFormation events and its log group show each call and its result. Active tracing would add ' +
        'X-Ray write on Resource "*" to its role for traces of nothing but that one call.',
    });
  }
}
