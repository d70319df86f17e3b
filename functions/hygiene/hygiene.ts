import {
  DEFAULT_THRESHOLDS,
  type Level,
  rateReport,
  type Thresholds,
  type WindowReport,
  windowOf,
} from '../../shared/core/rates';
import type { RateCounterStore } from '../../shared/ports';

/** The sliding windows rates are computed over; the first is the report's headline. */
export const WINDOWS = [
  { name: '24h', hours: 24 },
  { name: '7d', hours: 24 * 7 },
] as const;

export interface HygieneReport extends WindowReport {
  /** Every window (the headline one first). */
  windows: WindowReport[];
  /** What the run did besides measuring (pausing a configuration set, …); empty when nothing. */
  actions: string[];
}

export interface HygieneMetrics {
  publish(report: HygieneReport): void;
}

export interface HygieneDependencies {
  counters: RateCounterStore;
  thresholds?: Thresholds;
  metrics?: HygieneMetrics;
}

/** Numeric level for CloudWatch: alarms compare against 1 (warning) and 2 (critical). */
export const LEVEL_VALUE: Record<Level, number> = { 'low-volume': 0, ok: 0, warning: 1, critical: 2 };

/**
 * One hygiene run: reads the hourly counters of the longest window (a few Queries, one per day,
 * never a Scan) and reports bounce and complaint rates and levels per identity and for the account.
 */
export async function runHygiene(
  now: Date,
  { counters, thresholds = DEFAULT_THRESHOLDS, metrics }: HygieneDependencies,
) {
  const windows = WINDOWS.map(({ name, hours }) => windowOf(name, hours, now));
  const longest = windows[windows.length - 1] as (typeof windows)[number];
  const counts = await counters.read(new Date(longest.from), new Date(longest.to));
  const reports = windows.map((window) => rateReport(counts, window, thresholds));
  const headline = reports[0] as WindowReport;
  const report: HygieneReport = { ...headline, windows: reports, actions: [] };
  metrics?.publish(report);
  return report;
}
