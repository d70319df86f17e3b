import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBounceOk } from './support/cli';
import { DEMO_CHARTS } from './support/report';

/**
 * The demo's HTML report in a real browser: Debian's Chromium, headless, driven by playwright-core.
 * Outside CI the test is skipped when Chromium is not installed; in CI (.ci/run installs it) it runs.
 */
const CHROMIUM = '/usr/bin/chromium';
const REPO_ROOT = join(import.meta.dirname, '..');
const SCREENSHOT = join(REPO_ROOT, 'docs', 'report.png');
const runs = existsSync(CHROMIUM) || Boolean(process.env.CI);

describe.skipIf(!runs)('the demo report in headless Chromium', () => {
  const work = mkdtempSync(join(tmpdir(), 'bounce-browser-'));
  let browser: Browser;
  let url: string;
  beforeAll(async () => {
    // A relative data dir, so the page (which names its store) is the same wherever the test runs.
    await runBounceOk(['demo', '--json', '--data-dir', '.bounce-data'], { cwd: work });
    url = pathToFileURL(join(work, '.bounce-data', 'demo', 'report.html')).href;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('loads with no console error and no request but the page itself, draws every chart, and is screenshotted', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => problems.push(`requestfailed: ${request.url()}`));

    await page.goto(url, { waitUntil: 'load' });
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);

    const charts = await page.$$eval('figure[data-chart]', (figures) =>
      figures.map((figure) => {
        const svg = figure.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        const name = svg?.getAttribute('aria-labelledby') ?? '';
        return {
          id: figure.getAttribute('data-chart'),
          points: Number(figure.getAttribute('data-points')),
          marks: figure.querySelectorAll('svg .mark-rect path, svg .mark-line path, svg .mark-symbol path')
            .length,
          width: Math.round(box?.width ?? 0),
          height: Math.round(box?.height ?? 0),
          accessibleName: figure.ownerDocument.getElementById(name)?.textContent ?? '',
          caption: figure.querySelector('figcaption')?.textContent ?? '',
        };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual(DEMO_CHARTS);
    for (const chart of charts) {
      expect(chart.points, chart.id ?? '').toBeGreaterThan(0);
      expect(chart.marks, chart.id ?? '').toBeGreaterThan(0);
      expect(chart.width, chart.id ?? '').toBeGreaterThan(300);
      expect(chart.height, chart.id ?? '').toBeGreaterThan(100);
      expect(chart.accessibleName.length, chart.id ?? '').toBeGreaterThan(10);
      expect(chart.caption.length, chart.id ?? '').toBeGreaterThan(40);
    }
    // The suppressed addresses are in the page for the operator to read.
    await expect(page.getByRole('cell', { name: 'old.customer@gmail.example' }).count()).resolves.toBe(1);

    mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    await page.close();
  });
});
