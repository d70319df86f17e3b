/** The table's key and TTL attribute names: one definition for the store code and the CDK construct. */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
} as const;

export const addressKey = (address: string) => ({ pk: `ADDR#${address}`, sk: 'STATE' as const });
