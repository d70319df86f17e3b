import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PolicyConfig } from '../../shared/core/policy-config';
import { grantTableItems } from '../grants';
import { SYNC_ENTRY } from '../paths';
import { deadLetterQueue } from './dead-letter-queue';
import { acknowledgeXRayWildcard, functionProps } from './function-defaults';
import { FunctionRole } from './function-role';
import { acknowledgeNoFunctionDlq, type NistSettings } from './nist-profile';

/** Long enough for ~800 paced SES calls at 1/s; what does not fit is left for the next run. */
export const SYNC_TIMEOUT = Duration.minutes(15);

/**
 * SES v2 suppression-list actions the sync calls. They act on the account's suppression list, which
 * has no ARN: the Service Authorization Reference lists no resource type for any of them.
 */
export const SES_SUPPRESSION_LIST_ACTIONS = [
  'ses:ListSuppressedDestinations',
  'ses:PutSuppressedDestination',
  'ses:DeleteSuppressedDestination',
] as const;

export interface SyncProps {
  /** The suppression table: read (states, markers, cursor) and written (pulled events, markers, cursor). */
  readonly table: Pick<dynamodb.ITable, 'tableName' | 'tableArn'>;
  /** `push`, `pull` or `both` (with `off` the stack creates no Sync at all). */
  readonly mode: 'push' | 'pull' | 'both';
  /**
   * EventBridge schedule expression.
   * @default 'rate(1 hour)'
   */
  readonly schedule?: string;
  /**
   * SES calls per second, retries included (`SES_SYNC_RATE`).
   * @default 1
   */
  readonly ratePerSecond?: number;
  /**
   * Suppression policy overrides, as the processor gets them (`BOUNCE_POLICY`), for the events it writes.
   * @default {}
   */
  readonly policy?: PolicyConfig;
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

/** The scheduled Lambda that syncs the suppression table with SES's account-level suppression list. */
export class Sync extends Construct {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;
  readonly rule: events.Rule;
  /** Schedule events EventBridge could not deliver to the function. */
  readonly scheduleDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: SyncProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      ...(props.nist ? { encryptionKey: props.nist.logKey } : {}),
    });

    const role = new FunctionRole(this, 'Role', {
      description:
        'SES suppression list sync Lambda: own log group, suppression table, SES account suppression list',
      customerManagedPolicy: props.nist !== undefined,
    });
    this.logGroup.grantWrite(role);

    // Only the calls the mode needs: pull lists, push puts and deletes.
    const actions = SES_SUPPRESSION_LIST_ACTIONS.filter((action) =>
      action === 'ses:ListSuppressedDestinations' ? props.mode !== 'push' : props.mode !== 'pull',
    );
    // Its own policy, so the acknowledgement below covers this statement and nothing else.
    const sesPolicy = role.separatePolicy(this, 'SesSuppressionListPolicy', [
      new iam.PolicyStatement({ actions: [...actions], resources: ['*'] }),
    ]);
    Validations.of(sesPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'SES v2 suppression-list actions (ses:ListSuppressedDestinations, ses:PutSuppressedDestination, ' +
        'ses:DeleteSuppressedDestination) act on the account-level suppression list, which has no ARN; the ' +
        'Service Authorization Reference lists no resource type for them, so IAM only accepts Resource "*". ' +
        'This policy holds only those actions, limited to the ones the configured sesSyncMode needs.',
    });

    this.function = new lambda.Function(
      this,
      'Function',
      functionProps({
        description: `Syncs the suppression table with the SES account suppression list (${props.mode})`,
        entry: SYNC_ENTRY,
        role,
        logGroup: this.logGroup,
        timeout: SYNC_TIMEOUT,
        // One run at a time: two runs would share (and exceed) the SES call rate.
        reservedConcurrentExecutions: props.nist ? 1 : undefined,
        environment: {
          TABLE_NAME: props.table.tableName,
          SES_SYNC_MODE: props.mode,
          SES_SYNC_RATE: String(props.ratePerSecond ?? 1),
        },
        policy: props.policy,
      }),
    );
    grantTableItems(this.function, props.table);

    acknowledgeXRayWildcard(role.grantsPolicy);
    const dlqReason =
      'Invoked asynchronously by its schedule with an event that carries no data (a time and the rule ' +
      'ARN): the pull cursor and the push markers live in the suppression table, so a failed run leaves ' +
      'nothing to keep or replay and the next run picks up where the last complete one stopped. ' +
      'Failures page on-call through the SyncErrors alarm; undeliverable events go to the schedule DLQ.';
    acknowledgeNoFunctionDlq(this.function, dlqReason, props.nist);

    this.scheduleDeadLetterQueue = deadLetterQueue(this, 'ScheduleDeadLetterQueue', 'the sync schedule');
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Runs the SES suppression list sync',
      schedule: events.Schedule.expression(props.schedule ?? 'rate(1 hour)'),
    });
    // A failed run is simply the next run's work (cursor and markers are in the table): no retries,
    // but an event EventBridge could not deliver at all (a missing permission) is kept and alarmed.
    this.rule.addTarget(
      new targets.LambdaFunction(this.function, {
        retryAttempts: 0,
        deadLetterQueue: this.scheduleDeadLetterQueue,
      }),
    );
  }
}
