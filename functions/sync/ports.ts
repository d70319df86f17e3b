import type { AddressRecord } from '../../shared/ports';
import type { SesMarker, SesReason, SyncCounts, SyncMode } from './plan';

/** The sync's own items in the suppression table: the cursor and the per-address SES markers. */
export interface SyncStateStore {
  readCursor(): Promise<SyncCursor | undefined>;
  writeCursor(cursor: SyncCursor): Promise<void>;
  getMarker(address: string): Promise<SesMarker | undefined>;
  putMarker(address: string, marker: SesMarker): Promise<void>;
  deleteMarker(address: string): Promise<void>;
  /** Every address with a state item or a marker (one Scan of the table). */
  scanForSync(): AsyncIterable<{ address: string; record?: AddressRecord; marker?: SesMarker }>;
}

export interface SyncCursor {
  /** Pulls read SES entries updated from here on (less an overlap); absent before the first full pull. */
  cursor?: string;
  lastRunAt: string;
  mode: SyncMode;
  counts: SyncCounts;
}

/** The SES account suppression list as the sync sees it (`shared/adapters/ses/suppression-list.ts`). */
export interface SesSuppressionListPort {
  put(emailAddress: string, reason: SesReason): Promise<void>;
  delete(emailAddress: string): Promise<void>;
  listSince(
    start: Date | undefined,
    end: Date,
  ): AsyncIterable<{ emailAddress: string; reason: SesReason; lastUpdateTime: string }[]>;
}
