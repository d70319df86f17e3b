import { Logger } from '@aws-lambda-powertools/logger';
import { cliHygieneSettings, composeHygiene } from '../../functions/hygiene/compose';
import type { HygieneReport } from '../../functions/hygiene/hygiene';
import type { RateRow } from '../../shared/core/rates';
import type { StoreContext } from '../context';

const percent = (rate: number) => `${(rate * 100).toFixed(2)} %`;

function row(name: string, r: Omit<RateRow, 'identity'>) {
  return `    ${name.padEnd(32)} ${String(r.sent).padStart(8)} ${percent(r.bounceRate).padStart(9)} ${percent(r.complaintRate).padStart(9)}  ${r.level}`;
}

/** The report as a table per window, for a terminal. */
export function formatHygiene(report: HygieneReport): string {
  const lines: string[] = [];
  for (const window of report.windows) {
    lines.push(`Window ${window.window.name} (${window.window.from} → ${window.window.to})`);
    lines.push(
      `    ${'identity'.padEnd(32)} ${'sent'.padStart(8)} ${'bounce'.padStart(9)} ${'complaint'.padStart(9)}  level`,
    );
    lines.push(row('(account)', window.account));
    for (const identity of window.identities) lines.push(row(identity.identity, identity));
    if (window.providers.length > 0) {
      lines.push(`    ${'provider'.padEnd(32)}`);
      for (const p of window.providers) {
        const senderSide = Object.entries(p.senderSide)
          .map(([reason, n]) => `${reason} ${n}`)
          .join(', ');
        lines.push(`${row(p.provider, p)}${senderSide ? `  sender-side: ${senderSide}` : ''}`);
      }
    }
    if (window.tenants.length > 0) {
      lines.push(`    ${'tenant'.padEnd(32)}`);
      for (const t of window.tenants) lines.push(row(t.tenant, t));
    }
    lines.push('');
  }
  const list = report.listHygiene;
  if (list) {
    const counters = list.counters
      ? `; counters: ${list.counters.daysVisited} day partitions looked at, ${list.counters.daysDeleted} deleted (${list.counters.itemsDeleted} items)`
      : '';
    lines.push(
      list.skipped
        ? 'List hygiene: skipped (see actions)'
        : `List hygiene: ${list.dueRead} due read, ${list.promoted} promoted, ${list.remaining}${list.remainingCapped ? '+' : ''} still due${counters}`,
    );
  }
  lines.push(
    report.actions.length === 0
      ? 'Actions: none'
      : `Actions:\n${report.actions.map((a) => `    ${a}`).join('\n')}`,
  );
  return lines.join('\n');
}

/**
 * `bounce hygiene`: the scheduled job's run, once, against the store, composed by the Lambda's own root
 * (thresholds from the defaults, the state policy from `--policy`, no brake, no EMF): rates, then list
 * hygiene (due watchers, stale counters).
 */
export async function hygieneCommand(context: StoreContext, now: Date): Promise<HygieneReport> {
  const logLevel = (process.env.BOUNCE_LOG_LEVEL ?? 'SILENT').toUpperCase() as 'SILENT';
  return composeHygiene(cliHygieneSettings(context.tableName, context.policy), {
    documentClient: context.connection.documentClient,
    logger: new Logger({ serviceName: 'ses-bounce-handler', logLevel }),
  }).run(now);
}
