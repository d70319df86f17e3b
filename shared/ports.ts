import type {
  AddressEvent,
  HistoryEvent,
  StoredEvent,
  UnreadableRecipient,
  WatchElapsedEvent,
} from './core/events';
import type { HourlyCounts, TenantHourlyCounts } from './core/rates';
import type { AddressState } from './core/state';

/** An address's stored record: its derived state and the recent events it was derived from. */
export interface AddressRecord {
  address: string;
  state: AddressState;
  events: StoredEvent[];
}

/** One applied event as the audit trail keeps it: what came in and what it changed. */
export interface AuditEntry {
  /** The event as it came in (or the hygiene run's `watch-elapsed` record). */
  event: HistoryEvent;
  before: AddressState;
  after: AddressState;
}

export interface ApplyResult {
  before: AddressState;
  after: AddressState;
  /** How many events were new; 0 means every one was a duplicate (or history) and nothing was written. */
  added: number;
  /** The new events themselves (for metrics: duplicates must not count twice). */
  addedEvents: readonly AddressEvent[];
}

export interface ApplyOptions {
  /**
   * Epoch milliseconds after which conflict retries stop (the caller's time budget, e.g. a Lambda
   * invocation's remaining time less a reserve). Absent: the store's own attempt limit applies.
   */
  deadline?: number;
}

/** One entry of the sparse due index: a watched address whose escalation is due at `dueAt`. */
export interface DueEntry {
  address: string;
  dueAt: string;
}

export interface DuePage {
  /** Due at or before the time asked, at most the limit asked. */
  entries: DueEntry[];
  /** Due entries beyond those (0 when the limit was not reached); counted from the index, capped. */
  remaining: number;
  /** True when `remaining` stopped counting at its cap (there are at least that many). */
  remainingCapped: boolean;
}

/** What settling one due address did. */
export type SettleResult =
  | {
      /** Escalated: a `watch-elapsed` event was added (audit entry written) and the item left the index. */
      outcome: 'promoted';
      before: AddressState;
      after: AddressState;
      event: WatchElapsedEvent;
    }
  /** Not due (any more) under the current policy, but its index attributes said so: rewritten. */
  | { outcome: 'reindexed' }
  /** Not due: the (eventually consistent) index was behind a newer write; nothing to do. */
  | { outcome: 'not-due' }
  /** No such address (any more). */
  | { outcome: 'gone' };

/** List hygiene's view of the store: the sparse index of due watches, and settling them one by one. */
export interface DueWatchStore {
  /** Watched addresses whose escalation is due at or before `now`, oldest first per index shard; at most `limit`. */
  dueAddresses(now: Date, limit: number): Promise<DuePage>;
  /** Re-reads the address (strongly consistent) and escalates it if it is still due at `now`. */
  settleDue(address: string, now: Date): Promise<SettleResult>;
}

/** The suppression table as the core sees it; the DynamoDB adapter implements it. */
export interface SuppressionStore extends DueWatchStore {
  /** Merges events into the address's history and re-derives its state, idempotently and in any order. */
  applyEvents(address: string, events: readonly AddressEvent[], options?: ApplyOptions): Promise<ApplyResult>;
  get(address: string): Promise<AddressRecord | undefined>;
  /** The newest audit entries of an address, newest first. */
  auditTrail(address: string, limit: number): Promise<AuditEntry[]>;
  /** Every address record, in no particular order. */
  scan(): AsyncIterable<AddressRecord>;
  /**
   * Erasure: deletes every item of the address (its state and all its audit items) and keeps only a
   * hashed record that it was forgotten (when, why, how many items), never the address itself.
   */
  forget(address: string, request: ForgetRequest): Promise<ForgetResult>;
}

export interface ForgetRequest {
  /** When the erasure was made (ISO-8601). */
  at: string;
  /** Why (e.g. the ticket of the erasure request); kept with the hash. */
  reason: string;
}

export interface ForgetResult {
  /** `hashAddress` of the address: the only trace left of it. */
  hash: string;
  /** Items deleted (state item + audit items + any other item under the address). */
  deleted: number;
}

/** Hourly per-identity sending counters (for bounce and complaint rates); the DynamoDB adapter implements it. */
export interface RateCounterStore {
  /** Adds each identity-hour's (and tenant-hour's) counts (one write per bucket). */
  add(counts: readonly HourlyCounts[], tenants?: readonly TenantHourlyCounts[]): Promise<void>;
  /** Every identity-hour bucket in `[from, to)`. */
  read(from: Date, to: Date): Promise<HourlyCounts[]>;
  /** Every tenant-hour bucket in `[from, to)`; absent: a store without tenant counters (no tenant rows). */
  readTenants?(from: Date, to: Date): Promise<TenantHourlyCounts[]>;
  /** Both kinds in `[from, to)` in as many requests as `read` alone (preferred when present). */
  readAll?(from: Date, to: Date): Promise<{ identities: HourlyCounts[]; tenants: TenantHourlyCounts[] }>;
}

/** What one stale-counter cleanup did. */
export interface CounterCleanupResult {
  /** Day partitions looked at (one Query each, even when empty). */
  daysVisited: number;
  /** Days (YYYY-MM-DD) whose counters were deleted. */
  daysDeleted: string[];
  itemsDeleted: number;
  /** The newest day known clean (the cursor), if any. */
  cleanedThrough?: string;
  /** Stale days left for the next run (the per-run bound was reached). */
  more: boolean;
}

/** Deletes counter days past their retention without scanning (engines without TTL never expire them). */
export interface CounterCleanup {
  deleteStaleDays(now: Date, limits?: { maxDays?: number; maxItems?: number }): Promise<CounterCleanupResult>;
}

/**
 * Send events already counted, by SES message id: a Send has no per-address event to deduplicate it
 * (as deliveries and bounces do), and with `ingest: both` every Send arrives twice (SNS and EventBridge).
 */
export interface SendLedger {
  /** Records the message's Send; `true` the first time, `false` when it was recorded already. */
  firstSeen(messageId: string, at: string): Promise<boolean>;
}

/** Recipients whose address could not be read, kept by the hash of their raw text (see UnreadableRecipient). */
export interface UnreadableRecipientStore {
  /** Keeps the entry; idempotent by its id. Resolves `added: false` when it was kept already (a redelivery). */
  record(entry: UnreadableRecipient): Promise<{ added: boolean }>;
  /** Every entry kept under `hash` (hashAddress of the raw text), oldest first. */
  find(hash: string): Promise<UnreadableRecipient[]>;
}
