import type { AddressEvent, StoredEvent } from './core/events';
import type { HourlyCounts } from './core/rates';
import type { AddressState } from './core/state';

/** An address's stored record: its derived state and the recent events it was derived from. */
export interface AddressRecord {
  address: string;
  state: AddressState;
  events: StoredEvent[];
}

/** One applied event as the audit trail keeps it: what came in and what it changed. */
export interface AuditEntry {
  event: AddressEvent;
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

/** The suppression table as the core sees it; the DynamoDB adapter implements it. */
export interface SuppressionStore {
  /** Merges events into the address's history and re-derives its state, idempotently and in any order. */
  applyEvents(address: string, events: readonly AddressEvent[]): Promise<ApplyResult>;
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
  /** Adds each identity-hour's counts (one write per identity-hour). */
  add(counts: readonly HourlyCounts[]): Promise<void>;
  /** Every identity-hour bucket in `[from, to)`. */
  read(from: Date, to: Date): Promise<HourlyCounts[]>;
}
