import type { AddressRecord } from '../../shared/ports';
import type { SesMarker, SesReason, SyncCounts, SyncMode } from './plan';

/** The sync's own items in the suppression table: the cursor and the per-address SES markers. */
export interface SyncStateStore {
  readCursor(): Promise<SyncCursor | undefined>;
  writeCursor(cursor: SyncCursor): Promise<void>;
  /** The marker of the account's list, or (with `tenant`) of that tenant's list. */
  getMarker(address: string, tenant?: string): Promise<SesMarker | undefined>;
  putMarker(address: string, marker: SesMarker, tenant?: string): Promise<void>;
  deleteMarker(address: string, tenant?: string): Promise<void>;
  /** Every address with a state item or a marker (one Scan of the table). */
  scanForSync(): AsyncIterable<SyncEntry>;
}

export interface SyncEntry {
  address: string;
  record?: AddressRecord;
  /** What the account's list holds (per our marker). */
  marker?: SesMarker;
  /** What each tenant's list holds (per our markers), by tenant. */
  tenantMarkers?: Record<string, SesMarker>;
}

export interface SyncCursor {
  /** Pulls read SES entries updated from here on (less an overlap); absent before the first full pull. */
  cursor?: string;
  lastRunAt: string;
  mode: SyncMode;
  counts: SyncCounts;
}

/**
 * The SES account suppression list as the sync sees it (`shared/adapters/ses/suppression-list.ts`);
 * `put` and `delete` with a tenant act on that SES tenant's own list.
 */
export interface SesSuppressionListPort {
  put(emailAddress: string, reason: SesReason, tenant?: string): Promise<void>;
  delete(emailAddress: string, tenant?: string): Promise<void>;
  listSince(
    start: Date | undefined,
    end: Date,
  ): AsyncIterable<{ emailAddress: string; reason: SesReason; lastUpdateTime: string }[]>;
}
