import type { UnreadableRecipient } from '../shared/core/events';
import { tenantState } from '../shared/core/state';
import type { AddressRecord, AuditEntry, SuppressionStore } from '../shared/ports';

/** One export row: only fields derived from events, so equal event sets export byte-identically. */
export interface ExportRow {
  emailAddress: string;
  status: string;
  reason?: string;
  since?: string;
  until?: string;
  softBounces?: number;
  source?: string;
}

/** An address's row as `tenant` sees it (see `tenantState`); without a tenant, the account view. */
export function exportRow(record: AddressRecord, now: Date, tenant?: string): ExportRow {
  const state = tenantState(record.state, tenant, now);
  const row: ExportRow = { emailAddress: record.address, status: state.status };
  if (state.reason !== undefined) row.reason = state.reason;
  if (state.since !== undefined) row.since = state.since;
  if (state.until !== undefined) row.until = state.until;
  if (state.softBounces !== undefined) row.softBounces = state.softBounces;
  if (state.source !== undefined) row.source = state.source;
  return row;
}

/** Every address of the store as export rows, sorted by address (byte-identical for equal event sets). */
export async function exportRows(store: SuppressionStore, now: Date, tenant?: string): Promise<ExportRow[]> {
  const records: AddressRecord[] = [];
  for await (const record of store.scan()) records.push(record);
  records.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return records.map((record) => exportRow(record, now, tenant));
}

export const CSV_COLUMNS = [
  'emailAddress',
  'status',
  'reason',
  'since',
  'until',
  'softBounces',
  'source',
] as const;

function csvCell(value: unknown): string {
  if (value === undefined) return '';
  const text = String(value);
  // Quote per RFC 4180, and defuse spreadsheet formulas: =, +, -, @ at the start, and a leading TAB
  // or CR, which spreadsheets skip before reading the formula behind it (OWASP CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvLine(row: ExportRow): string {
  return CSV_COLUMNS.map((column) => csvCell(row[column])).join(',');
}

/** A one-line, human summary of an unreadable recipient kept by hash, for `bounce lookup`. */
export function describeUnreadable(entry: UnreadableRecipient): string {
  const classified = entry.classification
    ? ` → ${entry.classification.reason} ${entry.classification.decision} [rule ${entry.classification.rule}]`
    : '';
  return `${entry.at}  ${entry.kind} via ${entry.identity}${classified}: ${entry.problem}`;
}

/** A one-line, human summary of an audit entry for `bounce lookup`. */
export function describeAuditEntry({ event, before, after }: AuditEntry): string {
  const change =
    before.status === after.status ? `stays ${after.status}` : `${before.status} → ${after.status}`;
  return `${describeEvent(event)}  [${change}]`;
}

function describeEvent(event: AuditEntry['event']): string {
  switch (event.type) {
    case 'bounce': {
      const { reason, decision, rule, party, hard } = event.classification;
      return `${event.at}  bounce ${event.bounceType}/${event.bounceSubType} ${event.status ?? ''} → ${reason} (${hard ? 'hard' : 'soft'}, ${party}) ${decision} [rule ${rule}]`;
    }
    case 'complaint':
      return `${event.at}  complaint ${event.feedbackType ?? '(no feedback type)'}`;
    case 'delivery':
      return `${event.at}  delivery`;
    case 'manual':
      return `${event.at}  ${event.source} ${event.action}${event.until ? ` until ${event.until}` : ''}: ${event.reason}`;
    case 'watch-elapsed':
      return `${event.at}  hygiene: ${event.group} soft-bounce watch elapsed with no delivery → ${event.outcome} (${event.reason}) [rule ${event.rule}]`;
    default:
      return event satisfies never;
  }
}
