import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

import { TABLE_SCHEMA } from '../../shared/adapters/dynamodb/schema';

/**
 * Logical id pinned on the table so that moving constructs around later never makes CloudFormation
 * create a new (empty) table and orphan the retained old one.
 */
export const SUPPRESSION_TABLE_LOGICAL_ID = 'SuppressionTable';

/** The suppression table: who must not be mailed again, and why. */
export class Store extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    // `Table` (AWS::DynamoDB::Table) rather than `TableV2` (AWS::DynamoDB::GlobalTable): cdk-nag's
    // DynamoDB rules (PITR, backup plan) only inspect AWS::DynamoDB::Table.
    this.table = new dynamodb.Table(this, 'SuppressionTable', {
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
    });
    (this.table.node.defaultChild as dynamodb.CfnTable).overrideLogicalId(SUPPRESSION_TABLE_LOGICAL_ID);
    // The sparse due index (see TABLE_SCHEMA.dueIndex): only watched addresses whose escalation is
    // due carry its keys, so the hourly hygiene run reads exactly those, never the whole table.
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_SCHEMA.dueIndex.name,
      partitionKey: { name: TABLE_SCHEMA.dueIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.dueIndex.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
  }
}
