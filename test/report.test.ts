import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportData } from '../cli/html/report-data';
import type { RateRow } from '../shared/core/rates';
import { runBounce, runBounceOk } from './support/cli';
import { DEMO_CHARTS, embeddedData } from './support/report';
import { notificationStream } from './support/stream';

const work = mkdtempSync(join(tmpdir(), 'bounce-report-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A row of `bounce hygiene --json` (the hygiene core's rate row). */
type HygieneRow = Omit<RateRow, 'senderSide'>;
interface HygieneJson {
  identities: HygieneRow[];
  windows: { window: { name: string; from: string; to: string }; identities: HygieneRow[] }[];
}

const figures = ({ identity, sent, bounces, complaints, bounceRate, complaintRate, level }: HygieneRow) => ({
  identity,
  sent,
  bounces,
  complaints,
  bounceRate,
  complaintRate,
  level,
});

/** The report and `bounce hygiene --json` at the same `--now`, on the same store. */
async function reportAndHygiene(store: string[], now: string) {
  const file = join(work, `report-${Math.random().toString(36).slice(2)}.html`);
  await runBounceOk(['report', '--html', file, ...store, '--now', now]);
  const html = readFileSync(file, 'utf8');
  const hygiene = JSON.parse(
    (await runBounceOk(['hygiene', '--json', ...store, '--now', now])).stdout,
  ) as HygieneJson;
  return { html, data: embeddedData(html), hygiene };
}

function expectSameNumbersAsHygiene(data: ReportData, hygiene: HygieneJson) {
  const week = hygiene.windows.find((w) => w.window.name === '7d');
  if (!week) throw new Error('hygiene reported no 7d window');
  // The default report window is hygiene's 7-day window, and its rates are hygiene's figures.
  expect(data.window).toEqual({ from: week.window.from, to: week.window.to });
  expect(data.identities.map(figures)).toEqual(week.identities.map(figures));
  // The last hourly point of each identity is the trailing 24 h at the window's end: hygiene's headline.
  const active = hygiene.identities.filter((row) => row.sent > 0);
  expect(active.length).toBeGreaterThan(0);
  for (const row of active) {
    const point = data.hourly.find((h) => h.identity === row.identity && h.hour === data.window.to);
    expect(point && figures(point)).toEqual(figures(row));
  }
}

describe('bounce report on the demo store', () => {
  const data = join(work, 'demo-data');
  const store = ['--data-dir', join(data, 'demo')];
  const now = '2026-11-21T10:11:10.000Z';
  let html = '';
  let demoReport = '';
  let report: ReportData;
  beforeAll(async () => {
    const demo = JSON.parse((await runBounceOk(['demo', '--json', '--data-dir', data])).stdout);
    // `npm start` writes its own report too, and says where.
    demoReport = readFileSync(demo.reportHtml, 'utf8');
    expect(demo.reportHtml).toBe(join(data, 'demo', 'report.html'));
    const result = await reportAndHygiene(store, now);
    ({ html } = result);
    report = result.data;
    expectSameNumbersAsHygiene(result.data, result.hygiene);
  });

  it('has the numbers `bounce hygiene --json` reports for the same store and window', () => {
    expect(report.identities.map((r) => r.identity)).toEqual(['mail.example.com']);
    // 5, not 6: the demo's OnAccountSuppressionList bounce (sample 08) was SES's own verdict, in no rate.
    expect(report.identities[0]).toMatchObject({ bounces: 5, complaints: 1 });
  });

  it('is what `bounce demo` wrote for its own clock', () => {
    expect(embeddedData(demoReport)).toEqual(report);
  });

  it('draws every chart from data for the demo', () => {
    const charts = [...html.matchAll(/data-chart="([^"]+)" data-points="(\d+)"/g)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(charts.map(([id]) => id)).toEqual(DEMO_CHARTS);
    for (const [id, points] of charts) expect(points, `chart ${id}`).toBeGreaterThan(0);
    expect(html.match(/<svg role="img"/g)?.length).toBe(6);
    expect(html).not.toContain('No data in this window');
  });

  it('lists the addresses suppressed in the window with the rule that decided each', () => {
    const byAddress = Object.fromEntries(report.suppressed.map((s) => [s.emailAddress, s]));
    expect(byAddress['old.customer@gmail.example']).toMatchObject({
      source: 'bounce',
      reason: 'userunknown',
    });
    expect(byAddress['old.customer@gmail.example']?.rule).toMatch(/userunknown/);
    expect(byAddress['annoyed.reader@yahoo.example']).toMatchObject({
      source: 'complaint',
      reason: 'feedback',
      rule: 'complaint (abuse)',
    });
    // Sender-side failures are charted, never listed as suppressions.
    expect(byAddress['buyer@fabrikam.example']).toBeUndefined();
    expect(report.senderSide.map((s) => s.reason).sort()).toEqual(['authfailure', 'blocked']);
    expect(html).toContain('<td>old.customer@gmail.example</td>');
  });

  it('is self-contained: no script to run, nothing to fetch, and a policy that forbids fetching', () => {
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<(img|iframe|object|embed|audio|video|source)\b/i);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(/i);
    const scripts = [...html.matchAll(/<script\b([^>]*)>/gi)].map((m) => m[1]?.trim());
    expect(scripts).toEqual(['type="application/json" id="bounce-report-data"']);
  });

  it('gives every chart a title, axis titles and a text alternative', () => {
    for (const id of DEMO_CHARTS) {
      const figure = new RegExp(`<figure[^>]*data-chart="${id}"[\\s\\S]*?</figure>`).exec(html)?.[0] ?? '';
      expect(figure, id).toMatch(new RegExp(`<h3 id="${id}-title">[^<]+</h3>`));
      expect(figure, id).toMatch(
        new RegExp(`aria-labelledby="${id}-title" aria-describedby="${id}-caption"`),
      );
      expect(figure, id).toMatch(new RegExp(`<figcaption id="${id}-caption">[^<]{40,}</figcaption>`));
      expect(figure, id).toMatch(/<details><summary>Data table: [^<]+<\/summary><table>/);
      // Vega draws axis titles as text; every chart has two.
      expect(figure.match(/class="mark-text role-axis-title"/g)?.length, id).toBe(2);
    }
  });

  it('refuses a bad window, naming the value (exit 2)', async () => {
    const bad = await runBounce(['report', '--html', join(work, 'x.html'), '--from', 'last week', ...store]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--from: not an ISO-8601 time: "last week"/);
    const backwards = await runBounce([
      'report',
      '--html',
      join(work, 'x.html'),
      '--from',
      '2026-11-21T00:00:00Z',
      '--to',
      '2026-11-20T00:00:00Z',
      ...store,
    ]);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toMatch(/is not before/);
  });
});

