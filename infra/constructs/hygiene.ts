import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../shared/adapters/dynamodb/schema';
import type { BrakeConfig } from '../../shared/core/brake';
import type { PolicyConfig } from '../../shared/core/policy-config';
import type { Thresholds } from '../../shared/core/rates';
import { grantTableItems } from '../grants';
import { HYGIENE_ENTRY } from '../paths';
import { deadLetterQueue } from './dead-letter-queue';
import { acknowledgeXRayWildcard, functionProps } from './function-defaults';
import { FunctionRole } from './function-role';
import { acknowledgeNoFunctionDlq, type NistSettings } from './nist-profile';

/** What the brake calls on each tenant it may disable (resource: the tenant). */
export const TENANT_BRAKE_ACTIONS = [
  'ses:GetTenant',
  'ses:GetReputationEntity',
  'ses:UpdateReputationEntityCustomerManagedStatus',
] as const;

/** The item actions the hygiene job calls on the table (BatchWriteItem separately, on counters only). */
export const HYGIENE_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'] as const;

export interface HygieneProps {
  /**
   * The suppression table: rate counters are read; due soft-bounce watchers are promoted and stale
   * counters deleted (list hygiene), so the function may write too.
   */
  readonly table: Pick<dynamodb.ITable, 'tableName' | 'tableArn'>;
  /**
   * EventBridge schedule expression of the run.
   * @default 'rate(1 hour)'
   */
  readonly schedule?: string;
  /**
   * Rate thresholds as fractions (`HYGIENE_THRESHOLDS`); unset keys keep their defaults.
   * @default {} (warning 2 % / 0.08 %, critical 5 % / 0.1 %, minimum volume 200)
   */
  readonly thresholds?: Partial<Thresholds>;
  /**
   * The suppression policy (`BOUNCE_POLICY`): escalation rules decide when a watcher is due.
   * @default {} (the documented defaults)
   */
  readonly policy?: PolicyConfig;
  /**
   * Emergency brake (`EMERGENCY_BRAKE`); when enabled the function may read and pause the mapped
   * configuration sets (and the account only with `pauseAccount`) and publish to {@link onCallTopic}.
   * @default off: no SES permission at all
   */
  readonly brake?: BrakeConfig;
  /**
   * SES tenants with their own metrics (`TENANTS`, the `tenants` setting).
   * @default []
   */
  readonly tenants?: readonly string[];
  /** Where the brake reports what it paused (`ON_CALL_TOPIC_ARN`), and the key that encrypts it. */
  readonly onCallTopic: sns.ITopic;
  readonly onCallKey: kms.IKey;
  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The NIST 800-53 r5 profile's settings (KMS-encrypted logs, customer managed policies, one run at a time).
   * @default profile off
   */
  readonly nist?: NistSettings | undefined;
}

