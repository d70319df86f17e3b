/**
 * The library sending pipelines use before they send: `new SuppressionClient({ client, tableName })`,
 * then `check(recipients)` answers, per recipient and in input order, whether it may be mailed and why.
 *
 * It reads the suppression table the processor writes (one BatchGetItem per 100 distinct addresses),
 * normalises addresses with the processor's own `normalizeAddress`, and judges each state at `now()`
 * with the same `effectiveState` (a temporary suppression past its `until` is clear; a soft-bounce
 * watch past its due escalation is suppressed, even before the hourly hygiene run has recorded it).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type BatchGetCommandOutput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { addressKey, STATE_SK } from '../adapters/dynamodb/schema';
import { normalizeAddress } from '../core/address';
import { type AddressState, SOURCES, type Source, STATUSES, type Status, tenantState } from '../core/state';
import { parseTenantName } from '../core/tenant-name';

export type { Source, Status } from '../core/state';

/** BatchGetItem's limit on keys per call. */
export const BATCH_GET_MAX_KEYS = 100;

export interface RetryOptions {
  /** Calls per chunk, the first included, before giving up on keys DynamoDB keeps returning unprocessed. @default 8 */
  maxAttempts?: number;
  /** Base of the exponential backoff (full jitter) between those calls, in ms. @default 50 */
  baseDelayMs?: number;
  /** Upper bound of one backoff, in ms. @default 2000 */
  maxDelayMs?: number;
}

export interface SuppressionClientOptions {
  /** A document client (recommended: build it once per process), or a plain DynamoDBClient it wraps. */
  client: DynamoDBDocumentClient | DynamoDBClient;
  /** The suppression table's name (the stack's `SuppressionTableName` output). */
  tableName: string;
  /** The clock; a temporary suppression whose `until` is at or before `now()` allows sending. @default () => new Date() */
  now?: () => Date;
  /** BatchGetItem calls in flight at once. @default 4 */
  concurrency?: number;
  /** Strongly consistent reads (twice the read cost; rarely needed). @default false */
  consistentRead?: boolean;
  retry?: RetryOptions;
}

/** Whom the check is for. */
export interface CheckOptions {
  /**
   * The SES tenant the mail will be sent through: an address suppressed for that tenant only
   * (suppression scope `tenant`) is refused too. Without it: the account-wide answer. A name SES
   * would refuse throws a TypeError naming it.
   */
  tenant?: string;
}

/** The answer for one recipient. */
export type CheckResult = AddressCheck | InvalidAddressCheck;

export interface AddressCheck {
  /** The normalised address (the table's key). */
  address: string;
  /** The recipient exactly as given. */
  input: string;
  /** May send now: status `clear` or `watch` (or a temporary suppression that has ended). */
  allowed: boolean;
  status: Status;
  /** Why it is suppressed or watched (sisimai reason, `feedback` for complaints, or the operator's text). */
  reason?: string;
  /** For `suppressed-until`: when sending is allowed again. */
  until?: string;
  /** Since when the status holds. */
  since?: string;
  /** What suppressed it: bounce, complaint, manual, import, ses-sync. */
  source?: Source;
}

export interface InvalidAddressCheck {
  input: string;
  allowed: false;
  status: 'invalid';
  /** Why the recipient is not an address (never sent to). */
  error: string;
}

/** DynamoDB kept returning some keys unprocessed (throttling) for every allowed attempt. */
export class UnprocessedKeysError extends Error {
  override readonly name = 'UnprocessedKeysError';
  constructor(
    readonly unprocessed: number,
    readonly attempts: number,
  ) {
    super(
      `${unprocessed} key(s) still unprocessed by BatchGetItem after ${attempts} attempts; the table is being throttled — retry later`,
    );
  }
}

const optionsSchema = z.object({
  client: z.custom<DynamoDBDocumentClient | DynamoDBClient>(
    (value) => value instanceof DynamoDBDocumentClient || value instanceof DynamoDBClient,
    { error: 'expected a DynamoDBDocumentClient or a DynamoDBClient' },
  ),
  tableName: z.string({ error: 'expected the table name' }).min(3, { error: 'expected the table name' }),
  now: z.function().optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
  consistentRead: z.boolean().optional(),
  retry: z
    .object({
      maxAttempts: z.number().int().min(1).max(20).optional(),
      baseDelayMs: z.number().min(0).max(10_000).optional(),
      maxDelayMs: z.number().min(0).max(60_000).optional(),
    })
    .optional(),
});

