import { hashAddress, normalizeAddress } from '../../shared/core/address';
import { effectiveState } from '../../shared/core/state';
import type { SuppressionStore } from '../../shared/ports';
import {
  emptyCounts,
  planAction,
  planTenantActions,
  pulledEvent,
  pullStart,
  pulls,
  pushes,
  type SyncAction,
  type SyncCounts,
  type SyncMode,
} from './plan';
import type { SesSuppressionListPort, SyncCursor, SyncStateStore } from './ports';

export interface SyncLogger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
}

export interface SyncDependencies {
  store: SuppressionStore;
  syncState: SyncStateStore;
  ses: SesSuppressionListPort;
  logger?: SyncLogger;
}

export interface SyncOptions {
  mode: SyncMode;
  now: Date;
  /** Milliseconds left before the run must stop starting SES calls (the rest is deferred). */
  timeLeft?: () => number;
}

export interface SyncReport {
  mode: SyncMode;
  /** The cursor after this run (unchanged when the pull did not complete). */
  cursor?: string;
  counts: SyncCounts;
}

const SAFETY_MARGIN_MS = 20_000;
const silent: SyncLogger = { info: () => {}, warn: () => {} };

/**
 * One run of the SES suppression list sync: pull (entries SES added since the cursor become
 * `ses-sync` events here), then push (our permanent suppressions to SES, operator lifts removed
 * from it). Nothing is lost on failure: the pull's cursor only moves once every entry landed, and
 * push/remove are derived from state vs. marker on every run.
 */
export async function runSync(deps: SyncDependencies, options: SyncOptions): Promise<SyncReport> {
  const { mode, now } = options;
  const logger = deps.logger ?? silent;
  const counts = emptyCounts();
  const previous = await deps.syncState.readCursor();
  let cursor = previous?.cursor;
  if (mode === 'off') return { mode, ...(cursor ? { cursor } : {}), counts };
  const timeLeft = options.timeLeft ?? (() => Number.POSITIVE_INFINITY);

  if (pulls(mode)) {
    const complete = await pull(deps, logger, counts, cursor, now);
    if (complete) cursor = now.toISOString();
  }
  if (pushes(mode)) await push(deps, logger, counts, now, timeLeft);

  const record: SyncCursor = { lastRunAt: now.toISOString(), mode, counts, ...(cursor ? { cursor } : {}) };
  await deps.syncState.writeCursor(record);
  logger.info('ses sync run', { mode, cursor, counts: { ...counts } });
  return { mode, ...(cursor ? { cursor } : {}), counts };
}

/** Returns whether every entry landed (then the cursor may move to `now`). */
async function pull(
  deps: SyncDependencies,
  logger: SyncLogger,
  counts: SyncCounts,
  cursor: string | undefined,
  now: Date,
): Promise<boolean> {
  let complete = true;
  try {
    for await (const page of deps.ses.listSince(pullStart(cursor), now)) {
      for (const entry of page) {
        counts.listed++;
        let address: string;
        try {
          address = normalizeAddress(entry.emailAddress);
        } catch {
          counts.invalid++;
          logger.warn('ses entry with an unreadable address skipped', {
            hash: hashAddress(entry.emailAddress),
          });
          continue;
        }
        try {
          // Known to SES through us already (we pushed or pulled it): nothing to learn.
          if (await deps.syncState.getMarker(address)) continue;
          const current = await deps.store.get(address);
          // Already suppressed for good here: keep our own reason and source, just note SES has it.
          if (!current || effectiveState(current.state, now).status !== 'suppressed') {
            const result = await deps.store.applyEvents(address, [
              pulledEvent(address, entry.reason, entry.lastUpdateTime),
            ]);
            if (result.after.status === 'suppressed' && result.before.status !== 'suppressed')
              counts.pulled++;
          }
          await deps.syncState.putMarker(address, {
            reason: entry.reason,
            at: now.toISOString(),
            origin: 'pull',
          });
        } catch (error) {
          complete = false;
          counts.failed++;
          logger.warn('ses entry not applied; retried next run', {
            hash: hashAddress(address),
            error: (error as Error).message,
          });
        }
      }
    }
  } catch (error) {
    // Listing failed (throttled through every retry, or SES down): keep the cursor, read again next run.
    complete = false;
    counts.failed++;
    logger.warn('ses list not read to the end; retried next run', { error: (error as Error).message });
  }
  return complete;
}

async function push(
  deps: SyncDependencies,
  logger: SyncLogger,
  counts: SyncCounts,
  now: Date,
  timeLeft: () => number,
) {
  const actions: SyncAction[] = [];
  for await (const { address, record, marker, tenantMarkers } of deps.syncState.scanForSync()) {
    const action = planAction(address, record?.state, marker, now);
    if (action) actions.push(action);
    actions.push(...planTenantActions(address, record?.state, tenantMarkers ?? {}));
  }
  for (const [index, action] of actions.entries()) {
    if (timeLeft() < SAFETY_MARGIN_MS) {
      counts.deferred += actions.length - index;
      break;
    }
    try {
      if (action.kind === 'put') {
        await deps.ses.put(action.address, action.reason, action.tenant);
        await deps.syncState.putMarker(
          action.address,
          { reason: action.reason, at: now.toISOString(), origin: 'push' },
          action.tenant,
        );
        counts.pushed++;
      } else {
        await deps.ses.delete(action.address, action.tenant);
        await deps.syncState.deleteMarker(action.address, action.tenant);
        counts.removed++;
      }
    } catch (error) {
      counts.failed++;
      logger.warn(`ses ${action.kind} failed; retried next run`, {
        hash: hashAddress(action.address),
        ...(action.tenant === undefined ? {} : { tenant: action.tenant }),
        error: (error as Error).message,
      });
      if ((error as { name?: string }).name === 'SesThrottledError') {
        // SES is saturated: stop for this run instead of hammering it.
        counts.deferred += actions.length - index - 1;
        break;
      }
    }
  }
}
