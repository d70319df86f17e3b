import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { lock } from 'proper-lockfile';

export interface EmbeddedEngine {
  endpoint: string;
  close(): Promise<void>;
}

/** The store directory is held by another process (another `bounce` command). */
export class StoreBusyError extends Error {
  override readonly name = 'StoreBusyError';
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
 * The lock a `bounce` process holds on its store directory while it runs. dynalite opens LevelDB
 * lazily and, when another process holds LevelDB's own lock, throws "Database is closed" from a
 * request callback (an uncaught crash), so the directory is locked first, here, where a second
 * command can be told plainly. A lock left by a killed process goes stale after `stale` ms.
 */
async function lockStore(dataDir: string): Promise<() => Promise<void>> {
  try {
    return await lock(dataDir, {
      lockfilePath: join(dataDir, 'bounce.lock'),
      stale: 15_000,
      retries: 0,
      // A lock refreshed late (a busy event loop) is not worth crashing a long import for; LevelDB's
      // own lock still keeps a second writer out.
      onCompromised: () => {},
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new StoreBusyError(
        `the embedded store in ${dataDir} is in use: another bounce command is using it; wait for it to finish and try again`,
      );
    }
    throw error;
  }
}

/**
 * Starts dynalite in this process on a free loopback port, persisted under `dataDir` (in memory
 * when `dataDir` is undefined) and locked against other processes while open. Only the CLI and
 * tests use it; no Lambda ever imports this.
 */
export async function startEmbeddedEngine(dataDir: string | undefined): Promise<EmbeddedEngine> {
  let release: (() => Promise<void>) | undefined;
  if (dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true });
    release = await lockStore(dataDir);
  }
  const server = dynalite({
    ...(dataDir !== undefined ? { path: dataDir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  let endpoint: string;
  try {
    endpoint = await listenOnLoopback(server);
  } catch (error) {
    await release?.();
    throw error;
  }
  return {
    endpoint,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await release?.();
    },
  };
}
