import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createDynamoDbConnection,
  createLocalDynamoDbConnection,
  type DynamoDbConnection,
} from '../shared/adapters/dynamodb/client';
import { DynamoDbRateCounters } from '../shared/adapters/dynamodb/counters';
import { DynamoDbSuppressionStore } from '../shared/adapters/dynamodb/store';
import { ensureTable, missingDueIndexMessage, tableExists } from '../shared/adapters/dynamodb/table';
import type { Policy } from '../shared/core/policy-config';
import type { CounterCleanup, RateCounterStore, SuppressionStore } from '../shared/ports';
import type { EmbeddedEngine } from './embedded';
import { DEFAULT_DATA_DIR, type GlobalOptions, UsageError } from './options';
import { resolvePolicyOption } from './policy-option';

export const EMBEDDED_TABLE = 'bounce-suppressions';

const noStoreMessage = (dataDir: string) =>
  `no store in --data-dir ${JSON.stringify(dataDir.slice(0, 200))}: nothing has been written there (\`bounce init\`, \`replay\`, \`import\` or \`suppress\` create one; \`bounce demo\` writes ${DEFAULT_DATA_DIR}/demo)`;

// Kept importable from here for the commands; they live in light modules so `cli/main.ts` can load them eagerly.
export { DEFAULT_DATA_DIR, type GlobalOptions, resolveNow, UsageError } from './options';
export { resolvePolicyOption } from './policy-option';

export interface StoreContext {
  store: SuppressionStore;
  counters: RateCounterStore & CounterCleanup;
  policy: Policy;
  connection: DynamoDbConnection;
  tableName: string;
  /** Where the data lives, for messages. */
  where: string;
  embedded: boolean;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Create the table where the options point (`bounce init`). */
  create?: boolean;
  /**
   * The command only reads: a store that does not exist is refused (a usage error naming it), never
   * created empty, so a mistyped `--data-dir` cannot answer "clear" or "0 addresses".
   */
  readOnly?: boolean;
}

/**
 * A connection to `--endpoint` with the region and credentials a sending pipeline's own
 * `new DynamoDBClient({ endpoint })` resolves: `--region`, else the standard AWS environment and
 * profile (AWS_REGION, AWS_ACCESS_KEY_ID…, AWS_PROFILE, ~/.aws). DynamoDB Local keeps one database
 * per access key and region, so anything else would put the CLI's table where the pipeline cannot
 * see it. Only where the environment has none does it fall back to region and key `local`.
 */
async function endpointConnection(endpoint: string, region: string | undefined) {
  const probe = new DynamoDBClient({ endpoint, ...(region !== undefined ? { region } : {}) });
  try {
    const resolvedRegion = region ?? (await probe.config.region().catch(() => undefined)) ?? LOCAL;
    const fromEnvironment = await probe.config.credentials().then(
      () => true,
      () => false,
    );
    return {
      region: resolvedRegion,
      credentials: fromEnvironment ? 'credentials from the AWS environment' : 'access key "local"',
      connection: fromEnvironment
        ? createDynamoDbConnection({ endpoint, region: resolvedRegion })
        : createLocalDynamoDbConnection(endpoint, resolvedRegion),
    };
  } finally {
    probe.destroy();
  }
}

/** Region and access key of a local engine when the environment names none. */
const LOCAL = 'local';

/** Opens the store the options point at, runs `body`, and closes the store whatever happens. */
export async function withStore<T>(
  options: GlobalOptions,
  body: (context: StoreContext) => Promise<T>,
  open: OpenOptions = {},
): Promise<T> {
  const context = await openStore(options, open);
  try {
    return await body(context);
  } finally {
    await context.close();
  }
}

/**
 * Connects to the store the options point at: `--endpoint/--table` (DynamoDB Local or any engine),
 * `--table` alone (AWS, default credentials), or else the embedded engine under `--data-dir`,
 * whose table is created on first use by the commands that write.
 */
