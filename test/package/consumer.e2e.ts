/**
 * The package as a sending pipeline gets it (`npm run test:consumer`, in CI): `npm pack`, a fresh
 * project, the tarball installed next to the AWS SDK, the client imported from plain ESM, from
 * CommonJS and from TypeScript (`tsc --noEmit` under moduleResolution node16 and bundler), and real
 * addresses checked against a real DynamoDB engine. Also measures what installing it adds.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import { startTestEngine, type TestEngine } from '../support/engine';
import { bounceEvent } from '../support/events';

const ROOT = join(import.meta.dirname, '..', '..');
const installedVersion = (name: string) =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;
const SDK = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'].map(
  (name) => `${name}@${installedVersion(name)}`,
);
/** The most packages installing the tarball may add beyond the SDK: itself, nothing else. */
const MAX_ADDED_PACKAGES = 1;

let dir: string;
let project: string;
let engine: TestEngine;
let tableName: string;
let added: string[];
/** What npm said (warnings included) while installing the tarball. */
let installWarnings: string;

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });

/** Every package directory under node_modules (scoped ones as @scope/name). */
function installedPackages(cwd: string): Set<string> {
  const out = npm(['ls', '--all', '--parseable'], cwd).trim().split('\n').slice(1);
  return new Set(out.map((path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)));
}

/** Asynchronously: the embedded engine answers from this process's event loop. */
const run = async (file: string) =>
  (
    await promisify(execFile)(process.execPath, [file], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, ENDPOINT: engine.endpoint, TABLE: tableName },
      timeout: 60_000,
    })
  ).stdout;

const CHECK_SCRIPT = (load: string) => `${load}
const client = new DynamoDBClient({
  endpoint: process.env.ENDPOINT, region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const suppression = new SuppressionClient({ client, tableName: process.env.TABLE });
suppression.check(['Gone@Example.com', 'ok@example.com', 'nope']).then((results) => {
  console.log(JSON.stringify({ results, guard: typeof suppressionGuard }));
  client.destroy();
});
`;

const TS_CONSUMER = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type CheckResult, SuppressionClient, suppressionGuard } from 'ses-bounce-handler';

