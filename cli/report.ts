import { effectiveState } from '../shared/core/state';
import type { AddressRecord } from '../shared/ports';
import type { ReplaySummary } from './processor';

export interface DemoReport {
  replay: ReplaySummary;
  decisions: Record<string, number>;
  reasons: Record<string, number>;
  statuses: Record<string, number>;
  suppressed: { emailAddress: string; status: string; reason?: string; source?: string; until?: string }[];
  onCall: { identity: string; reason: string; rule: string; at: string; count: number }[];
}

const increment = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** What the demo (and later the hygiene job) tells a human: decisions, suppressions, and what pages on-call. */
export function buildReport(records: readonly AddressRecord[], replay: ReplaySummary, now: Date): DemoReport {
  const decisions: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  const onCall = new Map<string, DemoReport['onCall'][number]>();
  const suppressed: DemoReport['suppressed'] = [];
  for (const record of [...records].sort((a, b) => (a.address < b.address ? -1 : 1))) {
    const state = effectiveState(record.state, now);
    increment(statuses, state.status);
    if (state.status === 'suppressed' || state.status === 'suppressed-until') {
      suppressed.push({
        emailAddress: record.address,
        status: state.status,
        ...(state.reason !== undefined ? { reason: state.reason } : {}),
        ...(state.source !== undefined ? { source: state.source } : {}),
        ...(state.until !== undefined ? { until: state.until } : {}),
      });
    }
    for (const event of record.events) {
      if (event.type !== 'bounce') {
        increment(decisions, event.type);
        continue;
      }
      const { decision, reason, rule } = event.classification;
      increment(decisions, decision);
      increment(reasons, reason);
      if (decision === 'alert-sender') {
        const key = `${event.identity}|${reason}`;
        const entry = onCall.get(key) ?? { identity: event.identity, reason, rule, at: event.at, count: 0 };
        entry.count++;
        if (event.at > entry.at) entry.at = event.at;
        onCall.set(key, entry);
      }
    }
  }
  return { replay, decisions, reasons, statuses, suppressed, onCall: [...onCall.values()] };
}

const table = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([key, count]) => `    ${key.padEnd(22)} ${String(count).padStart(5)}`)
    .join('\n');

export function formatReport(report: DemoReport): string {
  const { replay } = report;
  const lines = [
    'ses-bounce-handler demo',
    '=======================',
    `Replayed ${replay.records} notifications: ${replay.processed} processed (${replay.ignored} acknowledged and ignored), ${replay.failed.length} failed.`,
    ...replay.failed.map((failure) => `    line ${failure.line}: ${failure.error}`),
    '',
    'Recipient events by decision (complaints and deliveries by type):',
    table(report.decisions),
    '',
    'Bounce reasons:',
    table(report.reasons),
    '',
    'Address status now:',
    table(report.statuses),
    '',
    `Suppressed addresses (${report.suppressed.length}) — sending pipelines skip these:`,
    ...report.suppressed.map(
      (s) =>
        `    ${s.emailAddress.padEnd(40)} ${s.status.padEnd(16)} ${(s.reason ?? '').padEnd(14)} via ${s.source ?? '?'}${s.until ? ` until ${s.until}` : ''}`,
    ),
    '',
    report.onCall.length === 0
      ? 'Would page on-call: nothing (no sender-side failures).'
      : `Would page on-call (${report.onCall.length}) — our own sending is failing, recipients were NOT suppressed:`,
    ...report.onCall.map(
      (alert) =>
        `    ${alert.identity}: ${alert.reason} ×${alert.count} (last ${alert.at}, rule ${alert.rule})`,
    ),
  ];
  return lines.join('\n');
}
