import type { AddressHistory } from '../../shared/adapters/dynamodb/history';
import type { HistoryEvent } from '../../shared/core/events';
import {
  DEFAULT_THRESHOLDS,
  type HourlyCounts,
  type ProviderRow,
  type RateRow,
  rateReport,
  type TenantHourlyCounts,
  type TenantRow,
  type Thresholds,
} from '../../shared/core/rates';
import type { SimulationResult } from '../../shared/core/simulate';
import {
  type AddressState,
  advanceFold,
  applyEvent,
  compareEvents,
  DEFAULT_STATE_POLICY,
  type FoldState,
  INITIAL_FOLD,
  type StatePolicy,
  storedEvent,
} from '../../shared/core/state';

/** Where a suppression came from, as the report groups them: the state's source, or an escalation of soft bounces. */
export const SUPPRESSION_SOURCES = [
  'bounce',
  'complaint',
  'import',
  'manual',
  'ses-sync',
  'escalation',
] as const;
export type SuppressionSource = (typeof SUPPRESSION_SOURCES)[number];

export interface ReportWindow {
  from: string;
  to: string;
}

/** The hygiene job's headline window: the rates each hour are over the trailing 24 h. */
export const RATE_WINDOW_HOURS = 24;
const HOUR_MS = 3_600_000;

/** An identity's rates at the end of one hour (`hour`, ISO), over the trailing `RATE_WINDOW_HOURS`. */
export type HourlyRate = Omit<RateRow, 'senderSide'> & { hour: string };

export interface SuppressionRow {
  at: string;
  emailAddress: string;
  status: string;
  reason: string;
  source: SuppressionSource;
  /** The rule that decided it: the classifier rule of the bounce, `complaint`, the manual source, or the escalation. */
  rule: string;
}

/** Everything the HTML report shows, as plain data (also embedded in the page as JSON). */
export interface ReportData {
  window: ReportWindow;
  thresholds: Thresholds;
  /** Rates over the whole window: the same figures `bounce hygiene` reports for the same window. */
  identities: RateRow[];
  account: Omit<RateRow, 'identity'>;
  /** The same per mailbox provider (`bounce hygiene`'s `providers`). */
  providers: ProviderRow[];
  /** The same per SES tenant (`bounce hygiene`'s `tenants`); absent in reports written before tenants. */
  tenants?: TenantRow[];
  hourly: HourlyRate[];
  /** Recipient-side bounces (party not sender) per time bucket, reason and decision. */
  decisions: { bucket: string; reason: string; decision: string; count: number }[];
  /** `day` when the window is longer than 3 days, else `hour`. */
  bucket: 'day' | 'hour';
  suppressionsPerDay: { day: string; source: SuppressionSource; count: number }[];
  senderSide: { identity: string; reason: string; count: number }[];
  domains: { domain: string; reason: string; count: number }[];
  /** The top receiving domains by bounces, most first (the order of `domains`' chart). */
  topDomains: string[];
  suppressed: SuppressionRow[];
  simulation?: SimulationResult;
}

/** Receiving domains shown (by bounces, most first). */
export const TOP_DOMAINS = 10;

const isSuppression = (state: AddressState) =>
  state.status === 'suppressed' || state.status === 'suppressed-until';

/** A new suppression: from not suppressed, or from a temporary to a lasting one. */
const becameSuppressed = (before: AddressState, after: AddressState) =>
  isSuppression(after) &&
  (!isSuppression(before) || (before.status === 'suppressed-until' && after.status === 'suppressed'));

const inWindow = (at: string, window: ReportWindow) => at >= window.from && at < window.to;

const hourStart = (hour: string) => `${hour}:00:00.000Z`;

function bump<T extends { count: number }>(map: Map<string, T>, key: string, make: () => Omit<T, 'count'>) {
  const entry = map.get(key) ?? ({ ...make(), count: 0 } as T);
  entry.count++;
  map.set(key, entry);
}

function ruleOf(event: HistoryEvent): string {
  switch (event.type) {
    case 'bounce':
      return event.classification.decision === 'count-soft'
        ? `escalation of repeated soft bounces (last: ${event.classification.rule})`
        : event.classification.rule;
    case 'complaint':
      return `complaint${event.feedbackType ? ` (${event.feedbackType})` : ''}`;
    case 'manual':
      return `${event.source}: ${event.reason}`;
    case 'watch-elapsed':
      return `${event.rule} (${event.group})`;
    case 'delivery':
      return 'delivery';
    default:
      return event satisfies never;
  }
}

/**
 * When an address became suppressed, and why: its audited events folded in time order with the
 * processor's state function (the audit items' own before/after follow arrival order, which is not
 * time order when notifications arrive late). An escalation that fell due between events (a soft-bounce
 * watch whose span passed) counts at its due time, as `escalation`.
 */
