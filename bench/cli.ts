/**
 * The CLI as users run it, process start included: `bounce --help` wall time (against `node -e 0`),
 * and `bounce classify FILE > /dev/null` against a bare JSONL pass (a Node script that reads the
 * same file line by line, JSON.parse → JSON.stringify → stdout, with the same buffered writer) —
 * both end to end, compiled CLI (dist/cli/bounce.js; `npm run bench` builds it first).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(REPO_ROOT, 'dist', 'cli', 'bounce.js');

/** What a user's own minimal JSONL pass looks like: stream lines in, one JSON line out each. */
const BARE_PASS = `import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
const lines = createInterface({ input: createReadStream(process.argv[2], { encoding: 'utf8' }), crlfDelay: Infinity });
let buffer = '';
const flush = async () => {
  const chunk = buffer; buffer = '';
  if (chunk !== '' && !process.stdout.write(chunk)) await new Promise((r) => process.stdout.once('drain', r));
};
for await (const text of lines) {
  buffer += JSON.stringify(JSON.parse(text)) + '\\n';
  if (buffer.length >= 65536) await flush();
}
await flush();
`;

/** Wall milliseconds of one run of `node ...args`, stdout to /dev/null. */
function wallMs(args: readonly string[]): number {
  const devNull = openSync('/dev/null', 'w');
  try {
    const t0 = performance.now();
    const result = spawnSync(process.execPath, args, {
      cwd: REPO_ROOT,
      stdio: ['ignore', devNull, 'pipe'],
      env: { ...process.env, CI: 'true' },
    });
    const ms = performance.now() - t0;
    if (result.status !== 0)
      throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    return ms;
  } finally {
    closeSync(devNull);
  }
}

/** Median of `runs` runs of each command, interleaved so a noisy neighbour slows them alike. */
function medians(commands: readonly (readonly string[])[], runs: number): number[] {
  const times = commands.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (const [c, args] of commands.entries()) times[c]?.push(wallMs(args));
  }
  return times.map((t) => {
    t.sort((a, b) => a - b);
    return Math.round(t[Math.floor(t.length / 2)] ?? Number.NaN);
  });
}

export interface CliFigures {
  helpMs: number;
  nodeMs: number;
  classifyMs: number;
  bareMs: number;
  ratio: number;
  recipients: number;
}

/** `input`: JSONL, one bounced recipient a line (the same lines the in-process classify rows use). */
export function measureCli(input: string, recipients: number, runs = 5): CliFigures {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const dir = mkdtempSync(join(tmpdir(), 'bounce-cli-bench-'));
  try {
    const file = join(dir, 'recipients.jsonl');
    const bare = join(dir, 'bare.mjs');
    writeFileSync(file, `${input}\n`);
    writeFileSync(bare, BARE_PASS);
    const [helpMs = 0, nodeMs = 0] = medians(
      [
        [CLI, '--help'],
        ['-e', '0'],
      ],
      Math.max(runs, 9),
    );
    const [classifyMs = 0, bareMs = 0] = medians(
      [
        [CLI, 'classify', file],
        [bare, file],
      ],
      runs,
    );
    return {
      helpMs,
      nodeMs,
      classifyMs,
      bareMs,
      ratio: Math.round((classifyMs / bareMs) * 100) / 100,
      recipients,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
