import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { PROVIDER_NAMES } from '../../shared/core/providers';
import type { RateRow } from '../../shared/core/rates';
import { STATUSES } from '../../shared/core/state';
import { type ReportData, SUPPRESSION_SOURCES } from './report-data';

/**
 * The HTML report: every chart is a Vega-Lite spec compiled and rendered to SVG here, in Node
 * (Vega's headless `toSVG`, no canvas, no DOM), and inlined. The page has no script, loads nothing,
 * and forbids loading anything (Content-Security-Policy `default-src 'none'`).
 */

export interface Chart {
  id: string;
  title: string;
  /** The text alternative: what the chart shows, in a sentence or two. */
  description: string;
  spec: TopLevelSpec;
  /** Data points drawn (0: the chart says "no data in this window" instead). */
  points: number;
  table: { columns: string[]; rows: (string | number)[][] };
}

const escapeHtml = (text: string | number) =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const percent = (rate: number, digits = 2) => `${(rate * 100).toFixed(digits)} %`;

/** Counts are whole numbers: no 0.5 ticks on small figures. */
const COUNT_AXIS = { tickMinStep: 1, format: 'd' } as const;

const WIDTH = 620;
const HEIGHT = 220;

const BASE_CONFIG = {
  font: 'DejaVu Sans, Liberation Sans, Arial, sans-serif',
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#e5e7eb' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom', columns: 3, labelLimit: 260 },
  title: { fontSize: 14, anchor: 'start' },
} as const;

/** Horizontal bar charts: a row per category. */
const BAR_ROW = { step: 28 } as const;

/** What every chart spec starts with: schema, size and the shared look. */
function frame(height: number | typeof BAR_ROW) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height,
    config: BASE_CONFIG,
  };
}

/** A bar chart of `values` with tooltips: the frame, the data and the chart's own encoding. */
function bars(
  values: readonly object[],
  encoding: Record<string, unknown>,
  height: number | typeof BAR_ROW = HEIGHT,
) {
  return {
    ...frame(height),
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding,
  } as TopLevelSpec;
}

const DAY_MS = 86_400_000;
const dayFloor = (iso: string) => new Date(Math.floor(Date.parse(iso) / DAY_MS) * DAY_MS).toISOString();
const dayCeil = (iso: string) => new Date(Math.ceil(Date.parse(iso) / DAY_MS) * DAY_MS).toISOString();

/** The x axis of a time chart over the report window, in UTC (whole days for day bars, so none is cut). */
function timeAxis(data: ReportData, title: string, field = 'hour', unit: 'hour' | 'day' = 'hour') {
  const domain =
    unit === 'day'
      ? [dayFloor(data.window.from), dayCeil(data.window.to)]
      : [data.window.from, data.window.to];
  return {
    field,
    type: 'temporal' as const,
    title,
    scale: { type: 'utc' as const, domain },
    axis: { format: '%b %d %H:%M', labelAngle: 0, labelOverlap: true },
  };
}