describe('bounce report on a generated store', () => {
  const data = join(work, 'generated');
  const store = ['--data-dir', data];
  const now = '2026-10-20T05:30:00.000Z';
  beforeAll(async () => {
    const file = join(work, 'generated.jsonl');
    writeFileSync(file, `${notificationStream(2000, 400, 3).join('\n')}\n`);
    await runBounceOk(['replay', file, '--json', ...store]);
  }, 300_000);

  it('agrees with `bounce hygiene --json`, and its audit-trail figures add up to the counters', async () => {
    const { data: report, hygiene } = await reportAndHygiene(store, now);
    expectSameNumbersAsHygiene(report, hygiene);
    expect(report.hourly.length).toBeGreaterThan(100);
    // Every bounce in the window, from the audit trail (by domain; the generator has three) equals
    // the recipient-side decisions plus the sender-side failures the counters hold.
    const sum = (rows: { count: number }[]) => rows.reduce((n, r) => n + r.count, 0);
    expect(report.topDomains).toHaveLength(3);
    expect(sum(report.domains)).toBe(sum(report.decisions) + sum(report.senderSide));
    expect(sum(report.suppressionsPerDay)).toBe(report.suppressed.length);
  });

  it('lists every address that `bounce export` shows suppressed since a time in the window', async () => {
    const { data: report } = await reportAndHygiene(store, now);
    const rows = (await runBounceOk(['export', ...store, '--now', now])).stdout
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { emailAddress: string; status: string; since?: string; reason?: string },
      );
    const inWindow = rows.filter(
      (r) =>
        r.status === 'suppressed' &&
        r.since !== undefined &&
        r.since >= report.window.from &&
        r.since < report.window.to,
    );
    expect(inWindow.length).toBeGreaterThan(5);
    const listed = new Map(report.suppressed.map((s) => [`${s.emailAddress}|${s.at}`, s]));
    for (const row of inWindow) {
      expect(listed.get(`${row.emailAddress}|${row.since}`), row.emailAddress).toMatchObject({
        reason: row.reason,
      });
    }
  });
});

describe('bounce report on a store of many addresses', () => {
  it('lists only the most recent suppressions, says so, and keeps the page small; no "(top 0)" title', async () => {
    const total = 1_200;
    const list = join(work, 'many.csv');
    writeFileSync(
      list,
      [
        'email,reason',
        ...Array.from({ length: total }, (_, i) => `user${i}@list${i % 7}.example,legacy`),
      ].join('\n'),
    );
    const store = ['--data-dir', join(work, 'many')];
    const now = '2026-11-21T10:00:00.000Z';
    await runBounceOk(['import', list, ...store, '--now', now]);
    const file = join(work, 'many.html');
    await runBounceOk(['report', '--html', file, ...store, '--now', now]);
    const html = readFileSync(file, 'utf8');
    const data = embeddedData(html) as ReportData & { suppressedTotal: number };
    expect(data.suppressedTotal).toBe(total);
    expect(data.suppressed.length).toBe(500);
    expect(html).toContain(`the 500 most recent of ${total} (\`bounce export\` lists every address)`);
    const section = html.slice(html.indexOf('id="suppressed-heading"'));
    expect(section.slice(0, section.indexOf('</section>')).match(/<tr><td>/g)?.length).toBe(500);
    // The page does not grow with the store: 1,200 rows would be about 300 KB.
    expect(html.length).toBeLessThan(200_000);
    // Imports are not bounces: the domain chart is empty, and its title says no "top 0".
    expect(html).toContain('Receiving domains with the most bounces');
    expect(html).not.toMatch(/\(top 0\)/);
  });
});
