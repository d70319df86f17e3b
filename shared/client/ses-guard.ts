/**
 * Enforcement in one line: a middleware for the AWS SDK's `SESv2Client` that checks the recipients of
 * `SendEmail` and `SendBulkEmail` against the suppression table before the call goes out.
 *
 *   ses.middlewareStack.use(suppressionGuard({ client: suppressionClient, onDropped: (report) => … }));
 *
 * Suppressed recipients are removed from To/Cc/Bcc (a bulk entry left with none is removed, and its
 * result put back in place so `BulkEmailEntryResults` still lines up with the caller's entries); a call
 * left with no recipient is not sent at all. What was dropped, and why, goes to `onDropped`.
 *
 * It sits at the `initialize` step, before serialization and the SDK's retries, and never changes the
 * caller's input object. The SES types are written structurally here so the published `.d.ts` needs no
 * `@aws-sdk/client-sesv2` (an optional peer) to type-check.
 */
import { isTenantName } from '../core/tenant-name';
import type { AddressCheck, CheckOptions, CheckResult } from './index';

/** The recipient fields of an SES v2 `Destination`. */
export const DESTINATION_FIELDS = ['ToAddresses', 'CcAddresses', 'BccAddresses'] as const;
export type DestinationField = (typeof DESTINATION_FIELDS)[number];
type Destination = Partial<Record<DestinationField, string[]>>;

/** The middleware's name on the stack (`ses.middlewareStack.remove(SUPPRESSION_GUARD_NAME)` takes it off). */
export const SUPPRESSION_GUARD_NAME = 'sesBounceHandlerSuppressionGuard';

/** What the guard needs of a {@link SuppressionClient}: one batched check. */
export interface RecipientChecker {
  check(addresses: readonly string[], options?: CheckOptions): Promise<CheckResult[]>;
}

export interface DroppedRecipient {
  /** The recipient exactly as the caller gave it (display name included). */
  input: string;
  /** The normalised address (the table's key). */
  address: string;
  field: DestinationField;
  /** For SendBulkEmail: the index of the entry in the caller's `BulkEmailEntries`. */
  entry?: number;
  status: AddressCheck['status'];
  reason?: string;
  until?: string;
  source?: AddressCheck['source'];
}

export interface DroppedReport {
  command: 'SendEmail' | 'SendBulkEmail';
  /** The call's `TenantName`, when it named one: the recipients were checked as that tenant sees them. */
  tenant?: string;
  dropped: DroppedRecipient[];
  /** False when every recipient was suppressed and the call was not sent. */
  sent: boolean;
  /** For SendBulkEmail: the caller's entry indexes that were removed (no recipient left). */
  skippedEntries?: number[];
}

export interface SuppressionGuardOptions {
  /** A `SuppressionClient` (or anything with its `check`). */
  client: RecipientChecker;
  /** Called once per guarded call that dropped at least one recipient, before it is sent. */
  onDropped?: (report: DroppedReport) => void | Promise<void>;
  /**
   * When every recipient is suppressed: `'skip'` resolves the send without calling SES (SendEmail: no
   * `MessageId`; SendBulkEmail: every entry `MESSAGE_REJECTED`), `'throw'` rejects it with
   * {@link AllRecipientsSuppressedError}. @default 'skip'
   */
  whenAllSuppressed?: 'skip' | 'throw';
  /**
   * When the table cannot be read: `'throw'` fails the send with the read error (never mail an
   * address that may be suppressed), `'send'` sends unchecked. @default 'throw'
   */
  onCheckError?: 'throw' | 'send';
}

/** The error of a send whose recipients were all suppressed, with `whenAllSuppressed: 'throw'`. */
export class AllRecipientsSuppressedError extends Error {
  override readonly name = 'AllRecipientsSuppressedError';
  constructor(readonly report: DroppedReport) {
    super(`${report.command} not sent: all ${report.dropped.length} recipient(s) are suppressed`);
  }
}

/** Error text of a bulk entry the guard removed, in its `BulkEmailEntryResults` slot. */
export const SUPPRESSED_ENTRY_ERROR =
  'not sent: every recipient is on the suppression table (ses-bounce-handler)';

// Structural slices of the SDK's middleware types: enough for `middlewareStack.use(...)` to accept it.
type Args = { input: Record<string, unknown> };
type Next = (args: Args) => Promise<{ output: unknown; response: unknown }>;
interface StackLike {
  add(
    middleware: (next: Next, context: { commandName?: string }) => Next,
    options: { step: 'initialize'; name: string; override: boolean; tags: string[] },
  ): void;
}

interface Slot {
  entry?: number;
  destination: Destination | undefined;
}

/**
 * The call's `TenantName` (SendEmail and SendBulkEmail both take one): the recipients are checked as
 * that tenant sees them. A value SES would refuse names no tenant (SES fails the call itself), so
 * the account-wide answer holds.
 */
function tenantOfInput(input: Record<string, unknown>): string | undefined {
  const name = input.TenantName;
  return typeof name === 'string' && isTenantName(name) ? name : undefined;
}

