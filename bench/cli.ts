/**
 * The CLI as users run it, process start included: `bounce --help` wall time (against `node -e 0`),
 * and `bounce classify FILE > /dev/null` against two bare JSONL passes (Node scripts that stream the
 * same file line by line with `readline` and write through the same kind of buffered writer):
 *  - the minimal pass of the speed goal (issue 25): parse each line, write one small JSON object
 *    per line (`{"line":n,"emailAddress":…}`, about the size of classify's own output line);
 *  - the earlier comparison: parse each line and write the whole object back (JSON.stringify of all
 *    its fields, a larger output than classify writes).
 * All end to end, compiled CLI (dist/cli/bounce.js; `npm run bench` builds it first).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(REPO_ROOT, 'dist', 'cli', 'bounce.js');

/** A user's own JSONL pass: stream lines in, `OUT` (an expression of `value` and `line`) out each. */
const pass = (out: string) => `import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
const lines = createInterface({ input: createReadStream(process.argv[2], { encoding: 'utf8' }), crlfDelay: Infinity });
let buffer = '';
let line = 0;
const flush = async () => {
  const chunk = buffer; buffer = '';
  if (chunk !== '' && !process.stdout.write(chunk)) await new Promise((r) => process.stdout.once('drain', r));
};
for await (const text of lines) {
  const value = JSON.parse(text);
  line++;
  buffer += JSON.stringify(${out}) + '\\n';
  if (buffer.length >= 65536) await flush();
}
await flush();
`;

/** The goal's minimal pass: parse each line, write one small JSON object per line. */
const MINIMAL_PASS = pass('{ line, emailAddress: value.emailAddress }');
/** The earlier comparison: parse each line, write the whole object back. */
const WHOLE_PASS = pass('value');

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
  /** The minimal pass (one small object out per line): the speed goal's reference. */
  bare: Run;
  /** The whole-object pass (parse, stringify the whole line): the earlier comparison. */
  whole: Run;
  /** classify / bare, wall and CPU. */
  ratio: Run;
  /** classify / whole, wall and CPU. */
  ratioWhole: Run;
  recipients: number;
}

/** `input`: JSONL, one bounced recipient a line (the same lines the in-process classify rows use). */
export function measureCli(input: string, recipients: number, runs = 5): CliFigures {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const dir = mkdtempSync(join(tmpdir(), 'bounce-cli-bench-'));
  try {
    const file = join(dir, 'recipients.jsonl');
    const bare = join(dir, 'bare.mjs');
    const whole = join(dir, 'whole.mjs');
    writeFileSync(file, `${input}\n`);
    writeFileSync(bare, MINIMAL_PASS);
    writeFileSync(whole, WHOLE_PASS);
    const none = { wall: Number.NaN, cpu: Number.NaN };
    const [help = none, node = none] = medians(
      [
        [CLI, '--help'],
        ['-e', '0'],
      ],
      Math.max(runs, 9),
      dir,
    );
    const [classify = none, plain = none, wholePass = none] = medians(
      [
        [CLI, 'classify', file],
        [bare, file],
        [whole, file],
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
      whole: wholePass,
      ratio: { wall: ratio(classify.wall, plain.wall), cpu: ratio(classify.cpu, plain.cpu) },
      ratioWhole: { wall: ratio(classify.wall, wholePass.wall), cpu: ratio(classify.cpu, wholePass.cpu) },
      recipients,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
