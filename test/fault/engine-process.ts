import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  createLocalDynamoDbConnection,
  type DynamoDbConnection,
} from '../../shared/adapters/dynamodb/client';
import { ensureTable } from '../../shared/adapters/dynamodb/table';
import { CONTROL_PATH, type FaultKind, type FaultProxyOptions, startFaultProxy } from './proxy';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ProxyStats {
  counts: Record<FaultKind, number>;
  operations: Record<string, number>;
}

/** A DynamoDB engine with the fault proxy in front of it, for the load tests. */
export interface LoadEngine {
  name: 'dynamodb-local' | 'dynalite';
  /** Where the engine itself answers (fault-free). */
  endpoint: string;
  /** Where the fault proxy answers. */
  proxyEndpoint: string;
  /** A fault-free connection to the engine. */
  connection: DynamoDbConnection;
  newTable(): Promise<string>;
  stats(): Promise<ProxyStats>;
  close(): Promise<void>;
}

type ProxySettings = Omit<FaultProxyOptions, 'target'>;

/**
 * DYNAMODB_ENDPOINT set (DynamoDB Local in CI): that engine, with the proxy in this process.
 * Otherwise dynalite AND the proxy in one child process (`engine-child.ts`, in memory), so they run
 * on the second core instead of queueing behind the processor and the SDK in this one (the
 * test process is CPU-bound: the SDK costs ~1 ms of CPU per call).
 */
export async function startLoadEngine(settings: ProxySettings): Promise<LoadEngine> {
  const external = process.env.DYNAMODB_ENDPOINT;
  let endpoint: string;
  let proxyEndpoint: string;
  let stop: () => Promise<void>;
  if (external) {
    const proxy = await startFaultProxy({ ...settings, target: external });
    endpoint = external;
    proxyEndpoint = proxy.endpoint;
    stop = proxy.close;
  } else {
    const child: ChildProcess = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/fault/engine-child.ts',
        '--proxy',
        String(settings.rate),
        String(settings.seed),
        String(settings.slowMs ?? 60),
        String(settings.stallMs ?? 600),
      ],
      { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const ready = await new Promise<{ engine: string; proxy: string }>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`engine child exited with ${code} before it was ready`)));
      lines.on('line', (line) => {
        if (line.startsWith('READY ')) resolve(JSON.parse(line.slice(6)));
      });
    });
    endpoint = ready.engine;
    proxyEndpoint = ready.proxy;
    stop = async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin?.end();
      await exited;
    };
  }
  const connection = createLocalDynamoDbConnection(endpoint, 'us-east-1');
  return {
    name: external ? 'dynamodb-local' : 'dynalite',
    endpoint,
    proxyEndpoint,
    connection,
    async newTable() {
      const tableName = `load-${randomUUID().slice(0, 8)}`;
      await ensureTable(connection.client, tableName, { enableTtl: false });
      return tableName;
    },
    async stats() {
      const response = await fetch(`${proxyEndpoint}${CONTROL_PATH}`);
      return (await response.json()) as ProxyStats;
    },
    async close() {
      connection.client.destroy();
      await stop();
    },
  };
}
