import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBounce, runBounceOk } from './support/cli';
import { notificationStream } from './support/stream';

const work = mkdtempSync(join(tmpdir(), 'bounce-simulate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const policyFile = (name: string, policy: unknown) => {
  const file = join(work, name);
  writeFileSync(file, JSON.stringify(policy));
  return file;
};
const UNCHANGED = policyFile('unchanged.json', {});
const MAILBOXFULL_SUPPRESSES = policyFile('mailboxfull.json', { decisions: { mailboxfull: 'suppress' } });

interface SimulationJson {
  addresses: number;
  changed: number;
  changes: { emailAddress: string; from: string; to: string; reason: string }[];
  unexplained: number;
  before: Record<string, number>;
  after: Record<string, number>;
}

const exportRows = async (args: string[]) =>
  (await runBounceOk(['export', ...args])).stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { emailAddress: string; status: string; reason?: string });

describe('bounce simulate on the demo store', () => {
  const data = join(work, 'demo-data');
  const store = ['--data-dir', join(data, 'demo')];
  // The demo's samples are dated 2026-11-20/21; read a day later (the mailbox-full watch is not due yet).
  const now = ['--now', '2026-11-22T00:00:00Z'];
  beforeAll(async () => {
    await runBounceOk(['demo', '--json', '--data-dir', data]);
  });

  it('changes nothing under the unchanged policy, and its baseline replay reproduces every stored status', async () => {
    const result = JSON.parse(
      (await runBounceOk(['simulate', '--policy', UNCHANGED, '--json', ...store, ...now])).stdout,
    ) as SimulationJson;
    expect(result.addresses).toBe(10);
    expect(result).toMatchObject({ changed: 0, changes: [], unexplained: 0 });
    expect(result.before).toEqual(result.after);
  });

  it('turns the watched addresses suppressed when mailboxfull suppresses at once, and writes nothing', async () => {
    const before = await exportRows([...store, ...now]);
    const watched = before.filter((row) => row.status === 'watch');
    expect(watched.length).toBeGreaterThan(0);
    const result = JSON.parse(
      (await runBounceOk(['simulate', '--policy', MAILBOXFULL_SUPPRESSES, '--json', ...store, ...now]))
        .stdout,
    ) as SimulationJson;
    expect(result.changes).toEqual(
      watched.map((row) => ({
        emailAddress: row.emailAddress,
        from: 'watch',
        to: 'suppressed',
        reason: 'mailboxfull',
      })),
    );
    expect(await exportRows([...store, ...now])).toEqual(before);
  });

  it('prints the change by status and reason, with examples, in text', async () => {
    const { stdout } = await runBounceOk(['simulate', '--policy', MAILBOXFULL_SUPPRESSES, ...store, ...now]);
    expect(stdout).toMatch(/1 address would change status/);
    expect(stdout).toMatch(/watch → suppressed\s+mailboxfull\s+1\s+busy\.person@outlook\.example/);
    expect(stdout).toMatch(/Nothing was written/);
  });

  it('with --from after every bounce, keeps the stored decisions and changes nothing', async () => {
    const result = JSON.parse(
      (
        await runBounceOk([
          'simulate',
          '--policy',
          MAILBOXFULL_SUPPRESSES,
          '--from',
          '2026-11-21T12:00:00Z',
          '--json',
          ...store,
          ...now,
        ])
      ).stdout,
    ) as SimulationJson;
    expect(result.changed).toBe(0);
  });

  it('refuses a bad policy or time, naming the bad value (exit 2)', async () => {
    const bad = policyFile('bad.json', { decisions: { blocked: 'suppress' } });
    const policy = await runBounce(['simulate', '--policy', bad, ...store]);
    expect(policy.code).toBe(2);
    expect(policy.stderr).toMatch(/blocked.*sender-side/);
    const time = await runBounce(['simulate', '--policy', UNCHANGED, '--from', 'yesterday', ...store]);
    expect(time.code).toBe(2);
    expect(time.stderr).toMatch(/--from: not an ISO-8601 time: "yesterday"/);
    const missing = await runBounce(['simulate', ...store]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--policy/);
  });
});

describe('bounce simulate on a bigger generated store (the storm bench generator)', () => {
  const data = join(work, 'generated');
  const store = ['--data-dir', data];
  const now = ['--now', '2026-11-05T00:00:00Z'];
  // ~20 events per address: the state items fold their older events into checkpoints, the audit keeps all.
  const lines = notificationStream(3000, 150, 7);
  beforeAll(async () => {
    const file = join(work, 'generated.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const replay = JSON.parse((await runBounceOk(['replay', file, '--json', ...store])).stdout);
    expect(replay.failed).toEqual([]);
  }, 300_000);

  it('changes nothing under the unchanged policy, and the replay reproduces every stored status', async () => {
    const result = JSON.parse(
      (await runBounceOk(['simulate', '--policy', UNCHANGED, '--json', ...store, ...now])).stdout,
    ) as SimulationJson;
    expect(result.addresses).toBe((await exportRows([...store, ...now])).length);
    expect(result).toMatchObject({ changed: 0, unexplained: 0 });
  });

  it('suppresses exactly the not-yet-suppressed addresses that ever had a mailbox-full bounce', async () => {
    // The oracle, from the input itself: recipients of MailboxFull bounces (no manual lifts in it).
    const mailboxFull = new Set<string>();
    for (const line of lines) {
      const message = JSON.parse(JSON.parse(line).Message);
      if (message.bounce?.bounceSubType !== 'MailboxFull') continue;
      for (const r of message.bounce.bouncedRecipients) mailboxFull.add(r.emailAddress);
    }
    const stored = await exportRows([...store, ...now]);
    const expected = stored
      .filter((row) => mailboxFull.has(row.emailAddress) && row.status !== 'suppressed')
      .map((row) => ({
        emailAddress: row.emailAddress,
        from: row.status,
        to: 'suppressed',
        reason: 'mailboxfull',
      }));
    expect(expected.length).toBeGreaterThan(10);
    const result = JSON.parse(
      (await runBounceOk(['simulate', '--policy', MAILBOXFULL_SUPPRESSES, '--json', ...store, ...now]))
        .stdout,
    ) as SimulationJson;
    expect(result.changes).toEqual(expected);
  });

  it('writes a report with a before/after section with --html', async () => {
    const file = join(work, 'simulated.html');
    await runBounceOk(['simulate', '--policy', MAILBOXFULL_SUPPRESSES, '--html', file, ...store, ...now]);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('id="simulation"');
    expect(html).toMatch(/data-chart="simulation" data-points="8"/);
    expect(html).toMatch(/<td>watch<\/td><td>suppressed<\/td><td>mailboxfull<\/td>/);
  });
});
