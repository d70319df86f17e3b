import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../shared/adapters/dynamodb/schema';
import type { BrakeConfig } from '../../shared/core/brake';
import type { PolicyConfig } from '../../shared/core/policy-config';
import type { Thresholds } from '../../shared/core/rates';
import { grantTableItems } from '../grants';
import { HYGIENE_ENTRY } from '../paths';
import { functionProps } from './function-defaults';

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
  /** Where the brake reports what it paused (`ON_CALL_TOPIC_ARN`), and the key that encrypts it. */
  readonly onCallTopic: sns.ITopic;
  readonly onCallKey: kms.IKey;
  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/** The scheduled hygiene job: rates and levels per identity from the hourly counters, as metrics. */
export class Hygiene extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: HygieneProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    // Own role: its own log group and read access to the table, nothing else.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Hygiene Lambda: own log group, read rates and settle due items in the suppression table',
    });
    logGroup.grantWrite(role);

    const thresholds = props.thresholds ?? {};
    const brake = props.brake;
    this.function = new nodejs.NodejsFunction(
      this,
      'Function',
      functionProps({
        description:
          'Hygiene: bounce and complaint rates per SES identity as CloudWatch metrics, due watchers promoted, stale counters deleted',
        entry: HYGIENE_ENTRY,
        role,
        logGroup,
        timeout: Duration.minutes(2),
        environment: {
          TABLE_NAME: props.table.tableName,
          ...(Object.keys(thresholds).length > 0 ? { HYGIENE_THRESHOLDS: JSON.stringify(thresholds) } : {}),
          ...(brake?.enabled
            ? { EMERGENCY_BRAKE: JSON.stringify(brake), ON_CALL_TOPIC_ARN: props.onCallTopic.topicArn }
            : {}),
        },
        policy: props.policy,
      }),
    );
    grantTableItems(this.function, props.table, { indexes: [TABLE_SCHEMA.dueIndex.name] });
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
      if (brake.pauseAccount) {
        // Its own policy, so the "*" acknowledgement below covers these two actions and nothing else.
        const accountBrake = new iam.Policy(this, 'AccountBrakePolicy', {
          statements: [
            new iam.PolicyStatement({
              sid: 'EmergencyBrakeAccount',
              actions: ['ses:GetAccount', 'ses:PutAccountSendingAttributes'],
              resources: ['*'],
            }),
          ],
        });
        accountBrake.attachToRole(role);
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

    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Runs the bounce-rate hygiene job',
      schedule: events.Schedule.expression(props.schedule ?? 'rate(1 hour)'),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2 })],
    });
  }
}