function rateChart(data: ReportData, kind: 'bounce' | 'complaint'): Chart {
  const field = kind === 'bounce' ? 'bounceRate' : 'complaintRate';
  const warning = kind === 'bounce' ? data.thresholds.bounceWarning : data.thresholds.complaintWarning;
  const critical = kind === 'bounce' ? data.thresholds.bounceCritical : data.thresholds.complaintCritical;
  const digits = kind === 'bounce' ? 1 : 2;
  const title =
    kind === 'bounce'
      ? 'Bounce rate per identity, hourly (trailing 24 h)'
      : 'Complaint rate per identity, hourly (trailing 24 h)';
  const lines = [
    // The warning label sits under its line, the critical one above, so close lines stay readable.
    { level: `warning ${percent(warning, digits)}`, rate: warning, color: '#b45309', dy: 11 },
    { level: `critical ${percent(critical, digits)}`, rate: critical, color: '#dc2626', dy: -6 },
  ];
  const rule = (line: (typeof lines)[number]) => [
    {
      data: { values: [line] },
      mark: { type: 'rule' as const, color: line.color, strokeDash: [6, 4], strokeWidth: 1.5 },
      encoding: { y: { field: 'rate', type: 'quantitative' as const } },
    },
    {
      data: { values: [line] },
      mark: { type: 'text' as const, color: line.color, align: 'right' as const, dy: line.dy, x: WIDTH - 4 },
      encoding: { y: { field: 'rate', type: 'quantitative' as const }, text: { field: 'level' } },
    },
  ];
  return {
    id: `${kind}-rate`,
    title,
    description:
      `${kind === 'bounce' ? 'Permanent bounces' : 'Complaints'} ÷ messages sent over the 24 hours before each hour's end, per sending identity, as the hourly hygiene run computes them, ` +
      `with the warning (${percent(warning, digits)}) and critical (${percent(critical, digits)}) levels of the hygiene job as dashed lines.`,
    points: data.hourly.length,
    spec: {
      ...frame(HEIGHT),
      layer: [
        {
          data: { values: data.hourly },
          mark: { type: 'line', point: true, interpolate: 'step-before' },
          encoding: {
            x: timeAxis(data, 'Hour end (UTC)'),
            y: {
              field,
              type: 'quantitative',
              title: kind === 'bounce' ? 'Bounce rate' : 'Complaint rate',
              axis: { format: `.${digits}%` },
            },
            color: { field: 'identity', type: 'nominal', title: 'Identity' },
          },
        },
        ...rule(lines[0] as (typeof lines)[number]),
        ...rule(lines[1] as (typeof lines)[number]),
      ],
    } as TopLevelSpec,
    table: {
      columns: [
        'hour (UTC)',
        'identity',
        'sent',
        kind === 'bounce' ? 'permanent bounces' : 'complaints',
        'rate',
      ],
      rows: data.hourly.map((h) => [
        h.hour.slice(0, 16),
        h.identity,
        h.sent,
        kind === 'bounce' ? h.bounces : h.complaints,
        percent(h[field], digits + 1),
        h.level,
      ]),
    },
  };
}

function decisionsChart(data: ReportData): Chart {
  const values = data.decisions.map((d) => ({ ...d, label: `${d.reason} → ${d.decision}` }));
  const unit = data.bucket === 'day' ? 'utcyearmonthdate' : 'utcyearmonthdatehours';
  return {
    id: 'decisions',
    title: 'Recipient decisions by reason over time',
    description: `Bounced recipients (recipient side and transient, not sender-side failures) per ${data.bucket}, stacked by reason and the decision it got.`,
    points: values.length,
    spec: bars(values, {
      x: {
        ...timeAxis(data, data.bucket === 'day' ? 'Day (UTC)' : 'Hour (UTC)', 'bucket', data.bucket),
        timeUnit: unit,
        ...(data.bucket === 'day' ? { axis: { format: '%b %d', labelAngle: 0 } } : {}),
      },
      y: {
        field: 'count',
        type: 'quantitative',
        aggregate: 'sum',
        title: 'Bounced recipients',
        axis: COUNT_AXIS,
      },
      color: { field: 'label', type: 'nominal', title: 'Reason → decision' },
    }),
    table: {
      columns: [data.bucket, 'reason', 'decision', 'recipients'],
      rows: data.decisions.map((d) => [
        d.bucket.slice(0, data.bucket === 'day' ? 10 : 16),
        d.reason,
        d.decision,
        d.count,
      ]),
    },
  };
}

function suppressionsChart(data: ReportData): Chart {
  return {
    id: 'suppressions',
    title: 'Suppressions added per day by source',
    description:
      'Addresses that became suppressed (for good or until a date) per UTC day, by where the suppression came from: a bounce, a complaint, an import, a manual suppression, the SES suppression-list sync, or an escalation of repeated soft bounces.',
    points: data.suppressionsPerDay.length,
    spec: bars(data.suppressionsPerDay, {
      x: {
        ...timeAxis(data, 'Day (UTC)', 'day', 'day'),
        timeUnit: 'utcyearmonthdate',
        axis: { format: '%b %d', labelAngle: 0 },
      },
      y: {
        field: 'count',
        type: 'quantitative',
        aggregate: 'sum',
        title: 'Suppressions added',
        axis: COUNT_AXIS,
      },
      color: {
        field: 'source',
        type: 'nominal',
        title: 'Source',
        scale: { domain: [...SUPPRESSION_SOURCES] },
      },
    }),
    table: {
      columns: ['day', 'source', 'suppressions'],
      rows: data.suppressionsPerDay.map((d) => [d.day, d.source, d.count]),
    },
  };
}

