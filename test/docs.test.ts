/**
 * Every command in the docs runs as written. The rule, for README.md and the docs listed in DOCS:
 *
 * - ```ts blocks are type-checked (strict, the repository's tsconfig), `ses-bounce-handler` resolving
 *   to the package's own source entry (shared/client/index.ts, which dist/index.d.ts is built from).
 *   `ses-bounce-handler/cdk` to infra/index.ts (dist/cdk/index.d.ts's source).
 * - ```sh blocks are read line by line (`\` continuations joined, comments kept for bash):
 *   - a line that runs `npx bounce` is executed with bash, in order, in one scratch directory per
 *     document (with `samples/` linked in and `bounce` installed in its node_modules/.bin, as
 *     `npm install ses-bounce-handler` would), and must exit 0; so are the `echo … > file` lines
 *     that make its input files;
 *   - `npm start` (also as the last step of `npm install && npm start`) is executed as the script
 *     runs it after its build step (`npx bounce demo`);
 *   - where the docs show what a command prints — a bare ``` block right after the ```sh block,
 *     nothing but blank lines between — that block is the output of the sh block's last line, and
 *     the line's stdout must be exactly it (trailing spaces aside);
 *   - any other `npm` line must name scripts that exist in package.json (`npm install`/`npm ci`,
 *     `npm test` and the scripts are what .ci/run itself runs);
 *   - a `npx vitest run` or `npx tsx` line must name files that exist (it is a development step:
 *     running it here would rewrite generated files or take minutes);
 *   - every other line needs an AWS account, a store of the reader's or a server that runs until
 *     stopped (`aws …`, `NAME=$(aws …)`, `npx cdk deploy/bootstrap`, shell loops over them,
 *     `npx bounce … --region/--endpoint`, `npx dynalite …`) and is only shown: the test lists them,
 *     so a new kind of line has to be classified here (a test of its own runs what it shows).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EMBEDDED_TABLE } from '../cli/context';

const ROOT = join(import.meta.dirname, '..');
/** The documents under this rule: the README and every page of docs/. */
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const scripts = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

interface Block {
  lang: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** What the block's last command prints, when the docs show it (the bare block right after). */
  output?: string;
}

function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  let previousEnd = -2;
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(\w*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const indent = (lines[i] ?? '').indexOf('```');
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j] ?? ''); j++)
      body.push((lines[j] ?? '').slice(indent));
    const previous = blocks.at(-1);
    const block: Block = { lang: open[1] ?? '', code: body.join('\n'), line: i + 1 };
    if (
      block.lang === '' &&
      previous?.lang === 'sh' &&
      lines.slice(previousEnd + 1, i).every((l) => l.trim() === '')
    )
      previous.output = block.code;
    blocks.push(block);
    previousEnd = j;
    i = j;
  }
  return blocks;
}

/** Output as compared: no trailing spaces, no trailing blank lines. */
const normalized = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trimEnd();

