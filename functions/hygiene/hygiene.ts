import {
  DEFAULT_THRESHOLDS,
  type Level,
  rateReport,
  type Thresholds,
  type WindowReport,
  windowOf,
} from '../../shared/core/rates';
import type { CounterCleanup, DueWatchStore, RateCounterStore } from '../../shared/ports';

/** The sliding windows rates are computed over; the first is the report's headline. */
export const WINDOWS = [
  { name: '24h', hours: 24 },
  { name: '7d', hours: 24 * 7 },
] as const;

/** Due watchers settled per run; the rest wait for the next run (reported as `remaining`). */
export const DEFAULT_MAX_DUE_PER_RUN = 1000;
/** Due addresses settled at once (each: one consistent read, one audit put, one conditional put). */
const SETTLE_CONCURRENCY = 8;

/** What list hygiene did in one run (absent from the report when the run had no store to tidy). */
export interface ListHygieneReport {
  /** Due-index entries read (keys only, `dueAt <= now`): the run's reads are these plus one GetItem each. */
  dueRead: number;
  /** Watchers escalated, in all and by the status they got. */
  promoted: number;
  promotedTo: { suppressed: number; 'suppressed-until': number };
  /** Index entries whose address was no longer due (a newer write the index had not caught up with). */
  notDue: number;
  /** Entries rewritten because the current policy no longer makes them due. */
  reindexed: number;
  /** Entries that could not be settled this time (left in the index for the next run). */
  failed: number;
  /** The first of those errors; the run fails with it once everything else is done. */
  firstError?: string;
  /** Still due after this run (beyond the per-run bound); `remainingCapped`: at least that many. */
  remaining: number;
  remainingCapped: boolean;
  /** The stale counter cleanup (absent when not run). */
  counters?: {
    daysVisited: number;
    daysDeleted: number;
    itemsDeleted: number;
    cleanedThrough?: string;
    more: boolean;
  };
  /** Why list hygiene did not run (e.g. the table has no due index yet). */
  skipped?: string;
}

export interface HygieneReport extends WindowReport {
  /** Every window (the headline one first). */
  windows: WindowReport[];
  /** What the run did besides measuring (promotions, deletions, pausing a configuration set, …); empty when nothing. */
  actions: string[];
  /** List hygiene's figures, when the run had a store to tidy. */
  listHygiene?: ListHygieneReport;
}

export interface HygieneMetrics {
  publish(report: HygieneReport): void;
}

/** What list hygiene needs: the due index (and settling), and the stale counter cleanup. */
export interface ListHygieneDependencies {
  store: DueWatchStore;
  counters?: CounterCleanup;
  /** @default DEFAULT_MAX_DUE_PER_RUN */
  maxDue?: number;
  /** Counter day partitions visited per run. @default CLEANUP_MAX_DAYS (31) */
  maxCounterDays?: number;
}

export interface HygieneDependencies {
  counters: RateCounterStore;
  thresholds?: Thresholds;
  metrics?: HygieneMetrics;
  /** List hygiene: promote due soft-bounce watchers and delete stale counters; skipped when absent. */
  list?: ListHygieneDependencies;
  /**
   * The emergency brake (see `brake.ts`): given the headline (24 h) report, pauses what is critical
   * and returns its action lines; skipped when absent (the brake is off).
   */
  brake?: (headline: WindowReport) => Promise<string[]>;
}

/** Numeric level for CloudWatch: alarms compare against 1 (warning) and 2 (critical). */
export const LEVEL_VALUE: Record<Level, number> = { 'low-volume': 0, ok: 0, warning: 1, critical: 2 };

/**
 * One hygiene run: reads the hourly counters of the longest window (a few Queries, one per day,
 * never a Scan) and reports bounce and complaint rates and levels per identity and for the account;
 * then list hygiene (when given a store): due soft-bounce watchers promoted, stale counters deleted;
 * then the emergency brake (when given one). A brake failure is rethrown after every other step,
 * carrying the run's `report` (its `actions` include the brake's lines).
 */