function senderSideChart(data: ReportData): Chart {
  return {
    id: 'sender-side',
    title: 'Sender-side failures by reason and identity',
    description:
      'Bounces caused by our own sending (authentication, reputation, blocklists, …) in the window, by reason and sending identity. These page on-call and never suppress the recipient.',
    points: data.senderSide.length,
    spec: bars(
      data.senderSide,
      {
        y: { field: 'reason', type: 'nominal', title: 'Reason', sort: '-x' },
        x: {
          field: 'count',
          type: 'quantitative',
          aggregate: 'sum',
          title: 'Failed recipients',
          axis: COUNT_AXIS,
        },
        color: { field: 'identity', type: 'nominal', title: 'Identity' },
      },
      BAR_ROW,
    ),
    table: {
      columns: ['identity', 'reason', 'failed recipients'],
      rows: data.senderSide.map((d) => [d.identity, d.reason, d.count]),
    },
  };
}

function domainsChart(data: ReportData): Chart {
  return {
    id: 'domains',
    // "(top N)" only when there is a top to speak of: no bounces in the window, no count in the title.
    title:
      data.topDomains.length === 0
        ? 'Receiving domains with the most bounces'
        : `Receiving domains with the most bounces (top ${data.topDomains.length})`,
    description:
      'Bounced recipients in the window by the domain of the address, the domains with the most first, stacked by reason.',
    points: data.domains.length,
    spec: bars(
      data.domains,
      {
        y: { field: 'domain', type: 'nominal', title: 'Receiving domain', sort: data.topDomains },
        x: {
          field: 'count',
          type: 'quantitative',
          aggregate: 'sum',
          title: 'Bounced recipients',
          axis: COUNT_AXIS,
        },
        color: { field: 'reason', type: 'nominal', title: 'Reason' },
      },
      BAR_ROW,
    ),
    table: {
      columns: ['domain', 'reason', 'bounced recipients'],
      rows: data.domains.map((d) => [d.domain, d.reason, d.count]),
    },
  };
}

function simulationChart(data: ReportData): Chart | undefined {
  const simulation = data.simulation;
  if (!simulation) return undefined;
  const values = STATUSES.flatMap((status) => [
    { status, policy: 'current policy', count: simulation.before[status] },
    { status, policy: 'simulated policy', count: simulation.after[status] },
  ]);
  return {
    id: 'simulation',
    title: 'Address statuses: current policy and simulated policy',
    description: `Statuses of the ${simulation.addresses} addresses at ${simulation.window.to} when the stored history is replayed under the current policy and under the simulated one; ${simulation.changed} would change.`,
    points: simulation.addresses > 0 ? values.length : 0,
    spec: bars(values, {
      x: {
        field: 'status',
        type: 'nominal',
        title: 'Status',
        sort: [...STATUSES],
        axis: { labelAngle: 0 },
      },
      xOffset: { field: 'policy', sort: ['current policy', 'simulated policy'] },
      y: { field: 'count', type: 'quantitative', title: 'Addresses', axis: COUNT_AXIS },
      color: {
        field: 'policy',
        type: 'nominal',
        title: 'Policy',
        scale: { domain: ['current policy', 'simulated policy'], range: ['#64748b', '#2563eb'] },
      },
    }),
    table: {
      columns: ['status', 'current policy', 'simulated policy'],
      rows: STATUSES.map((status) => [status, simulation.before[status], simulation.after[status]]),
    },
  };
}

/** The report's charts, in page order. */
export function reportCharts(data: ReportData): Chart[] {
  return [
    rateChart(data, 'bounce'),
    rateChart(data, 'complaint'),
    decisionsChart(data),
    suppressionsChart(data),
    senderSideChart(data),
    domainsChart(data),
    ...[simulationChart(data)].filter((chart): chart is Chart => chart !== undefined),
  ];
}

