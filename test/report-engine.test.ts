import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBounceOk } from './support/cli';
import { startTestEngine, type TestEngine } from './support/engine';
import { embeddedData } from './support/report';
import { notificationStream } from './support/stream';

/**
 * `bounce report` and `bounce simulate` against an engine at --endpoint: dynalite here, AWS's
 * DynamoDB Local under `npm run test:dynamodb-local` (the same Scan and Query code AWS gets).
 */
describe('bounce report and simulate at --endpoint', () => {
  const work = mkdtempSync(join(tmpdir(), 'bounce-report-engine-'));
  let engine: TestEngine;
  let target: string[];
  const now = ['--now', '2026-10-12T00:00:00Z'];
  beforeAll(async () => {
    engine = await startTestEngine();
    target = ['--endpoint', engine.endpoint, '--table', await engine.newTable(), '--region', 'us-east-1'];
    const file = join(work, 'notifications.jsonl');
    writeFileSync(file, `${notificationStream(400, 60, 11).join('\n')}\n`);
    await runBounceOk(['replay', file, '--json', ...target]);
  }, 300_000);
  afterAll(async () => {
    await engine?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it(`writes the report with hygiene's rates for the same window (${process.env.DYNAMODB_ENDPOINT ? 'DynamoDB Local' : 'dynalite'})`, async () => {
    const file = join(work, 'report.html');
    await runBounceOk(['report', '--html', file, ...target, ...now]);
    const data = embeddedData(readFileSync(file, 'utf8'));
    const hygiene = JSON.parse((await runBounceOk(['hygiene', '--json', ...target, ...now])).stdout);
    const week = hygiene.windows.find((w: { window: { name: string } }) => w.window.name === '7d');
    expect(data.window).toEqual({ from: week.window.from, to: week.window.to });
    const pick = (r: { identity: string; sent: number; bounces: number; complaints: number }) => [
      r.identity,
      r.sent,
      r.bounces,
      r.complaints,
    ];
    expect(data.identities.map(pick)).toEqual(week.identities.map(pick));
    expect(data.identities[0]?.sent).toBeGreaterThan(0);
    expect(data.suppressed.length).toBeGreaterThan(0);
  });

  it('simulates the unchanged policy with zero changes and every stored status reproduced', async () => {
    const policy = join(work, 'same.json');
    writeFileSync(policy, '{}');
    const result = JSON.parse(
      (await runBounceOk(['simulate', '--policy', policy, '--json', ...target, ...now])).stdout,
    );
    expect(result.addresses).toBeGreaterThan(30);
    expect(result).toMatchObject({ changed: 0, unexplained: 0 });
  });
});
