/**
 * Bounce storm: `bounce replay FILE --json --data-dir TMP` (the real CLI: embedded dynalite on
 * LevelDB, the real processor, batches of 10) over N generated notifications; reports
 * notifications/s and the replay process's peak RSS. Run alone:
 *
 *   npx tsx bench/storm.ts                      # STORM_COUNTS=20000,100000 by default
 *   STORM_COUNTS=5000 npx tsx bench/storm.ts
 *
 * Memory is bounded when the peak RSS at 100k is about that at 20k (the replay streams the file).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { notificationStream } from '../test/support/stream';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface StormResult {
  notifications: number;
  seconds: number;
  perSecond: number;
  peakRssMb: number;
  fileMb: number;
  processed: number;
  failed: number;
}

/** Writes `count` notifications as JSONL, in chunks (the generator is deterministic per seed). */
async function writeStormFile(file: string, count: number) {
  const handle = await open(file, 'w');
  const chunk = 10_000;
  for (let done = 0, seed = 1; done < count; done += chunk, seed++) {
    const n = Math.min(chunk, count - done);
    // One address space across chunks: ~1 address per 5 notifications, three domains.
    await handle.write(`${notificationStream(n, Math.max(10, Math.round(count / 15)), seed).join('\n')}\n`);
  }
  await handle.close();
}

/** Peak RSS of a child, from /proc (VmHWM is the high-water mark), sampled until it exits. */
function peakRssSampler(pid: number) {
  let peakKb = 0;
  const sample = () => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) peakKb = Math.max(peakKb, Number(match[1]));
    } catch {
      // gone
    }
  };
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      return peakKb;
    },
  };
}

export async function runStorm(count: number): Promise<StormResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bounce-storm-'));
  try {
    const file = join(dir, 'storm.jsonl');
    await writeStormFile(file, count);
    const useTime = existsSync('/usr/bin/time');
    const command = useTime ? '/usr/bin/time' : process.execPath;
    const args = [
      ...(useTime ? ['-v', process.execPath] : []),
      join(REPO_ROOT, 'dist/cli/bounce.js'),
      'replay',
      file,
      '--json',
      '--data-dir',
      join(dir, 'data'),
    ];
    const started = performance.now();
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    // With /usr/bin/time the replay is its child; /proc sampling only sees it without.
    const sampler = useTime ? undefined : peakRssSampler(child.pid ?? 0);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const seconds = (performance.now() - started) / 1000;
    const sampledKb = sampler?.stop() ?? 0;
    const timeKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0);
    if (code !== 0 && code !== 1) throw new Error(`bounce replay exited ${code}: ${stderr.slice(-2000)}`);
    const summary = JSON.parse(stdout) as { records: number; processed: number; failed: unknown[] };
    return {
      notifications: count,
      seconds: Math.round(seconds * 10) / 10,
      perSecond: Math.round(count / seconds),
      peakRssMb: Math.round((timeKb || sampledKb) / 1024),
      fileMb: Math.round(statSync(file).size / 1e5) / 10,
      processed: summary.processed,
      failed: summary.failed.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const counts = (process.env.STORM_COUNTS ?? '20000,100000').split(',').map(Number);
  for (const count of counts) console.log(`STORM ${JSON.stringify(await runStorm(count))}`);
}
