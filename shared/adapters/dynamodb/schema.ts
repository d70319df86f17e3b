/**
 * The table's key, TTL and index names: one definition for the store code, `ensureTable` and the
 * CDK construct.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /**
   * Sparse GSI of watched addresses whose escalation is due (see `AddressState.due`): only state
   * items of such addresses carry its key attributes, so the hygiene run Queries exactly the due
   * ones (`dueAt <= now`), never the whole table. Keys only: the run re-reads each item anyway.
   */
  dueIndex: {
    name: 'due',
    partitionKey: 'duePk',
    sortKey: 'dueAt',
  },
} as const;

/** What an operator reads when the table has no due index. */
export function missingDueIndexMessage(tableName: string): string {
  return (
    `table ${tableName} has no "${TABLE_SCHEMA.dueIndex.name}" index (it was created before list hygiene), so the ` +
    'hygiene run cannot find due soft-bounce watchers. DynamoDB and DynamoDB Local: run `bounce init` ' +
    'against it again (it adds the index; in AWS, deploy the stack). The embedded store (dynalite) cannot ' +
    'add an index to an existing table: move its data directory aside, run `bounce init`, and replay ' +
    'the notifications again (`bounce replay`).'
  );
}

const addressPk = (address: string) => `ADDR#${address}`;

export const STATE_SK = 'STATE' as const;
export const AUDIT_SK_PREFIX = 'EVENT#';

/** The state item of an address. */
export const addressKey = (address: string) => ({ pk: addressPk(address), sk: STATE_SK });

/** The address of an `ADDR#…` partition key. */
export const addressOfPk = (pk: string) => pk.slice('ADDR#'.length);

/** One audit item per applied event; sorts by event time under the address. */
export const auditKey = (address: string, event: { at: string; id: string }) => ({
  pk: addressPk(address),
  sk: `${AUDIT_SK_PREFIX}${event.at}#${event.id}`,
});

/**
 * Partitions of the due index. Writes to one GSI partition key are limited (about 1,000/s); a soft
 * bounce storm can make many addresses due at once, so they spread over a few fixed shards by a hash
 * of the address, and the hygiene run Queries each shard.
 */
export const DUE_SHARDS = 8;

export const dueShards = (): string[] => Array.from({ length: DUE_SHARDS }, (_, i) => `DUE#${i}`);

/** The due-index partition of an address (FNV-1a of the address, mod DUE_SHARDS). */
export function dueShardOf(address: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < address.length; i++) {
    hash ^= address.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `DUE#${(hash >>> 0) % DUE_SHARDS}`;
}

export { addressPk };