/** A Vega-Lite spec as an SVG string, rendered headless (no canvas: text widths are estimated). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function tableHtml(
  caption: string,
  columns: readonly string[],
  rows: readonly (readonly (string | number)[])[],
) {
  return [
    '<table>',
    `<caption>${escapeHtml(caption)}</caption>`,
    `<thead><tr>${columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows
      .map(
        (row) =>
          `<tr>${row.map((cell) => (typeof cell === 'number' ? `<td class="n">${cell}</td>` : `<td>${escapeHtml(cell)}</td>`)).join('')}</tr>`,
      )
      .join('')}</tbody>`,
    '</table>',
  ].join('');
}

async function figureHtml(chart: Chart): Promise<string> {
  const titleId = `${chart.id}-title`;
  const captionId = `${chart.id}-caption`;
  let body: string;
  if (chart.points === 0) {
    body = '<p class="empty">No data in this window.</p>';
  } else {
    const svg = await renderSvg(chart.spec);
    // The chart is one image to assistive technology: named by its title, described by its caption;
    // the data table below carries every value.
    body = svg.replace(
      '<svg ',
      `<svg role="img" aria-labelledby="${titleId}" aria-describedby="${captionId}" focusable="false" `,
    );
  }
  return [
    `<figure class="chart" id="chart-${chart.id}" data-chart="${chart.id}" data-points="${chart.points}">`,
    `<h3 id="${titleId}">${escapeHtml(chart.title)}</h3>`,
    body,
    `<figcaption id="${captionId}">${escapeHtml(chart.description)}</figcaption>`,
    `<details><summary>Data table: ${escapeHtml(chart.title)}</summary>${tableHtml(chart.title, chart.table.columns, chart.table.rows)}</details>`,
    '</figure>',
  ].join('\n');
}

const STYLE = `
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 0; color: #111827; background: #f3f4f6; }
header { background: #1f2937; color: #f9fafb; padding: 16px 24px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 2px 0; font-size: 14px; color: #d1d5db; }
main { padding: 16px 24px; }
section { margin-bottom: 24px; }
h2 { font-size: 18px; margin: 8px 0 12px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(680px, 1fr)); gap: 16px; }
figure.chart { background: white; margin: 0; padding: 12px 16px; border-radius: 8px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
figure.chart h3 { margin: 0 0 8px; font-size: 15px; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { font-size: 13px; color: #374151; margin-top: 6px; }
details { margin-top: 6px; font-size: 13px; }
table { border-collapse: collapse; font-size: 13px; background: white; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { border: 1px solid #d1d5db; padding: 3px 8px; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.level-critical { color: #b91c1c; font-weight: bold; }
.level-warning { color: #b45309; font-weight: bold; }
.note { font-size: 13px; color: #374151; max-width: 72em; }
.empty { color: #6b7280; font-style: italic; }
`;

export interface PageMeta {
  /** Where the data came from, e.g. "embedded store in .bounce-data". */
  where: string;
  generatedAt: string;
}

/**
 * Suppressed addresses the page lists: the most recent ones. A store of 10,000 addresses would
 * otherwise make a page of megabytes that no one reads row by row; `bounce export` lists them all.
 */
export const SUPPRESSED_ROWS_SHOWN = 500;

/** The latest {@link SUPPRESSED_ROWS_SHOWN} suppressions (the list is in time order). */
const shownSuppressions = (data: ReportData) => data.suppressed.slice(-SUPPRESSED_ROWS_SHOWN);

/**
 * The data as embedded in the page: the suppressions the page lists (with their total), and the
 * simulation without its full change list (both can be the whole table).
 */
function embedded(data: ReportData) {
  const listed = { ...data, suppressed: shownSuppressions(data), suppressedTotal: data.suppressed.length };
  if (!data.simulation) return listed;
  const { changes: _changes, ...simulation } = data.simulation;
  return { ...listed, simulation };
}

