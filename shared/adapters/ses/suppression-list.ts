import {
  DeleteSuppressedDestinationCommand,
  ListSuppressedDestinationsCommand,
  PutSuppressedDestinationCommand,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import * as z from 'zod';

/** SES's two reasons for an account-level suppression. */
export type SesSuppressionReason = 'BOUNCE' | 'COMPLAINT';

/** One entry of the account's suppression list, as ListSuppressedDestinations gives it. */
export interface SesSuppressedEntry {
  emailAddress: string;
  reason: SesSuppressionReason;
  /** ISO-8601. */
  lastUpdateTime: string;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Spaces calls at least `1 / ratePerSecond` apart (SES's suppression-list APIs have a low per-account
 * rate). Every call, retries included, waits its turn.
 */
export function createPacer(ratePerSecond: number, clock: Clock = systemClock): () => Promise<void> {
  const interval = 1000 / ratePerSecond;
  let next = Number.NEGATIVE_INFINITY;
  return async () => {
    const now = clock.now();
    const wait = next - now;
    next = Math.max(now, next) + interval;
    if (wait > 0) await clock.sleep(wait);
  };
}

/** SES kept throttling (TooManyRequestsException) through every retry. */
export class SesThrottledError extends Error {
  override readonly name = 'SesThrottledError';
}

export interface SesSuppressionListOptions {
  /** Calls per second, retries included. @default 1 */
  ratePerSecond?: number;
  /** Attempts per call when SES throttles or fails on its side. @default 5 */
  maxAttempts?: number;
  /** First backoff after a throttle, doubled each time (full jitter), in ms. @default 1000 */
  baseDelayMs?: number;
  clock?: Clock;
  /** Entries per ListSuppressedDestinations page (SES allows up to 1000). @default 1000 */
  pageSize?: number;
}

const entrySchema = z.object({
  EmailAddress: z.string(),
  Reason: z.enum(['BOUNCE', 'COMPLAINT']),
  LastUpdateTime: z.union([z.date(), z.string()]),
});
const pageSchema = z.object({
  SuppressedDestinationSummaries: z.array(z.unknown()).optional(),
  NextToken: z.string().optional(),
});

const isRetryable = (error: unknown) => {
  const e = error as { name?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e.name === 'TooManyRequestsException' ||
    e.name === 'ThrottlingException' ||
    e.$metadata?.httpStatusCode === 429 ||
    e.$fault === 'server'
  );
};

/**
 * The SES account-level suppression list (SES v2), paced and retried. The client is built once by
 * the caller; build it with `maxAttempts: 1` so throttling is retried here, on the pacer, only.
 */
export class SesSuppressionList {
  private readonly pace: () => Promise<void>;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly clock: Clock;
  private readonly pageSize: number;
  /** Throttled responses seen (for the run's summary). */
  throttled = 0;

  constructor(
    private readonly client: SESv2Client,
    options: SesSuppressionListOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.pace = createPacer(options.ratePerSecond ?? 1, this.clock);
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.pageSize = options.pageSize ?? 1000;
  }

  /** Adds an address to the account's list, or (with `tenant`) to that SES tenant's own list. */
  async put(emailAddress: string, reason: SesSuppressionReason, tenant?: string): Promise<void> {
    await this.call(() =>
      this.client.send(
        new PutSuppressedDestinationCommand({
          EmailAddress: emailAddress,
          Reason: reason,
          ...(tenant === undefined ? {} : { TenantName: tenant }),
        }),
      ),
    );
  }

  /** Removes an address (from a tenant's list with `tenant`); one SES does not have is already removed. */
  async delete(emailAddress: string, tenant?: string): Promise<void> {
    try {
      await this.call(() =>
        this.client.send(
          new DeleteSuppressedDestinationCommand({
            EmailAddress: emailAddress,
            ...(tenant === undefined ? {} : { TenantName: tenant }),
          }),
        ),
      );
    } catch (error) {
      if ((error as { name?: string }).name !== 'NotFoundException') throw error;
    }
  }

  /** Entries SES added or updated in `[start, end]` (all of them without `start`), page by page. */
  async *listSince(start: Date | undefined, end: Date): AsyncGenerator<SesSuppressedEntry[]> {
    let token: string | undefined;
    do {
      const output = await this.call(() =>
        this.client.send(
          new ListSuppressedDestinationsCommand({
            ...(start ? { StartDate: start } : {}),
            EndDate: end,
            PageSize: this.pageSize,
            ...(token ? { NextToken: token } : {}),
          }),
        ),
      );
      const page = pageSchema.parse(output);
      const entries: SesSuppressedEntry[] = [];
      for (const raw of page.SuppressedDestinationSummaries ?? []) {
        const entry = entrySchema.parse(raw);
        const time =
          entry.LastUpdateTime instanceof Date ? entry.LastUpdateTime : new Date(entry.LastUpdateTime);
        entries.push({
          emailAddress: entry.EmailAddress,
          reason: entry.Reason,
          lastUpdateTime: (Number.isNaN(time.getTime()) ? end : time).toISOString(),
        });
      }
      yield entries;
      token = page.NextToken;
    } while (token);
  }

  private async call<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await this.pace();
      try {
        return await send();
      } catch (error) {
        if (!isRetryable(error)) throw error;
        this.throttled++;
        if (attempt >= this.maxAttempts) {
          throw new SesThrottledError(
            `SES still throttling or failing after ${attempt} attempts: ${(error as Error).message}`,
          );
        }
        await this.clock.sleep(Math.random() * this.baseDelayMs * 2 ** (attempt - 1));
      }
    }
  }
}