/** The guard, to hand to `SESv2Client.middlewareStack.use()`. */
export function suppressionGuard(options: SuppressionGuardOptions): { applyToStack(stack: StackLike): void } {
  const whenAllSuppressed = options.whenAllSuppressed ?? 'skip';
  const onCheckError = options.onCheckError ?? 'throw';
  if (whenAllSuppressed !== 'skip' && whenAllSuppressed !== 'throw')
    throw new TypeError(
      `suppressionGuard whenAllSuppressed: expected "skip" or "throw", got ${JSON.stringify(whenAllSuppressed)}`,
    );
  if (onCheckError !== 'throw' && onCheckError !== 'send')
    throw new TypeError(
      `suppressionGuard onCheckError: expected "throw" or "send", got ${JSON.stringify(onCheckError)}`,
    );
  if (typeof options.client?.check !== 'function')
    throw new TypeError('suppressionGuard client: expected a SuppressionClient (an object with check())');

  /** The answer per distinct recipient string, or undefined when the table could not be read and we send. */
  async function checkAll(
    slots: readonly Slot[],
    tenant: string | undefined,
  ): Promise<Map<string, CheckResult> | undefined> {
    const recipients = [
      ...new Set(
        slots.flatMap(({ destination }) => DESTINATION_FIELDS.flatMap((f) => destination?.[f] ?? [])),
      ),
    ];
    try {
      const results = await options.client.check(recipients, tenant === undefined ? {} : { tenant });
      return new Map(recipients.map((recipient, i) => [recipient, results[i] as CheckResult]));
    } catch (error) {
      if (onCheckError === 'send') return undefined;
      throw error;
    }
  }

  /** The destination without its suppressed recipients, and those it dropped. */
  function filter(slot: Slot, answers: Map<string, CheckResult>) {
    const dropped: DroppedRecipient[] = [];
    const kept: Destination = {};
    let remaining = 0;
    for (const field of DESTINATION_FIELDS) {
      const list = slot.destination?.[field];
      if (list === undefined) continue;
      kept[field] = list.filter((input) => {
        const answer = answers.get(input);
        // Invalid addresses are not the table's business: SES answers for them as it always has.
        if (answer === undefined || answer.allowed || answer.status === 'invalid') return true;
        const entry: DroppedRecipient = { input, address: answer.address, field, status: answer.status };
        if (slot.entry !== undefined) entry.entry = slot.entry;
        if (answer.reason !== undefined) entry.reason = answer.reason;
        if (answer.until !== undefined) entry.until = answer.until;
        if (answer.source !== undefined) entry.source = answer.source;
        dropped.push(entry);
        return false;
      });
      remaining += kept[field].length;
    }
    return { kept, dropped, remaining };
  }

  const middleware =
    (next: Next, context: { commandName?: string }): Next =>
    async (args) => {
      const tenant = tenantOfInput(args.input);
      const about = tenant === undefined ? {} : { tenant };
      if (context.commandName === 'SendEmailCommand') {
        const destination = args.input.Destination as Destination | undefined;
        // Raw MIME without a Destination names its recipients in headers only; SES reads them there.
        if (destination === undefined) return next(args);
        const answers = await checkAll([{ destination }], tenant);
        if (answers === undefined) return next(args);
        const { kept, dropped, remaining } = filter({ destination }, answers);
        if (dropped.length === 0) return next(args);
        const report: DroppedReport = { command: 'SendEmail', ...about, dropped, sent: remaining > 0 };
        await options.onDropped?.(report);
        if (remaining > 0) return next({ ...args, input: { ...args.input, Destination: kept } });
        if (whenAllSuppressed === 'throw') throw new AllRecipientsSuppressedError(report);
        return { output: { $metadata: {} }, response: {} };
      }
      if (context.commandName === 'SendBulkEmailCommand') {
        const entries = (args.input.BulkEmailEntries ?? []) as { Destination?: Destination }[];
        const slots = entries.map((entry, index) => ({ entry: index, destination: entry.Destination }));
        const answers = await checkAll(slots, tenant);
        if (answers === undefined) return next(args);
        const filtered = slots.map((slot) => filter(slot, answers));
        const dropped = filtered.flatMap((f) => f.dropped);
        if (dropped.length === 0) return next(args);
        const skippedEntries = filtered.flatMap((f, index) => (f.remaining === 0 ? [index] : []));
        const sent = skippedEntries.length < entries.length;
        const report: DroppedReport = { command: 'SendBulkEmail', ...about, dropped, sent, skippedEntries };
        await options.onDropped?.(report);
        const rejected = { Status: 'MESSAGE_REJECTED', Error: SUPPRESSED_ENTRY_ERROR };
        if (!sent) {
          if (whenAllSuppressed === 'throw') throw new AllRecipientsSuppressedError(report);
          return {
            output: { $metadata: {}, BulkEmailEntryResults: entries.map(() => rejected) },
            response: {},
          };
        }
        const keptEntries = entries.flatMap((entry, index) => {
          const f = filtered[index] as (typeof filtered)[number];
          return f.remaining === 0
            ? []
            : [f.dropped.length === 0 ? entry : { ...entry, Destination: f.kept }];
        });
        const result = await next({ ...args, input: { ...args.input, BulkEmailEntries: keptEntries } });
        const output = result.output as { BulkEmailEntryResults?: unknown[] };
        const sentResults = [...(output.BulkEmailEntryResults ?? [])];
        // Put a result back in each removed entry's place: results stay positional, as SES returns them.
        const realigned = entries.map((_, index) =>
          skippedEntries.includes(index) ? rejected : sentResults.shift(),
        );
        return { ...result, output: { ...output, BulkEmailEntryResults: realigned } };
      }
      return next(args);
    };

  return {
    applyToStack(stack) {
      stack.add(middleware, {
        step: 'initialize',
        name: SUPPRESSION_GUARD_NAME,
        override: true,
        tags: ['SUPPRESSION'],
      });
    },
  };
}
