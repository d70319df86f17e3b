/**
 * The CLI as users run it, process start included: `bounce --help` wall time (against `node -e 0`),
 * and `bounce classify FILE > /dev/null` against a bare JSONL pass (a Node script that reads the
 * same file line by line, JSON.parse → JSON.stringify → stdout, with the same buffered writer) —
 * both end to end, compiled CLI (dist/cli/bounce.js; `npm run bench` builds it first).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const TIME = '/usr/bin/time';

interface Run {
  wall: number;
  /** User + system CPU of the child (GNU time; NaN without it): on a shared machine wall time
   * mostly measures the neighbours, CPU time what the command itself costs. */
  cpu: number;
}

/** One run of `node ...args`, stdout to /dev/null. */
function timed(args: readonly string[], dir: string): Run {
  const devNull = openSync('/dev/null', 'w');
  const cpuFile = join(dir, 'cpu.txt');
  const useTime = existsSync(TIME);
  try {
    const t0 = performance.now();
    const result = spawnSync(
      useTime ? TIME : process.execPath,
      useTime ? ['-f', '%U %S', '-o', cpuFile, process.execPath, ...args] : args,
      { cwd: REPO_ROOT, stdio: ['ignore', devNull, 'pipe'], env: { ...process.env, CI: 'true' } },
    );
    const wall = performance.now() - t0;
    if (result.status !== 0)
      throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    const [user = Number.NaN, system = Number.NaN] = useTime
      ? readFileSync(cpuFile, 'utf8').trim().split(/\s+/).map(Number)
      : [];
    return { wall, cpu: (user + system) * 1000 };
  } finally {
    closeSync(devNull);
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] ?? Number.NaN);
};

/** Median wall and CPU of `runs` runs of each command, interleaved so a noisy neighbour slows them alike. */
function medians(commands: readonly (readonly string[])[], runs: number, dir: string): Run[] {
  const runsOf = commands.map(() => [] as Run[]);
  for (let i = 0; i < runs; i++) {
    for (const [c, args] of commands.entries()) runsOf[c]?.push(timed(args, dir));
  }
  return runsOf.map((r) => ({ wall: median(r.map((x) => x.wall)), cpu: median(r.map((x) => x.cpu)) }));
}

export interface CliFigures {
  help: Run;
  node: Run;
  classify: Run;
  bare: Run;
  /** classify / bare, wall and CPU. */
  ratio: Run;
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
    const none = { wall: Number.NaN, cpu: Number.NaN };
    const [help = none, node = none] = medians(
      [
        [CLI, '--help'],
        ['-e', '0'],
      ],
      Math.max(runs, 9),
      dir,
    );
    const [classify = none, plain = none] = medians(
      [
        [CLI, 'classify', file],
        [bare, file],
      ],
      runs,
      dir,
    );
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    return {
      help,
      node,
      classify,
      bare: plain,
      ratio: { wall: ratio(classify.wall, plain.wall), cpu: ratio(classify.cpu, plain.cpu) },
      recipients,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
