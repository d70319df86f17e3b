import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, type IConstruct } from 'constructs';
import { cfnOf } from './function-defaults';

/** Days AWS Backup keeps each daily recovery point of the table (the same window as PITR). */
export const BACKUP_RETENTION = Duration.days(35);

/**
 * What a construct that runs code does differently under `compliance: "nist-800-53-r5"`: its log group
 * encrypted with {@link logKey}, a customer managed policy instead of inline, reserved concurrency, and
 * the acknowledgements of {@link acknowledgeNistFunction}. Absent: the profile is off.
 */
export interface NistSettings {
  /** Customer managed key for every log group of the stack (its policy admits CloudWatch Logs). */
  readonly logKey: kms.IKey;
}

export interface NistProfileProps {
  /** The suppression table, backed up daily by AWS Backup. */
  readonly table: dynamodb.ITableRef;
}

/**
 * The stack-wide resources of the NIST 800-53 rev 5 profile (docs/security.md: what it adds, why, and
 * what it costs): a KMS key for the log groups (SC-28, AU-9) and an AWS Backup plan for the table
 * (CP-9, CP-10), kept in a vault of its own.
 */
export class NistProfile extends Construct implements NistSettings {
  readonly logKey: kms.Key;
  readonly backupVault: backup.BackupVault;
  readonly backupPlan: backup.BackupPlan;
  readonly backupSelection: backup.BackupSelection;

  constructor(scope: Construct, id: string, props: NistProfileProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.logKey = new kms.Key(this, 'LogKey', {
      description: 'Encrypts the CloudWatch log groups of the SES bounce handler (NIST 800-53 r5 profile)',
      enableKeyRotation: true,
      // The log groups are retained when the stack goes (post-incident review); so is their key, or
      // the retained logs could no longer be read.
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    // CloudWatch Logs uses the key on behalf of log groups of this account and region only
    // (the encryption context names the log group: AWS's documented key policy for CloudWatch Logs).
    this.logKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsForThisAccountsLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );

    this.backupVault = new backup.BackupVault(this, 'BackupVault', {
      // Recovery points must outlive an accidental stack deletion, like the table itself.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.backupPlan = new backup.BackupPlan(this, 'BackupPlan', {
      // Named after the stack, so a staging and a production stack in one account stay apart.
      backupPlanName: `${stack.stackName}-suppression-table`,
      backupVault: this.backupVault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'Daily',
          scheduleExpression: events.Schedule.cron({ hour: '5', minute: '0' }),
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(8),
          deleteAfter: BACKUP_RETENTION,
        }),
      ],
    });
    this.backupSelection = this.backupPlan.addSelection('SuppressionTable', {
      resources: [backup.BackupResource.fromDynamoDbTable(props.table)],
      // Restores are an operator's act with their own credentials, not this role's.
      allowRestores: false,
    });
    const backupRole = this.backupSelection.node.findChild('Role');
    Validations.of(backupRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        'AWSBackupServiceRolePolicyForBackup is the service role policy AWS documents for AWS Backup and ' +
        'keeps current as backup features change (DynamoDB advanced backup, tagging of recovery points); ' +
        'the role can only be assumed by backup.amazonaws.com, and the selection limits what it backs up ' +
        'to the suppression table. Restores are not granted (allowRestores: false).',
    });
  }
}

/**
 * Outside a VPC, by design: every function of this stack talks only to AWS service endpoints
 * (DynamoDB, SES, SNS, CloudWatch Logs, X-Ray) over TLS with SigV4-signed requests.
 */
const OUTSIDE_VPC_REASON =
  'This function only calls AWS service APIs (DynamoDB, SES, SNS, CloudWatch Logs, X-Ray), over TLS and ' +
  'SigV4-signed, and reaches no private resource; what it may touch is bounded by its IAM role, which ' +
  'a network position would not narrow. A VPC would need a NAT gateway or interface endpoints for SES, ' +
  'SNS, Logs and X-Ray (a standing cost per AZ) and add ENI setup and IP exhaustion as failure modes, ' +
  'with no data path gaining protection.';

/**
 * The NIST 800-53 r5 findings on a function of this stack that the design answers instead of the rule:
 * running outside a VPC ({@link OUTSIDE_VPC_REASON}) and no function DLQ (`dlqReason`, the same as for
 * the Serverless pack's rule). Also reserves concurrency on a function whose props cannot (CDK's
 * custom resource singleton), when `reservedConcurrency` is given.
 */
export function acknowledgeNistFunction(
  fn: IConstruct,
  dlqReason: string,
  { reservedConcurrency }: { reservedConcurrency?: number } = {},
): void {
  const cfn = cfnOf(fn);
  if (!(cfn instanceof lambda.CfnFunction)) throw new Error(`${fn.node.path} is not a Lambda function`);
  Validations.of(cfn).acknowledge({ id: 'NIST.800.53.R5-LambdaInsideVPC', reason: OUTSIDE_VPC_REASON });
  Validations.of(cfn).acknowledge({ id: 'NIST.800.53.R5-LambdaDLQ', reason: dlqReason });
  if (reservedConcurrency !== undefined) cfn.reservedConcurrentExecutions = reservedConcurrency;
}

/**
 * A function of this stack that has no DLQ of its own, for `reason`: acknowledged for the Serverless
 * pack, and with the NIST profile on, for NIST too (with running outside a VPC).
 */
export function acknowledgeNoFunctionDlq(
  fn: IConstruct,
  reason: string,
  nist: NistSettings | undefined,
): void {
  Validations.of(cfnOf(fn)).acknowledge({ id: 'Serverless-LambdaDLQ', reason });
  if (nist !== undefined) acknowledgeNistFunction(fn, reason);
}
