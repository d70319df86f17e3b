/**
 * The SES account suppression list sync, as pure decisions (no AWS import): what to push, what to
 * remove, how an SES entry becomes an event. `sync.ts` runs them against the table and SES.
 */
import type { ManualEvent } from '../../shared/core/events';
import { type AddressState, effectiveState } from '../../shared/core/state';

export const SYNC_MODES = ['off', 'push', 'pull', 'both'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

export type SesReason = 'BOUNCE' | 'COMPLAINT';

/** What we know SES's list holds for an address: written when we push it or pull it. */
export interface SesMarker {
  reason: SesReason;
  /** When we pushed or pulled it (ISO-8601). */
  at: string;
  origin: 'push' | 'pull';
}

/** An action on the account's list, or (with `tenant`) on that SES tenant's own list. */
export type SyncAction =
  | { kind: 'put'; address: string; reason: SesReason; tenant?: string }
  | { kind: 'delete'; address: string; tenant?: string };

/** Pulled entries older than the cursor by up to this much are read again (SES's list is eventually consistent). */
export const CURSOR_OVERLAP_MS = 15 * 60_000;

export const pushes = (mode: SyncMode) => mode === 'push' || mode === 'both';
export const pulls = (mode: SyncMode) => mode === 'pull' || mode === 'both';

/** The SES reason for one of our permanent suppressions: complaints are COMPLAINT, everything else BOUNCE. */
export function sesReasonOf(state: Pick<AddressState, 'source' | 'reason'>): SesReason {
  return state.source === 'complaint' || state.reason === 'feedback' ? 'COMPLAINT' : 'BOUNCE';
}

/**
 * What SES's list should hold for an address, compared with what it holds (per our marker):
 * - permanently suppressed here and not there → put;
 * - there, but no longer permanently suppressed here (an operator lifted it, or made it temporary)
 *   → delete. SES's list has no end date, so temporary suppressions stay in our table only.
 * Derived from state on every run, so a put or delete that failed is simply planned again next time.
 */
export function planAction(
  address: string,
  state: AddressState | undefined,
  marker: SesMarker | undefined,
  now: Date,
): SyncAction | undefined {
  const effective = state ? effectiveState(state, now) : undefined;
  if (effective?.status === 'suppressed') {
    // SES has it already (through us, or on its own: a pull wrote the marker): its reason there may
    // differ from ours (e.g. SES saw a complaint, we a bounce); both suppress, so SES's is left as it
    // is. SES's own verdict is never pushed, and never taken off its list either.
    return marker || isSesVerdict(effective)
      ? undefined
      : { kind: 'put', address, reason: sesReasonOf(effective) };
  }
  return marker ? { kind: 'delete', address } : undefined;
}

/**
 * A suppression that rests on SES's own verdict: a bounce SES synthesized without trying the
 * receiver (`Suppressed`, `OnAccountSuppressionList`, `EmailValidationSuppressed`: reason
 * `suppressed`). SES already refuses the address (it is on its list, or its validation refused it);
 * pushing it would put SES's guess back into SES's list as if a receiver had confirmed it.
 */
export function isSesVerdict(state: AddressState): boolean {
  return state.source === 'bounce' && state.reason === 'suppressed';
}

/**
 * The same comparison per SES tenant (suppression scope `tenant`): a tenant's permanent suppression
 * of the address goes to that tenant's own list (PutSuppressedDestination with `TenantName`), and a
 * tenant list entry we wrote (our marker) whose suppression was lifted here is removed from it.
 * Temporary tenant suppressions stay in our table, like temporary account ones. Sorted by tenant.
 */
export function planTenantActions(
  address: string,
  state: AddressState | undefined,
  markers: Readonly<Record<string, SesMarker>>,
): SyncAction[] {
  const suppressedFor = new Set(
    Object.entries(state?.tenants ?? {})
      .filter(([, entry]) => entry.status === 'suppressed')
      .map(([tenant]) => tenant),
  );
  const actions: SyncAction[] = [];
  for (const tenant of [...new Set([...suppressedFor, ...Object.keys(markers)])].sort()) {
    const entry = state?.tenants?.[tenant];
    if (suppressedFor.has(tenant) && entry !== undefined) {
      if (markers[tenant] === undefined)
        actions.push({ kind: 'put', address, reason: sesReasonOf(entry), tenant });
    } else {
      actions.push({ kind: 'delete', address, tenant });
    }
  }
  return actions;
}

/** Where the pull starts: the cursor less the overlap, or everything on the first run. */
export function pullStart(cursor: string | undefined): Date | undefined {
  return cursor === undefined ? undefined : new Date(Date.parse(cursor) - CURSOR_OVERLAP_MS);
}

/**
 * An entry SES added as an event of ours: a `ses-sync` suppression at SES's own time, with an id
 * from the address and that time (pulling it again adds nothing). Reasons use the processor's
 * vocabulary: `suppressed` (SES's list) for BOUNCE, `feedback` for COMPLAINT.
 */
export function pulledEvent(address: string, reason: SesReason, lastUpdateTime: string): ManualEvent {
  return {
    type: 'manual',
    id: `ses-sync:${address}:${lastUpdateTime}`,
    at: lastUpdateTime,
    action: 'suppress',
    source: 'ses-sync',
    reason: reason === 'COMPLAINT' ? 'feedback' : 'suppressed',
  };
}

/** Counts of one run, kept with the cursor. */
export interface SyncCounts {
  /** SES entries read. */
  listed: number;
  /** Of those, addresses that became suppressed here. */
  pulled: number;
  /** Puts to SES that succeeded. */
  pushed: number;
  /** Deletes from SES that succeeded. */
  removed: number;
  /** Actions or entries that failed; retried on the next run. */
  failed: number;
  /** Actions left for the next run (time budget or throttling). */
  deferred: number;
  /** SES entries whose address we cannot read (skipped for good). */
  invalid: number;
}

export const emptyCounts = (): SyncCounts => ({
  listed: 0,
  pulled: 0,
  pushed: 0,
  removed: 0,
  failed: 0,
  deferred: 0,
  invalid: 0,
});