export function suppressionsOf(
  address: string,
  events: readonly HistoryEvent[],
  policy: StatePolicy = DEFAULT_STATE_POLICY,
  until?: string,
): SuppressionRow[] {
  const rows: SuppressionRow[] = [];
  const add = (after: AddressState, source: SuppressionSource, rule: string) =>
    rows.push({
      at: after.since ?? '',
      emailAddress: address,
      status: after.status,
      reason: after.reason ?? '',
      source,
      rule,
    });
  let fold: FoldState = INITIAL_FOLD;
  const advance = (at: string) => {
    const advanced = advanceFold(fold, at, policy);
    const due = fold.state.due;
    if (becameSuppressed(fold.state, advanced.state)) {
      add(
        advanced.state,
        'escalation',
        `escalation.${due?.group ?? 'default'} (soft bounces reached the rule's count and span)`,
      );
    }
    fold = advanced;
  };
  for (const event of [...events].sort(compareEvents)) {
    advance(event.at);
    const next = applyEvent(fold, storedEvent(event), policy);
    if (becameSuppressed(fold.state, next.state)) {
      const escalated = event.type === 'bounce' && event.classification.decision === 'count-soft';
      add(next.state, escalated ? 'escalation' : (next.state.source ?? 'bounce'), ruleOf(event));
    }
    fold = next;
  }
  if (until !== undefined) advance(until);
  return rows;
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

/**
 * The report's figures for `window`: rates from the hourly counters (as the hygiene job computes
 * them; `counts` must reach `RATE_WINDOW_HOURS` back before `window.from`), everything else from the audit trail (events in the window, by their own time).
 */
export function buildReportData(
  counts: readonly HourlyCounts[],
  histories: readonly AddressHistory[],
  window: ReportWindow,
  {
    thresholds = DEFAULT_THRESHOLDS,
    statePolicy = DEFAULT_STATE_POLICY,
    simulation,
    tenantCounts = [],
  }: {
    thresholds?: Thresholds;
    statePolicy?: StatePolicy;
    simulation?: SimulationResult;
    /** The tenant-hour counters of the window (DynamoDbRateCounters.readTenants). */
    tenantCounts?: readonly TenantHourlyCounts[];
  } = {},
): ReportData {
  const rates = rateReport(counts, { name: 'report', ...window }, thresholds, tenantCounts);
  const fromHour = window.from.slice(0, 13);
  const toHour = window.to.slice(0, 13);
  const senderSide = new Map<string, { identity: string; reason: string; count: number }>();
  for (const c of counts) {
    if (c.hour < fromHour || c.hour >= toHour) continue;
    for (const [reason, n] of Object.entries(c.senderSide)) {
      const entry = senderSide.get(`${c.identity}|${reason}`) ?? { identity: c.identity, reason, count: 0 };
      entry.count += n;
      senderSide.set(`${c.identity}|${reason}`, entry);
    }
  }
  // At each hour's end, the rates over the trailing 24 h: what the hourly hygiene run computes then,
  // and what its warning and critical levels (and the alarms) are judged on.
  const hourlyRows: HourlyRate[] = [];
  for (let end = Date.parse(window.from) + HOUR_MS; end <= Date.parse(window.to); end += HOUR_MS) {
    const trailing = rateReport(
      counts,
      {
        name: '24h',
        from: new Date(end - RATE_WINDOW_HOURS * HOUR_MS).toISOString(),
        to: new Date(end).toISOString(),
      },
      thresholds,
    );
    for (const row of trailing.identities) {
      if (row.sent === 0) continue;
      const { senderSide: _bySenderReason, ...rates } = row;
      hourlyRows.push({ ...rates, hour: new Date(end).toISOString() });
    }
  }
  hourlyRows.sort((a, b) => a.hour.localeCompare(b.hour) || a.identity.localeCompare(b.identity));

  const bucket: ReportData['bucket'] =
    Date.parse(window.to) - Date.parse(window.from) > 3 * 86_400_000 ? 'day' : 'hour';
  const bucketOf = (at: string) =>
    bucket === 'day' ? `${at.slice(0, 10)}T00:00:00.000Z` : hourStart(at.slice(0, 13));
  const decisions = new Map<string, { bucket: string; reason: string; decision: string; count: number }>();
  const perDay = new Map<string, { day: string; source: SuppressionSource; count: number }>();
  const domains = new Map<string, { domain: string; reason: string; count: number }>();
  const domainTotals = new Map<string, number>();
  const suppressed: SuppressionRow[] = [];
  for (const history of histories) {
    for (const entry of history.audit) {
      const { event } = entry;
      if (!inWindow(event.at, window)) continue;
      if (event.type === 'bounce') {
        const { reason, decision, party } = event.classification;
        if (party !== 'sender') {
          const at = bucketOf(event.at);
          bump(decisions, `${at}|${reason}|${decision}`, () => ({ bucket: at, reason, decision }));
        }
        const domain = domainOf(history.address);
        bump(domains, `${domain}|${reason}`, () => ({ domain, reason }));
        domainTotals.set(domain, (domainTotals.get(domain) ?? 0) + 1);
      }
    }
  }
  for (const history of histories) {
    for (const row of suppressionsOf(history.address, history.events, statePolicy, window.to)) {
      if (!inWindow(row.at, window)) continue;
      suppressed.push(row);
      const day = row.at.slice(0, 10);
      bump(perDay, `${day}|${row.source}`, () => ({ day, source: row.source }));
    }
  }
  const topDomains = [...domainTotals.entries()]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, TOP_DOMAINS)
    .map(([domain]) => domain);
  const top = new Set(topDomains);
  suppressed.sort((a, b) => a.at.localeCompare(b.at) || a.emailAddress.localeCompare(b.emailAddress));
  const byKey = <T>(rows: Iterable<T>, key: (row: T) => string) =>
    [...rows].sort((a, b) => key(a).localeCompare(key(b)));
  return {
    window,
    thresholds,
    identities: rates.identities,
    account: rates.account,
    providers: rates.providers,
    tenants: rates.tenants,
    hourly: hourlyRows,
    decisions: byKey(decisions.values(), (r) => `${r.bucket}|${r.reason}|${r.decision}`),
    bucket,
    suppressionsPerDay: byKey(perDay.values(), (r) => `${r.day}|${r.source}`),
    senderSide: byKey(senderSide.values(), (r) => `${r.identity}|${r.reason}`),
    domains: byKey(
      [...domains.values()].filter((r) => top.has(r.domain)),
      (r) => `${r.domain}|${r.reason}`,
    ),
    topDomains,
    suppressed,
    ...(simulation ? { simulation } : {}),
  };
}