export async function openStore(
  options: GlobalOptions,
  { create = false, readOnly = false }: OpenOptions = {},
): Promise<StoreContext> {
  const policy = resolvePolicyOption(options);
  if (options.endpoint !== undefined || options.table !== undefined) {
    if (options.table === undefined) throw new UsageError('--endpoint needs --table NAME');
    const tableName = options.table;
    let connection: DynamoDbConnection;
    let where: string;
    if (options.endpoint !== undefined) {
      const local = await endpointConnection(options.endpoint, options.region);
      connection = local.connection;
      where = `table ${tableName} at ${options.endpoint} (region ${local.region}, ${local.credentials})`;
    } else {
      connection = createDynamoDbConnection(options.region !== undefined ? { region: options.region } : {});
      where = `table ${tableName} in AWS`;
    }
    if (create) {
      const result = await ensureTable(connection.client, tableName, { enableTtl: true });
      if (result.ttl === 'unsupported') {
        console.error(`note: this engine has no TTL; expired items stay, and readers ignore them by date`);
      }
      if (result.dueIndex === 'missing') {
        connection.client.destroy();
        throw new Error(missingDueIndexMessage(tableName));
      }
      if (result.dueIndex === 'creating') {
        console.error(`note: the due index is still being built; list hygiene skips until it is ACTIVE`);
      }
    } else if (!(await tableExists(connection.client, tableName))) {
      connection.client.destroy();
      throw new UsageError(`${where} does not exist; create it with \`bounce init\` (or deploy the stack)`);
    }
    return {
      store: new DynamoDbSuppressionStore(connection.documentClient, tableName, policy.state),
      counters: new DynamoDbRateCounters(connection.documentClient, tableName),
      policy,
      connection,
      tableName,
      where,
      embedded: false,
      close: async () => connection.client.destroy(),
    };
  }
  // Loaded here, not at the top: dynalite is an optional peer dependency of the published package,
  // needed only for the embedded store (`--endpoint/--table` work without it).
  // LevelDB's CURRENT file marks a store; opening any other directory would write one there.
  if (readOnly && !existsSync(join(options.dataDir, 'CURRENT')))
    throw new UsageError(noStoreMessage(options.dataDir));
  let embedded: typeof import('./embedded');
  try {
    embedded = await import('./embedded');
  } catch (error) {
    throw new UsageError(
      `the embedded store needs dynalite (npm install dynalite), or point bounce at a table with --endpoint URL --table NAME: ${(error as Error).message}`,
    );
  }
  let engine: EmbeddedEngine;
  try {
    engine = await embedded.startEmbeddedEngine(options.dataDir);
  } catch (error) {
    if (error instanceof embedded.StoreBusyError) throw error;
    throw new Error(`cannot open the embedded store in ${options.dataDir}: ${(error as Error).message}`);
  }
  const connection = createLocalDynamoDbConnection(engine.endpoint);
  if (readOnly && !(await tableExists(connection.client, EMBEDDED_TABLE))) {
    connection.client.destroy();
    await engine.close();
    throw new UsageError(noStoreMessage(options.dataDir));
  }
  const ensured = await ensureTable(connection.client, EMBEDDED_TABLE, { enableTtl: false });
  if (create && ensured.dueIndex === 'missing') {
    connection.client.destroy();
    await engine.close();
    throw new Error(missingDueIndexMessage(`${EMBEDDED_TABLE} in ${options.dataDir}`));
  }
  return {
    store: new DynamoDbSuppressionStore(connection.documentClient, EMBEDDED_TABLE, policy.state),
    counters: new DynamoDbRateCounters(connection.documentClient, EMBEDDED_TABLE),
    policy,
    connection,
    tableName: EMBEDDED_TABLE,
    where: `embedded store in ${options.dataDir}`,
    embedded: true,
    close: async () => {
      connection.client.destroy();
      await engine.close();
    },
  };
}
