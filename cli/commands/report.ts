import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type AddressHistory, readHistories } from '../../shared/adapters/dynamodb/history';
import { windowOf } from '../../shared/core/rates';
import type { SimulationResult } from '../../shared/core/simulate';
import { type StoreContext, UsageError } from '../context';
import { renderReportHtml } from '../html/render';
import { buildReportData, RATE_WINDOW_HOURS, type ReportData, type ReportWindow } from '../html/report-data';

const DAY_MS = 86_400_000;
/** The report's default span: the hygiene job's longest window. */
export const DEFAULT_REPORT_DAYS = 7;

/**
 * The report's window: `to` defaults to the end of the current hour (as `bounce hygiene`'s windows
 * end), `from` to 7 days before `to`, so the default report covers exactly hygiene's 7d window.
 */
export function reportWindow(from: Date | undefined, to: Date | undefined, now: Date): ReportWindow {
  const end = to ?? new Date(windowOf('7d', DEFAULT_REPORT_DAYS * 24, now).to);
  const start = from ?? new Date(end.getTime() - DEFAULT_REPORT_DAYS * DAY_MS);
  if (!(start < end))
    throw new UsageError(`--from ${start.toISOString()} is not before --to ${end.toISOString()}`);
  return { from: start.toISOString(), to: end.toISOString() };
}

export interface ReportSummary {
  file: string;
  window: ReportWindow;
  charts: number;
  /** Charts that had data to draw. */
  chartsWithData: number;
  suppressed: number;
}

/** The report's figures from the store: hourly counters of the window and the whole audit trail. */
export async function reportData(
  context: StoreContext,
  window: ReportWindow,
  { histories, simulation }: { histories?: readonly AddressHistory[]; simulation?: SimulationResult } = {},
): Promise<ReportData> {
  // A day before the window too: the hourly rates are over the trailing 24 h.
  const from = new Date(Date.parse(window.from) - RATE_WINDOW_HOURS * 3_600_000);
  const counts = await context.counters.read(from, new Date(window.to));
  const tenantCounts = (await context.counters.readTenants?.(from, new Date(window.to))) ?? [];
  const all = histories ?? (await readHistories(context.connection.documentClient, context.tableName));
  return buildReportData(counts, all, window, {
    statePolicy: context.policy.state,
    tenantCounts,
    ...(simulation ? { simulation } : {}),
  });
}

/** `bounce report --html FILE`: writes the self-contained report of `window`. */
export async function writeHtmlReport(
  context: StoreContext,
  file: string,
  window: ReportWindow,
  options: { histories?: readonly AddressHistory[]; simulation?: SimulationResult; now?: Date } = {},
): Promise<ReportSummary> {
  const data = await reportData(context, window, options);
  const { html, charts } = await renderReportHtml(data, {
    where: context.where,
    generatedAt: (options.now ?? new Date()).toISOString(),
  });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, html);
  return {
    file,
    window,
    charts: charts.length,
    chartsWithData: charts.filter((chart) => chart.points > 0).length,
    suppressed: data.suppressed.length,
  };
}
