/**
 * What every command shares and `cli/main.ts` may import eagerly: no AWS SDK, no store, no zod, so
 * `bounce --help` loads commander and this file only (commands are loaded when they run).
 */

export const DEFAULT_DATA_DIR = '.bounce-data';

/** The global options every command shares (see `bounce --help`). */
export interface GlobalOptions {
  dataDir: string;
  endpoint?: string;
  table?: string;
  region?: string;
  now?: string;
  json?: boolean;
  policy?: string;
}

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function resolveNow(options: GlobalOptions): Date {
  if (options.now === undefined) return new Date();
  const now = new Date(options.now);
  if (Number.isNaN(now.getTime()))
    throw new UsageError(`--now: not an ISO-8601 time: ${JSON.stringify(options.now)}`);
  return now;
}
