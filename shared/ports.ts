import type { AddressEvent } from './core/events';
import type { AddressState } from './core/state';

/** An address's stored record: its derived state and the recent events it was derived from. */
export interface AddressRecord {
  address: string;
  state: AddressState;
  events: AddressEvent[];
}

export interface ApplyResult {
  before: AddressState;
  after: AddressState;
  /** Events that were new; 0 means every event was a duplicate and nothing was written. */
  added: number;
}

/** The suppression table as the core sees it; the DynamoDB adapter implements it. */
export interface SuppressionStore {
  /** Merges events into the address's record and re-derives its state, idempotently. */
  applyEvents(address: string, events: readonly AddressEvent[]): Promise<ApplyResult>;
  get(address: string): Promise<AddressRecord | undefined>;
  /** Every address record, in no particular order. */
  scan(): AsyncIterable<AddressRecord>;
}