/** Shell lines with `\` continuations joined. */
function shellLines(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

type Kind = 'run' | 'npm' | 'dev' | 'aws';
/** `npm start`, alone or as the last step of `npm install && npm start`. */
const NPM_START = /^(npm (install|ci)\b[^&]*&&\s*)?npm start\b/;
function kindOf(line: string): Kind {
  if (NPM_START.test(line) || /(^|[|&;]\s*)npx bounce /.test(line)) {
    // `aws … && npx bounce import` still needs AWS for its first half; --region and --endpoint
    // name a deployed table or an engine the reader runs.
    return /^aws /.test(line) || / --(region|endpoint)\b/.test(line) ? 'aws' : 'run';
  }
  if (/^npx (vitest run|tsx) /.test(line)) return 'dev';
  if (/^echo .*>\s*\S+$/.test(line)) return 'run';
  if (/^npm /.test(line)) return 'npm';
  return 'aws';
}

const docs = DOCS.map((path) => ({ path, blocks: codeBlocks(readFileSync(join(ROOT, path), 'utf8')) }));
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('the docs', () => {
  it('have code blocks to check (README, deploy, operate, pipelines, policy, performance)', () => {
    for (const name of ['README.md', 'docs/deploy.md', 'docs/operate.md', 'docs/pipelines.md']) {
      expect(docs.find((d) => d.path === name)?.blocks.length, name).toBeGreaterThan(0);
    }
  });

  it('name only npm scripts that exist', () => {
    for (const { path, blocks } of docs) {
      for (const block of blocks.filter((b) => b.lang === 'sh')) {
        for (const line of shellLines(block.code).filter((l) => kindOf(l) === 'npm')) {
          for (const command of line.split('&&').map((c) => c.replace(/#.*$/, '').trim())) {
            const run = /^npm run ([\w:-]+)/.exec(command);
            if (run) expect(scripts, `${path}:${block.line}: ${command}`).toHaveProperty([run[1] as string]);
            else if (/^npm (test|start)\b/.test(command))
              expect(scripts).toHaveProperty([command.split(' ')[1] as string]);
            else expect(command, `${path}:${block.line}`).toMatch(/^npm (install|ci)\b/);
          }
        }
      }
    }
    expect(scripts.start, 'npm start = build, then `bounce demo`').toMatch(
      /node dist\/cli\/bounce\.js demo$/,
    );
  });

  it('name only files that exist in development commands (npx vitest run, npx tsx)', () => {
    for (const { path, blocks } of docs) {
      for (const block of blocks.filter((b) => b.lang === 'sh')) {
        for (const line of shellLines(block.code).filter((l) => kindOf(l) === 'dev')) {
          const files = line
            .replace(/#.*$/, '')
            .split(/\s+/)
            .filter((word) => /\.(ts|mts|mjs)$/.test(word));
          expect(files.length, `${path}:${block.line}: ${line}`).toBeGreaterThan(0);
          for (const file of files)
            expect(existsSync(join(ROOT, file)), `${path}:${block.line}: ${file}`).toBe(true);
        }
      }
    }
  });

  it('show only AWS-only commands that are not run (the list is reviewed here)', () => {
    const shown = docs.flatMap(({ blocks }) =>
      blocks
        .filter((b) => b.lang === 'sh')
        .flatMap((b) => shellLines(b.code).filter((l) => kindOf(l) === 'aws')),
    );
    for (const line of shown)
      expect(line).toMatch(
        /^(aws |[A-Z_]+=\$\(aws |npx cdk (bootstrap|deploy|synth)\b|for |done$|npx bounce .* --(region|endpoint)\b|npx dynalite )/,
      );
  });

  for (const { path, blocks } of docs) {
    const commands = blocks
      .filter((b) => b.lang === 'sh')
      .flatMap((b) => {
        const lines = shellLines(b.code);
        if (b.output !== undefined)
          expect(kindOf(lines.at(-1) ?? ''), `${path}:${b.line}: shown output of a line not run`).toBe('run');
        return lines
          .filter((l) => kindOf(l) === 'run')
          .map((l, index, run) => ({
            line: b.line,
            l,
            ...(b.output !== undefined && index === run.length - 1 ? { output: b.output } : {}),
          }));
      });
    if (commands.length === 0) continue;
    it(`${path}: every bounce command runs as written, exits 0, and prints what the docs show`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'bounce-docs-'));
      scratch.push(dir);
      symlinkSync(join(ROOT, 'samples'), join(dir, 'samples'));
      mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
      symlinkSync(join(ROOT, 'dist', 'cli', 'bounce.js'), join(dir, 'node_modules', '.bin', 'bounce'));
      for (const { line, l, output } of commands) {
        const command = NPM_START.test(l) ? 'npx bounce demo' : l;
        const result = spawnSync('bash', ['-o', 'pipefail', '-c', command], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, CI: 'true', npm_config_update_notifier: 'false' },
        });
        expect(result.status, `${path}:${line}: ${command}\n${result.stderr}`).toBe(0);
        if (output !== undefined)
          expect(normalized(result.stdout), `${path}:${line}: what \`${command}\` prints`).toBe(
            normalized(output),
          );
      }
    });
  }

  it('name the deployed table one way: the stack output SuppressionTableName, never a made-up name', () => {
    // CloudFormation generates the name; the docs pass it on (`--table "$TABLE"`, `<SuppressionTableName>`,
    // an environment variable). Literal names are for a local engine (`--endpoint`) or the embedded
    // store's own table.
    const output = readFileSync(join(ROOT, 'infra', 'construct.ts'), 'utf8');
    expect(output).toContain("new CfnOutput(this, 'SuppressionTableName'");
    for (const { path, blocks } of docs) {
      for (const block of blocks) {
        if (block.lang === 'sh') {
          for (const line of shellLines(block.code).filter(
            (l) => / --table /.test(l) && !/ --endpoint /.test(l),
          ))
            expect(line, `${path}:${block.line}`).toMatch(/ --table ("\$[A-Z_]+"|<SuppressionTableName>)/);
        }
        if (block.lang === 'ts') {
          for (const [, name] of block.code.matchAll(/tableName: '([^']*)'/g))
            expect(name, `${path}:${block.line}`).toBe(EMBEDDED_TABLE);
        }
      }
    }
  });

  it('type-check: every ts block compiles against the package', () => {
    const dir = join(ROOT, 'test', '.docs-ts');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    scratch.push(dir);
    const files: string[] = [];
    for (const { path, blocks } of docs) {
      for (const block of blocks.filter((b) => b.lang === 'ts')) {
        const file = `${path.replace(/[/.]/g, '_')}_${block.line}.ts`;
        // `export {}` makes each block a module of its own (top-level await, no name clashes).
        writeFileSync(join(dir, file), `${block.code}\nexport {};\n`);
        files.push(file);
      }
    }
    expect(files.length).toBeGreaterThanOrEqual(3);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        compilerOptions: {
          noUnusedLocals: false,
          paths: {
            'ses-bounce-handler': ['../../shared/client/index.ts'],
            'ses-bounce-handler/cdk': ['../../infra/index.ts'],
          },
        },
        include: ['*.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
    } catch (error) {
      output = (error as { stdout?: string }).stdout ?? String(error);
    }
    expect(output).toBe('');
  });
});
