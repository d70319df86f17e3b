import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface EmbeddedEngine {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts `server` on a free loopback port; resolves with its `http://127.0.0.1:PORT` endpoint. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Starts dynalite in this process on a free loopback port, persisted under `dataDir` (in memory
 * when `dataDir` is undefined). Only the CLI and tests use it; no Lambda ever imports this.
 */
export async function startEmbeddedEngine(dataDir: string | undefined): Promise<EmbeddedEngine> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const server = dynalite({
    ...(dataDir !== undefined ? { path: dataDir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  return {
    endpoint: await listenOnLoopback(server),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