/** The whole self-contained page. */
export async function renderReportHtml(
  data: ReportData,
  meta: PageMeta,
): Promise<{ html: string; charts: Chart[] }> {
  const charts = reportCharts(data);
  const simulationChartId = 'simulation';
  const figures = await Promise.all(charts.filter((c) => c.id !== simulationChartId).map(figureHtml));
  const simulation = charts.find((c) => c.id === simulationChartId);
  // One rate row's cells, for the account, an identity or a provider (the figures of `bounce hygiene`).
  const rateCells = (
    name: string,
    r: Pick<RateRow, 'sent' | 'bounces' | 'complaints' | 'bounceRate' | 'complaintRate' | 'level'>,
  ): (string | number)[] => [
    name,
    r.sent,
    r.bounces,
    r.complaints,
    percent(r.bounceRate),
    percent(r.complaintRate, 3),
    r.level,
  ];
  const levelled = (html: string) =>
    html.replace(/<td>(warning|critical)<\/td>/g, '<td class="level-$1">$1</td>');
  const rateColumns = ['sent', 'permanent bounces', 'complaints', 'bounce rate', 'complaint rate', 'level'];
  const rateTable = levelled(
    tableHtml(
      'Rates over the window (the figures `bounce hygiene` computes for the same window)',
      ['identity', ...rateColumns],
      [rateCells('(account)', data.account), ...data.identities.map((r) => rateCells(r.identity, r))],
    ),
  );
  const shown = shownSuppressions(data);
  // Where it hurts: a block at one provider is averaged away in the account's figures.
  const providerTable = levelled(
    tableHtml(
      'Rates per mailbox provider (sent = deliveries + bounces there; sender-side: receivers refusing our mail)',
      ['provider', ...rateColumns, 'sender-side'],
      (data.providers ?? []).map((r) => [
        ...rateCells(PROVIDER_NAMES[r.provider], r),
        Object.entries(r.senderSide)
          .map(([reason, n]) => `${reason} ${n}`)
          .join(', ') || '–',
      ]),
    ),
  );
  // Per SES tenant: one customer's list is averaged away in the account's figures too.
  const tenantTable =
    (data.tenants ?? []).length === 0
      ? ''
      : levelled(
          tableHtml(
            'Rates per SES tenant (the tenants rows of `bounce hygiene`; sent counts the tenant’s Send events)',
            ['tenant', ...rateColumns],
            (data.tenants ?? []).map((r) => rateCells(r.tenant, r)),
          ),
        );
  const suppressedTable = tableHtml(
    shown.length < data.suppressed.length
      ? `Addresses suppressed in the window: the ${shown.length} most recent of ${data.suppressed.length} (\`bounce export\` lists every address)`
      : `Addresses suppressed in the window (${data.suppressed.length})`,
    ['when (UTC)', 'address', 'status', 'reason', 'source', 'decided by (rule)'],
    shown.map((s) => [s.at, s.emailAddress, s.status, s.reason, s.source, s.rule]),
  );
  const parts = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing may load: no script, no font, no image from anywhere. The charts are inline SVG.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>Bounce report ${escapeHtml(data.window.from.slice(0, 16))} → ${escapeHtml(data.window.to.slice(0, 16))} UTC</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    '<h1>SES bounce handler report</h1>',
    `<p>Window ${escapeHtml(data.window.from)} → ${escapeHtml(data.window.to)} (UTC) · ${escapeHtml(meta.where)} · generated ${escapeHtml(meta.generatedAt)}</p>`,
    '<p>This file lists recipient addresses: it is your own data — keep it where your suppression table may be seen, and do not attach it to public tickets.</p>',
    '</header>',
    '<main>',
    '<section aria-labelledby="rates-heading">',
    '<h2 id="rates-heading">Sending reputation</h2>',
    rateTable,
    providerTable,
    tenantTable,
    '</section>',
    '<section aria-labelledby="charts-heading">',
    '<h2 id="charts-heading">Charts</h2>',
    `<div class="grid">${figures.join('\n')}</div>`,
    '</section>',
    '<section aria-labelledby="suppressed-heading">',
    '<h2 id="suppressed-heading">Suppressed in the window</h2>',
    suppressedTable,
    '</section>',
  ];
  if (data.simulation && simulation) {
    const s = data.simulation;
    parts.push(
      '<section aria-labelledby="simulation-heading" id="simulation">',
      '<h2 id="simulation-heading">Policy simulation: before and after</h2>',
      `<p class="note">The stored history of ${s.addresses} addresses replayed under the simulated policy${s.window.from ? ` (its decisions for bounces from ${escapeHtml(s.window.from)})` : ''}, statuses read at ${escapeHtml(s.window.to)}: ${s.changed} would change. Nothing was written.</p>`,
      `<div class="grid">${await figureHtml(simulation)}</div>`,
      tableHtml(
        'Changes by status and reason',
        ['from', 'to', 'reason', 'addresses', 'examples'],
        s.transitions.map((t) => [t.from, t.to, t.reason, t.count, t.examples.join(', ')]),
      ),
      '</section>',
    );
  }
  parts.push(
    '</main>',
    // The figures as data, for scripts and tests (not executed: type application/json).
    `<script type="application/json" id="bounce-report-data">${JSON.stringify(embedded(data)).replace(/</g, '\\u003c')}</script>`,
    '</body>',
    '</html>',
  );
  return { html: `${parts.join('\n')}\n`, charts };
}
