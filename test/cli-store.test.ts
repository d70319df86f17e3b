import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import * as ses from './fixtures/ses-examples';
import { BOUNCE_BIN, runBounce, runBounceOk } from './support/cli';

const work = mkdtempSync(join(tmpdir(), 'bounce-cli-store-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const bounce = (args: string[], input?: string) =>
  runBounce(args, { cwd: work, ...(input !== undefined ? { input } : {}) });

describe('commands that only read refuse an embedded store that does not exist', () => {
  const typo = join(work, '.bounce-data', 'dmeo');
  const policy = join(work, 'policy.json');

  it.each([
    ['lookup', ['lookup', 'old.customer@gmail.example']],
    ['export', ['export']],
    ['hygiene', ['hygiene']],
    ['report', ['report', '--html', join(work, 'r.html')]],
    ['simulate', ['simulate', '--policy', policy]],
  ])('%s exits 2 naming the directory, and creates nothing', async (_name, args) => {
    writeFileSync(policy, '{}');
    const { code, stdout, stderr } = await bounce([...args, '--data-dir', typo]);
    expect(code).toBe(2);
    expect(stdout).not.toMatch(/clear/);
    expect(stderr).toContain(JSON.stringify(typo));
    expect(stderr).toMatch(/no store/);
    expect(existsSync(typo)).toBe(false);
  });

  it('an existing directory that holds no store (the parent of the demo store) is refused too, untouched', async () => {
    const parent = join(work, 'parent');
    mkdirSync(join(parent, 'demo'), { recursive: true });
    const { code, stderr } = await bounce(['lookup', 'a@example.com', '--data-dir', parent]);
    expect(code).toBe(2);
    expect(stderr).toContain(JSON.stringify(parent));
    expect(readdirSync(parent)).toEqual(['demo']);
  });

  it('the commands that write still start a store, which the readers then read', async () => {
    const dataDir = join(work, 'written');
    await runBounceOk(['suppress', 'a@example.com', '--reason', 'asked', '--data-dir', dataDir], {
      cwd: work,
    });
    const { code, stdout } = await bounce(['lookup', 'a@example.com', '--data-dir', dataDir]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/a@example\.com: suppressed/);
  });
});

describe('two bounce processes on one embedded store', () => {
  it('the second is told another bounce command is using it (exit 1, no dynalite trace); the first finishes', async () => {
    const dataDir = join(work, 'shared');
    // The first command holds the store open for as long as its stdin stays open.
    const first = spawn(process.execPath, [BOUNCE_BIN, 'replay', '-', '--data-dir', dataDir], {
      cwd: work,
      env: { ...process.env, CI: 'true' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let firstOut = '';
    first.stdout.on('data', (chunk) => {
      firstOut += chunk;
    });
    const firstExit = new Promise<number | null>((resolve) => first.on('close', resolve));
    try {
      // LevelDB writes CURRENT when the first command has opened the store.
      for (let i = 0; i < 200 && !existsSync(join(dataDir, 'CURRENT')); i++) await sleep(50);
      expect(existsSync(join(dataDir, 'CURRENT'))).toBe(true);

      const second = await bounce(['lookup', 'jane@example.com', '--data-dir', dataDir]);
      expect(second.stderr).not.toMatch(/Database is closed|dynalite/);
      expect(second.stderr).toMatch(/another bounce command is using it/);
      expect(second.stderr).toContain(dataDir);
      expect(second.code).toBe(1);
    } finally {
      first.stdin.end(`${ses.snsEnvelope(ses.bounceWithDsn)}\n`);
    }
    expect(await firstExit).toBe(0);
    expect(firstOut).toMatch(/1 records: 1 processed/);
    // And once it is done, the store is free again.
    const after = await bounce(['lookup', 'jane@example.com', '--data-dir', dataDir]);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/jane@example\.com: suppressed/);
  });
});
