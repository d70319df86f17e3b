import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';

/** Item reads and writes — no table administration, no streams. */
export const TABLE_ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/**
 * Item read/write on the table and only the named indexes. Used instead of `grantReadWriteData`,
 * which adds `<table>/index/*` once the table has an index: a wildcard cdk-nag flags, and more than
 * a function that never reads an index needs.
 */
export function grantTableItems(
  grantee: iam.IGrantable,
  table: Pick<dynamodb.ITable, 'tableArn'>,
  { indexes = [] as readonly string[], actions = TABLE_ITEM_ACTIONS as readonly string[] } = {},
): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: [...actions],
    resourceArns: [table.tableArn, ...indexes.map((name) => `${table.tableArn}/index/${name}`)],
  });
}