export async function mayMail(recipients: string[]): Promise<string[]> {
  const suppression = new SuppressionClient({ client: new DynamoDBClient({}), tableName: 'suppressions' });
  const results: CheckResult[] = await suppression.check(recipients);
  return results.flatMap((r) => (r.status !== 'invalid' && r.allowed ? [r.address] : []));
}
export const guard = suppressionGuard({
  client: new SuppressionClient({ client: new DynamoDBClient({}), tableName: 'suppressions' }),
  onDropped: (report) => { const n: number = report.dropped.length; void n; },
});
// @ts-expect-error the table name is required
new SuppressionClient({ client: new DynamoDBClient({}) });
`;

/** `tsc -p config` in the temp project, with the repository's TypeScript. */
function typecheck(config: string): { ok: boolean; output: string } {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', config], { cwd: project, encoding: 'utf8' });
    return { ok: true, output: '' };
  } catch (error) {
    return { ok: false, output: (error as { stdout?: string }).stdout ?? String(error) };
  }
}

function tsconfig(name: string, module: string, moduleResolution: string, files: string[]) {
  writeFileSync(
    join(project, name),
    JSON.stringify({
      compilerOptions: {
        module,
        moduleResolution,
        target: 'ES2022',
        strict: true,
        noEmit: true,
        types: ['node'],
      },
      files,
    }),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bounce-consumer-'));
  // `npm pack` runs `prepack`, so the tarball holds a fresh build.
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], ROOT)) as {
    filename: string;
  }[];
  const tarball = join(dir, packed[0]?.filename ?? '');

  project = join(dir, 'pipeline');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'pipeline', private: true }));
  npm(['install', '--prefer-offline', ...SDK], project);
  const before = installedPackages(project);
  const install = spawnSync(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn', tarball],
    { cwd: project, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } },
  );
  if (install.status !== 0) throw new Error(`npm install ${tarball}: ${install.stderr}`);
  installWarnings = `${install.stdout}${install.stderr}`;
  added = [...installedPackages(project)].filter((name) => !before.has(name));
  // What a TypeScript pipeline has anyway (the SDK's own types need Node's), and the optional peer
  // the CLI's embedded store needs (README: `npm install dynalite`), after the measurement.
  npm(
    [
      'install',
      '--prefer-offline',
      `@types/node@${installedVersion('@types/node')}`,
      `dynalite@${installedVersion('dynalite')}`,
    ],
    project,
  );

  engine = await startTestEngine();
  tableName = await engine.newTable();
  const store = new DynamoDbSuppressionStore(engine.connection.documentClient, tableName);
  await store.applyEvents('gone@example.com', [bounceEvent('b1', '2026-01-01T00:00:00.000Z', 'userunknown')]);
}, 600_000);

afterAll(async () => {
  await engine?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package in a fresh project', () => {
  it(`adds at most ${MAX_ADDED_PACKAGES} package beyond the AWS SDK`, () => {
    console.log(`installing the tarball next to the SDK added: ${added.join(', ')}`);
    expect(added).toContain('ses-bounce-handler');
    expect(added.length).toBeLessThanOrEqual(MAX_ADDED_PACKAGES);
  });

  it('installs without an install-time script for npm to warn about (no published prepare/install)', () => {
    const manifest = JSON.parse(
      readFileSync(join(project, 'node_modules', 'ses-bounce-handler', 'package.json'), 'utf8'),
    ) as { scripts?: Record<string, string> };
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare'])
      expect(manifest.scripts ?? {}, hook).not.toHaveProperty([hook]);
    expect(installWarnings).not.toMatch(/install-scripts|ses-bounce-handler/);
  });

  it('ships dist/, samples and the metadata, no sources or tests', () => {
    const installed = join(project, 'node_modules', 'ses-bounce-handler');
    expect(readdirSync(installed).sort()).toEqual([
      'LICENSE',
      'README.md',
      'cdk',
      'dist',
      'package.json',
      'samples',
    ]);
  });

  const expectAnswers = (stdout: string) => {
    const { results, guard } = JSON.parse(stdout) as {
      results: { allowed: boolean; status: string; reason?: string }[];
      guard: string;
    };
    expect(guard).toBe('function');
    expect(results.map((r) => [r.allowed, r.status, r.reason])).toEqual([
      [false, 'suppressed', 'userunknown'],
      [true, 'clear', undefined],
      [false, 'invalid', undefined],
    ]);
  };

  it('checks real addresses from plain ESM (import)', async () => {
    writeFileSync(
      join(project, 'check.mjs'),
      CHECK_SCRIPT(
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { SuppressionClient, suppressionGuard } from 'ses-bounce-handler';",
      ),
    );
    expectAnswers(await run('check.mjs'));
  });

  it('checks real addresses from CommonJS (require)', async () => {
    writeFileSync(
      join(project, 'check.cjs'),
      CHECK_SCRIPT(
        "const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');\nconst { SuppressionClient, suppressionGuard } = require('ses-bounce-handler');",
      ),
    );
    expectAnswers(await run('check.cjs'));
  });

  it('type-checks from TypeScript under moduleResolution node16 (ESM and CJS) and bundler', () => {
    writeFileSync(join(project, 'consumer.mts'), TS_CONSUMER);
    writeFileSync(join(project, 'consumer.cts'), TS_CONSUMER);
    writeFileSync(join(project, 'consumer.ts'), TS_CONSUMER);
    tsconfig('tsconfig.node16.json', 'node16', 'node16', ['consumer.mts', 'consumer.cts']);
    tsconfig('tsconfig.bundler.json', 'esnext', 'bundler', ['consumer.ts']);
    for (const config of ['tsconfig.node16.json', 'tsconfig.bundler.json']) {
      const result = typecheck(config);
      expect(result, `tsc -p ${config}`).toEqual({ ok: true, output: '' });
    }
    // And a wrong use is caught through the shipped .d.ts (the types are not `any`).
    writeFileSync(
      join(project, 'wrong.ts'),
      "import { SuppressionClient } from 'ses-bounce-handler';\nnew SuppressionClient({ tableName: 1 });\n",
    );
    tsconfig('tsconfig.wrong.json', 'esnext', 'bundler', ['wrong.ts']);
    const wrong = typecheck('tsconfig.wrong.json');
    expect(wrong.ok).toBe(false);
    expect(wrong.output).toMatch(/wrong\.ts.*error TS2/);
  });

  it('runs the compiled CLI from the installed package (no TypeScript loader)', () => {
    const out = execFileSync(
      process.execPath,
      [join(project, 'node_modules', 'ses-bounce-handler', 'dist', 'cli', 'bounce.js'), 'classify'],
      {
        cwd: project,
        encoding: 'utf8',
        input: '{"status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 no such user"}\n',
      },
    );
    expect(JSON.parse(out)).toMatchObject({ line: 1, reason: 'userunknown', hard: true });
  });
});

describe('the installed CLI (npx bounce), every command it lists', () => {
  const ran = new Set<string>();
  const samples = 'node_modules/ses-bounce-handler/samples';
  const demo = ['--data-dir', '.bounce-data/demo'];
  const now = ['--now', '2026-11-21T13:00:00Z'];

  /** `npx bounce …` in the pipeline project, as its operators run it; records the command it ran. */
  const bounce = async (args: string[], input?: string) => {
    const command = args.find((a) => !a.startsWith('-'));
    if (command) ran.add(command);
    const child = promisify(execFile)('npx', ['--no-install', 'bounce', ...args], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', npm_config_update_notifier: 'false' },
      timeout: 120_000,
    });
    if (input !== undefined) child.child.stdin?.end(input);
    try {
      const { stdout, stderr } = await child;
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const ok = async (args: string[], input?: string) => {
    const result = await bounce(args, input);
    expect(result.code, `bounce ${args.join(' ')}\n${result.stderr}`).toBe(0);
    return result.stdout;
  };

  it('prints its version and help', async () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    expect((await ok(['--version'])).trim()).toBe(version);
    expect(await ok(['lookup', '--help'])).toMatch(/Global Options:[\s\S]*--data-dir/);
  });

  it('runs every command on the embedded store and on a table at --endpoint', async () => {
    // The demo first: it makes the store the read commands look at.
    expect(await ok(['demo'])).toMatch(/Suppressed addresses/);
    expect(existsSync(join(project, '.bounce-data', 'demo', 'report.html'))).toBe(true);
    expect(await ok(['lookup', 'old.customer@gmail.example', ...demo])).toMatch(/: suppressed/);
    expect(await ok(['export', '--format', 'csv', ...demo])).toMatch(/^emailAddress,status/);
    expect(JSON.parse(await ok(['hygiene', '--json', ...demo, ...now]))).toHaveProperty('identities');
    writeFileSync(join(project, 'policy.json'), '{"decisions":{"mailboxfull":"suppress"}}');
    expect(await ok(['simulate', '--policy', 'policy.json', ...demo, ...now])).toMatch(/would change/);
    expect(await ok(['report', '--html', 'report.html', ...demo, ...now])).toMatch(/written to report\.html/);

    const store = ['--data-dir', 'store'];
    expect(await ok(['init', ...store])).toMatch(/ready/);
    expect(await ok(['replay', `${samples}/notifications.jsonl`, ...store])).toMatch(/processed/);
    expect(
      JSON.parse(await ok(['invoke', 'processor', '--event', `${samples}/events/sqs-event.json`, ...store])),
    ).toEqual({ batchItemFailures: [] });
    expect(
      JSON.parse(
        await ok(['invoke', 'hygiene', '--event', `${samples}/events/hygiene-schedule.json`, ...store]),
      ),
    ).toHaveProperty('window');
    expect(await ok(['suppress', 'who@example.com', '--reason', 'asked', ...store])).toMatch(/→ suppressed/);
    expect(await ok(['unsuppress', 'who@example.com', '--reason', 'typo', ...store])).toMatch(/→ clear/);
    // For one SES tenant only (docs/tenants.md): the installed CLI reads --tenant on every reader.
    await ok(['suppress', 'who@example.com', '--reason', 'asked acme', '--tenant', 'acme', ...store]);
    expect(await ok(['lookup', 'who@example.com', '--tenant', 'acme', ...store])).toMatch(
      /for tenant acme: suppressed/,
    );
    expect(await ok(['lookup', 'who@example.com', ...store])).toMatch(/who@example\.com: clear/);
    expect(await ok(['export', '--tenant', 'acme', ...store])).toMatch(
      /"who@example\.com","status":"suppressed"/,
    );
    writeFileSync(join(project, 'list.csv'), 'email,reason\nlisted@example.com,legacy list\n');
    expect(await ok(['import', 'list.csv', ...store])).toMatch(/1 addresses suppressed/);
    expect(await ok(['forget', 'listed@example.com', '--reason', 'erasure request', ...store])).not.toBe('');
    const classified = await ok(
      ['classify'],
      '{"status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 no such user"}\n',
    );
    expect(JSON.parse(classified)).toMatchObject({ reason: 'userunknown', hard: true });

    // And at a table on a DynamoDB engine (no dynalite needed there).
    const target = ['--endpoint', engine.endpoint, '--table', 'cli-consumer', '--region', 'us-east-1'];
    expect(await ok(['init', ...target])).toMatch(/ready: table cli-consumer/);
    expect(await ok(['lookup', 'a@example.com', ...target])).toMatch(/a@example\.com: clear/);

    const help = await ok(['--help']);
    const listed = [...(help.split(/^Commands:$/m)[1] ?? '').matchAll(/^ {2}([a-z][\w-]*)/gm)]
      .map((m) => m[1] as string)
      .filter((name) => name !== 'help');
    expect(listed.length).toBeGreaterThan(10);
    expect(listed.filter((name) => !ran.has(name))).toEqual([]);
  });
});