export async function runHygiene(
  now: Date,
  { counters, thresholds = DEFAULT_THRESHOLDS, metrics, list, brake }: HygieneDependencies,
) {
  const windows = WINDOWS.map(({ name, hours }) => windowOf(name, hours, now));
  const longest = windows[windows.length - 1] as (typeof windows)[number];
  const [from, to] = [new Date(longest.from), new Date(longest.to)];
  const { identities: counts, tenants: tenantCounts } = counters.readAll
    ? await counters.readAll(from, to)
    : { identities: await counters.read(from, to), tenants: (await counters.readTenants?.(from, to)) ?? [] };
  const reports = windows.map((window) => rateReport(counts, window, thresholds, tenantCounts));
  const headline = reports[0] as WindowReport;
  const report: HygieneReport = { ...headline, windows: reports, actions: [] };
  if (list) {
    const { figures, actions } = await runListHygiene(now, list);
    report.listHygiene = figures;
    report.actions.push(...actions);
  }
  // Rates and the heartbeat go out before the brake acts, so a failed pause (which fails the run
  // and fires the hygiene-errors alarm) does not also blind the rate alarms.
  metrics?.publish(report);
  if (brake) {
    try {
      report.actions.push(...(await brake(headline)));
    } catch (error) {
      const lines = (error as { actions?: unknown }).actions;
      if (Array.isArray(lines)) report.actions.push(...lines.map(String));
      throw Object.assign(error as Error, { report });
    }
  }
  // Settling failures are not swallowed: the run fails (hygiene-errors alarm) after rates, metrics
  // and the brake have done their part; the unsettled watchers stay due for the next run.
  const settled = report.listHygiene;
  if (settled !== undefined && settled.failed > 0) {
    throw Object.assign(
      new Error(
        `list hygiene could not settle ${plural(settled.failed, 'due watcher')}: ${settled.firstError}`,
      ),
      { report },
    );
  }
  return report;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * List hygiene, reading only what is due: the sparse due index (`dueAt <= now`, at most `maxDue`
 * entries), then each named address re-read and, if still due, escalated through the store's normal
 * conditional write (which takes it out of the index); then the stale counter days from the cleanup
 * cursor. Never a Scan.
 */
export async function runListHygiene(
  now: Date,
  { store, counters, maxDue = DEFAULT_MAX_DUE_PER_RUN, maxCounterDays }: ListHygieneDependencies,
): Promise<{ figures: ListHygieneReport; actions: string[] }> {
  const figures: ListHygieneReport = {
    dueRead: 0,
    promoted: 0,
    promotedTo: { suppressed: 0, 'suppressed-until': 0 },
    notDue: 0,
    reindexed: 0,
    failed: 0,
    remaining: 0,
    remainingCapped: false,
  };
  const actions: string[] = [];
  let page: Awaited<ReturnType<DueWatchStore['dueAddresses']>> | undefined;
  try {
    page = await store.dueAddresses(now, maxDue);
  } catch (error) {
    if ((error as { name?: string }).name !== 'DueIndexUnavailableError') throw error;
    figures.skipped = (error as Error).message;
    actions.push(`list hygiene skipped: ${figures.skipped}`);
  }
  if (page) {
    figures.dueRead = page.entries.length;
    figures.remaining = page.remaining;
    figures.remainingCapped = page.remainingCapped;
    const addresses = [...new Set(page.entries.map((entry) => entry.address))];
    let next = 0;
    const worker = async () => {
      while (next < addresses.length) {
        const address = addresses[next++] as string;
        try {
          const result = await store.settleDue(address, now);
          switch (result.outcome) {
            case 'promoted': {
              figures.promoted++;
              const status = result.after.status;
              if (status === 'suppressed' || status === 'suppressed-until') figures.promotedTo[status]++;
              break;
            }
            case 'reindexed':
              figures.reindexed++;
              break;
            case 'not-due':
            case 'gone':
              figures.notDue++;
              break;
            default:
              result satisfies never;
          }
        } catch (error) {
          figures.failed++;
          figures.firstError ??= `${(error as Error).name}: ${(error as Error).message}`;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SETTLE_CONCURRENCY, addresses.length) }, worker));
    for (const status of ['suppressed', 'suppressed-until'] as const) {
      const n = figures.promotedTo[status];
      if (n > 0)
        actions.push(
          `promoted ${plural(n, 'soft-bounce watcher')} to ${status} (watch window passed with no delivery)`,
        );
    }
    if (figures.reindexed > 0) {
      actions.push(
        `re-indexed ${plural(figures.reindexed, 'watcher')} no longer due under the current policy`,
      );
    }
    if (figures.failed > 0) {
      actions.push(
        `could not settle ${plural(figures.failed, 'due watcher')} (left for the next run): ${figures.firstError}`,
      );
    }
    if (figures.remaining > 0) {
      actions.push(
        `${figures.remainingCapped ? 'at least ' : ''}${plural(figures.remaining, 'due watcher')} left for the next run (at most ${maxDue} per run)`,
      );
    }
  }
  if (counters) {
    const cleanup = await counters.deleteStaleDays(
      now,
      maxCounterDays !== undefined ? { maxDays: maxCounterDays } : {},
    );
    figures.counters = {
      daysVisited: cleanup.daysVisited,
      daysDeleted: cleanup.daysDeleted.length,
      itemsDeleted: cleanup.itemsDeleted,
      ...(cleanup.cleanedThrough !== undefined ? { cleanedThrough: cleanup.cleanedThrough } : {}),
      more: cleanup.more,
    };
    if (cleanup.daysDeleted.length > 0) {
      const days = cleanup.daysDeleted;
      const span = days.length === 1 ? days[0] : `${days[0]} … ${days[days.length - 1]}`;
      actions.push(
        `deleted stale rate counters of ${plural(days.length, 'day')} (${span}, ${plural(cleanup.itemsDeleted, 'item')})`,
      );
    }
    if (cleanup.more) actions.push('more stale counter days left for the next run');
  }
  return { figures, actions };
}