/** A state item as this client reads it (validated: the table is a boundary). */
const stateItemSchema = z.object({
  address: z.string(),
  state: z.object({
    status: z.enum(STATUSES),
    reason: z.string().optional(),
    since: z.string().optional(),
    until: z.string().optional(),
    softBounces: z.number().optional(),
    source: z.enum(SOURCES).optional(),
    tenants: z
      .record(
        z.string(),
        z.object({
          status: z.enum(['suppressed', 'suppressed-until']),
          reason: z.string(),
          since: z.string(),
          until: z.string().optional(),
          source: z.enum(SOURCES),
        }),
      )
      .optional(),
    due: z
      .object({
        at: z.string(),
        status: z.enum(['suppressed', 'suppressed-until']),
        reason: z.string(),
        until: z.string().optional(),
        group: z.string(),
      })
      .optional(),
  }),
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Answers "may I send to these recipients?" from the suppression table. */
export class SuppressionClient {
  private readonly documentClient: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly now: () => Date;
  private readonly concurrency: number;
  private readonly consistentRead: boolean;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: SuppressionClientOptions) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TypeError(`SuppressionClient options.${issue?.path.join('.') ?? ''}: ${issue?.message}`);
    }
    this.documentClient =
      options.client instanceof DynamoDBDocumentClient
        ? options.client
        : DynamoDBDocumentClient.from(options.client);
    this.tableName = options.tableName;
    this.now = options.now ?? (() => new Date());
    this.concurrency = options.concurrency ?? 4;
    this.consistentRead = options.consistentRead ?? false;
    this.maxAttempts = options.retry?.maxAttempts ?? 8;
    this.baseDelayMs = options.retry?.baseDelayMs ?? 50;
    this.maxDelayMs = options.retry?.maxDelayMs ?? 2000;
  }

  /** One recipient; see {@link check}. */
  async checkOne(address: string, options: CheckOptions = {}): Promise<CheckResult> {
    const [result] = await this.check([address], options);
    return result as CheckResult;
  }

  /**
   * Checks many recipients at once: one answer per input, in input order. Duplicates (after
   * normalisation) are read once; an invalid address is answered `status: 'invalid'` and never
   * fails the call. Throws only when the table cannot be read (e.g. {@link UnprocessedKeysError}),
   * or on a `tenant` that is no SES tenant name.
   */
  async check(addresses: readonly string[], options: CheckOptions = {}): Promise<CheckResult[]> {
    let tenant: string | undefined;
    if (options.tenant !== undefined) {
      try {
        tenant = parseTenantName(options.tenant, 'SuppressionClient check options.tenant');
      } catch (error) {
        throw new TypeError((error as Error).message);
      }
    }
    const normalised = addresses.map((input): { input: string; address?: string; error?: string } => {
      try {
        return { input, address: normalizeAddress(input) };
      } catch (error) {
        return { input, error: (error as Error).message };
      }
    });
    const distinct = [
      ...new Set(normalised.flatMap((entry) => (entry.address === undefined ? [] : [entry.address]))),
    ];
    const states = await this.readStates(distinct);
    const now = this.now();
    return normalised.map(({ input, address, error }): CheckResult => {
      if (address === undefined) {
        return { input, allowed: false, status: 'invalid', error: error ?? 'not an address' };
      }
      const state = tenantState(states.get(address) ?? { status: 'clear' }, tenant, now);
      const result: AddressCheck = {
        address,
        input,
        allowed: state.status === 'clear' || state.status === 'watch',
        status: state.status,
      };
      if (state.reason !== undefined) result.reason = state.reason;
      if (state.until !== undefined) result.until = state.until;
      if (state.since !== undefined) result.since = state.since;
      if (state.source !== undefined) result.source = state.source;
      return result;
    });
  }

  /** The stored state of each address found, by address; absent addresses have no item (clear). */
  private async readStates(addresses: readonly string[]): Promise<Map<string, AddressState>> {
    const chunks: string[][] = [];
    for (let i = 0; i < addresses.length; i += BATCH_GET_MAX_KEYS) {
      chunks.push(addresses.slice(i, i + BATCH_GET_MAX_KEYS));
    }
    const states = new Map<string, AddressState>();
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++] as string[];
        for (const item of await this.readChunk(chunk)) {
          const parsed = stateItemSchema.safeParse(item);
          if (!parsed.success) {
            throw new Error(
              `suppression table ${this.tableName}: unexpected state item (${parsed.error.issues[0]?.message ?? 'bad shape'})`,
            );
          }
          states.set(parsed.data.address, parsed.data.state as AddressState);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, chunks.length) }, worker));
    return states;
  }

  /** One BatchGetItem of ≤ 100 keys, unprocessed keys retried with exponential backoff and full jitter. */
  private async readChunk(addresses: readonly string[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let keys: Record<string, unknown>[] = addresses.map((address) => addressKey(address));
    for (let attempt = 1; ; attempt++) {
      const output: BatchGetCommandOutput = await this.documentClient.send(
        new BatchGetCommand({
          RequestItems: {
            [this.tableName]: {
              Keys: keys,
              ConsistentRead: this.consistentRead,
              // `state` is a DynamoDB reserved word.
              ProjectionExpression: '#address, #state, sk',
              ExpressionAttributeNames: { '#address': 'address', '#state': 'state' },
            },
          },
        }),
      );
      for (const item of output.Responses?.[this.tableName] ?? []) {
        if (item.sk === STATE_SK) items.push(item);
      }
      keys = (output.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
      if (keys.length === 0) return items;
      if (attempt >= this.maxAttempts) throw new UnprocessedKeysError(keys.length, attempt);
      const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.random() * ceiling);
    }
  }
}

export {
  AllRecipientsSuppressedError,
  DESTINATION_FIELDS,
  type DestinationField,
  type DroppedRecipient,
  type DroppedReport,
  type RecipientChecker,
  SUPPRESSED_ENTRY_ERROR,
  SUPPRESSION_GUARD_NAME,
  type SuppressionGuardOptions,
  suppressionGuard,
} from './ses-guard';