/** The scheduled hygiene job: rates and levels per identity from the hourly counters, as metrics. */
export class Hygiene extends Construct {
  readonly function: lambda.Function;
  readonly rule: events.Rule;
  /** Schedule events EventBridge could not deliver to the function (after its retries). */
  readonly scheduleDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: HygieneProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      ...(props.nist ? { encryptionKey: props.nist.logKey } : {}),
    });
    // Own role: its own log group and read access to the table, nothing else.
    const role = new FunctionRole(this, 'Role', {
      description: 'Hygiene Lambda: own log group, read rates and settle due items in the suppression table',
      customerManagedPolicy: props.nist !== undefined,
    });
    logGroup.grantWrite(role);

    const thresholds = props.thresholds ?? {};
    const brake = props.brake;
    this.function = new lambda.Function(
      this,
      'Function',
      functionProps({
        description:
          'Hygiene: bounce and complaint rates per SES identity as CloudWatch metrics, due watchers promoted, stale counters deleted',
        entry: HYGIENE_ENTRY,
        role,
        logGroup,
        timeout: Duration.minutes(2),
        // One run at a time: a retried tick never overlaps a slow run.
        reservedConcurrentExecutions: props.nist ? 1 : undefined,
        environment: {
          TABLE_NAME: props.table.tableName,
          ...(Object.keys(thresholds).length > 0 ? { HYGIENE_THRESHOLDS: JSON.stringify(thresholds) } : {}),
          ...((props.tenants ?? []).length > 0 ? { TENANTS: JSON.stringify(props.tenants) } : {}),
          ...(brake?.enabled
            ? { EMERGENCY_BRAKE: JSON.stringify(brake), ON_CALL_TOPIC_ARN: props.onCallTopic.topicArn }
            : {}),
        },
        policy: props.policy,
      }),
    );
    // What the job calls and nothing more: rate counters and the cleanup cursor are read with Query and
    // GetItem, due watchers are found with a Query of the due index and settled with conditional
    // PutItems (state and audit item). No Scan, UpdateItem, DeleteItem or ConditionCheckItem.
    grantTableItems(this.function, props.table, {
      indexes: [TABLE_SCHEMA.dueIndex.name],
      actions: HYGIENE_TABLE_ACTIONS,
    });
    // The stale-counter cleanup deletes with BatchWriteItem, and only counter partitions (`RATE#<day>`).
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DeleteStaleRateCounters',
        actions: ['dynamodb:BatchWriteItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } },
      }),
    );
    if (brake?.enabled) {
      const sets = [...new Set(Object.values(brake.configurationSets).flat())];
      if (sets.length > 0) {
        role.addToPolicy(
          new iam.PolicyStatement({
            sid: 'EmergencyBrakeConfigurationSets',
            actions: ['ses:GetConfigurationSet', 'ses:PutConfigurationSetSendingOptions'],
            resources: sets.map((name) =>
              Stack.of(this).formatArn({ service: 'ses', resource: 'configuration-set', resourceName: name }),
            ),
          }),
        );
      }
      if (brake.tenants.length > 0) {
        // Each tenant by name: its ARN ends in an id SES assigns at creation (`tenant/NAME/ID`), hence
        // `tenant/NAME/*`; a name holds no `/`, so `tenant/a/*` never reaches tenant `ab`. Its own
        // policy, so the acknowledgements below cover these wildcards and nothing else.
        const tenantArns = brake.tenants.map((name) =>
          Stack.of(this).formatArn({ service: 'ses', resource: 'tenant', resourceName: `${name}/*` }),
        );
        const tenantBrake = role.separatePolicy(this, 'TenantBrakePolicy', [
          new iam.PolicyStatement({
            sid: 'EmergencyBrakeTenants',
            actions: [...TENANT_BRAKE_ACTIONS],
            resources: tenantArns,
          }),
        ]);
        for (const name of brake.tenants) {
          Validations.of(tenantBrake).acknowledge({
            id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:tenant/${name}/*]`,
            reason:
              `The tenant ${name} by name: a tenant's ARN ends in the id SES assigns when it is created ` +
              '(arn:…:tenant/NAME/ID, the Service Authorization Reference), unknown at deploy time; the wildcard ' +
              'covers that id only, for the three calls the brake makes (read the tenant, read and set its ' +
              'customer-managed status), granted only for tenants listed in emergencyBrake.tenants.',
          });
        }
      }
      if (brake.pauseAccount) {
        // Its own policy, so the "*" acknowledgement below covers these two actions and nothing else.
        const accountBrake = role.separatePolicy(this, 'AccountBrakePolicy', [
          new iam.PolicyStatement({
            sid: 'EmergencyBrakeAccount',
            actions: ['ses:GetAccount', 'ses:PutAccountSendingAttributes'],
            resources: ['*'],
          }),
        ]);
        Validations.of(accountBrake).acknowledge({
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'ses:GetAccount and ses:PutAccountSendingAttributes act on the account itself and support no ' +
            'resource-level permissions, so IAM only accepts Resource "*"; granted only when the operator ' +
            'set emergencyBrake.pauseAccount, and used only when the whole account is critical.',
        });
      }
      // Spelled out instead of grantPublish, whose kms:GenerateDataKey* wildcard is more than needed.
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'EmergencyBrakeNotifyOnCall',
          actions: ['sns:Publish'],
          resources: [props.onCallTopic.topicArn],
        }),
      );
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'EmergencyBrakeOnCallTopicKey',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.onCallKey.keyArn],
        }),
      );
    }

    acknowledgeXRayWildcard(role.grantsPolicy);
    const dlqReason =
      'Invoked asynchronously by its schedule with an event that carries no data (a time and the rule ' +
      'ARN): each run recomputes rates and settles due items from the table, so a failed run leaves ' +
      'nothing to keep or replay and the next run does the work. Failures page on-call through the ' +
      'HygieneErrors and HygieneHeartbeatMissing alarms; undeliverable events go to the schedule DLQ.';
    acknowledgeNoFunctionDlq(this.function, dlqReason, props.nist);

    this.scheduleDeadLetterQueue = deadLetterQueue(this, 'ScheduleDeadLetterQueue', 'the hygiene schedule');
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Runs the bounce-rate hygiene job',
      schedule: events.Schedule.expression(props.schedule ?? 'rate(1 hour)'),
      targets: [
        new targets.LambdaFunction(this.function, {
          // Delivery retries only (throttling, a missing permission); a tick older than an hour is
          // superseded by the next one.
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: this.scheduleDeadLetterQueue,
        }),
      ],
    });
  }
}
