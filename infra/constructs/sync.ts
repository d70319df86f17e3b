import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { PolicyConfig } from '../../shared/core/policy-config';
import { grantTableItems } from '../grants';
import { SYNC_ENTRY } from '../paths';
import { functionProps } from './function-defaults';

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
}

/** The scheduled Lambda that syncs the suppression table with SES's account-level suppression list. */
export class Sync extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: SyncProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description:
        'SES suppression list sync Lambda: own log group, suppression table, SES account suppression list',
    });
    this.logGroup.grantWrite(role);

    // Only the calls the mode needs: pull lists, push puts and deletes.
    const actions = SES_SUPPRESSION_LIST_ACTIONS.filter((action) =>
      action === 'ses:ListSuppressedDestinations' ? props.mode !== 'push' : props.mode !== 'pull',
    );
    // Its own policy, so the acknowledgement below covers this statement and nothing else.
    const sesPolicy = new iam.Policy(this, 'SesSuppressionListPolicy', {
      roles: [role],
      statements: [new iam.PolicyStatement({ actions: [...actions], resources: ['*'] })],
    });
    Validations.of(sesPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'SES v2 suppression-list actions (ses:ListSuppressedDestinations, ses:PutSuppressedDestination, ' +
        'ses:DeleteSuppressedDestination) act on the account-level suppression list, which has no ARN; the ' +
        'Service Authorization Reference lists no resource type for them, so IAM only accepts Resource "*". ' +
        'This policy holds only those actions, limited to the ones the configured sesSyncMode needs.',
    });

    this.function = new nodejs.NodejsFunction(
      this,
      'Function',
      functionProps({
        description: `Syncs the suppression table with the SES account suppression list (${props.mode})`,
        entry: SYNC_ENTRY,
        role,
        logGroup: this.logGroup,
        timeout: SYNC_TIMEOUT,
        environment: {
          TABLE_NAME: props.table.tableName,
          SES_SYNC_MODE: props.mode,
          SES_SYNC_RATE: String(props.ratePerSecond ?? 1),
        },
        policy: props.policy,
      }),
    );
    grantTableItems(this.function, props.table);

    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Runs the SES suppression list sync',
      schedule: events.Schedule.expression(props.schedule ?? 'rate(1 hour)'),
    });
    // A failed run is simply the next run's work (cursor and markers are in the table): no retries.
    this.rule.addTarget(new targets.LambdaFunction(this.function, { retryAttempts: 0 }));
  }
}
