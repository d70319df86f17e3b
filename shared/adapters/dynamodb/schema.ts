/** The table's key and TTL attribute names: one definition for the store code and the CDK construct. */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
} as const;

const addressPk = (address: string) => `ADDR#${address}`;

export const STATE_SK = 'STATE' as const;
export const AUDIT_SK_PREFIX = 'EVENT#';

/** The state item of an address. */
export const addressKey = (address: string) => ({ pk: addressPk(address), sk: STATE_SK });

/** One audit item per applied event; sorts by event time under the address. */
export const auditKey = (address: string, event: { at: string; id: string }) => ({
  pk: addressPk(address),
  sk: `${AUDIT_SK_PREFIX}${event.at}#${event.id}`,
});

export { addressPk };
