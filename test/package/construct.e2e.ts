/**
 * The construct as a platform team gets it (`npm run test:consumer`, in CI): `npm pack`, then two fresh
 * CDK apps — TypeScript under NodeNext, and plain ESM JavaScript — with the tarball installed next to
 * aws-cdk-lib and constructs (nothing else: no esbuild, no TypeScript sources), each adding
 * `SesBounceHandler` to a stack that also holds resources of its own, and synthesizing offline.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const installedVersion = (name: string) =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;
const CDK = ['aws-cdk-lib', 'constructs'].map((name) => `${name}@${installedVersion(name)}`);

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });

/** The consumer's app: its own resources (an unencrypted queue, a pipeline function) and the construct. */
const APP = (importLine: string) => `${importLine}
const app = new App({ outdir: process.argv[2] });
const stack = new Stack(app, 'Platform');
// The team's own resources: an unencrypted queue without a DLQ, which cdk-nag's packs would flag.
new sqs.Queue(stack, 'TheirQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
const pipeline = new lambda.Function(stack, 'Pipeline', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => {};'),
});
const bounces = new SesBounceHandler(stack, 'Bounces', {
  alarmEmail: 'oncall@acme.example',
  sesIdentities: ['acme.example'],
});
bounces.grantCheck(pipeline);
pipeline.addEnvironment('SUPPRESSION_TABLE', bounces.table.tableName);
applyChecks(bounces);
app.synth();
console.log(JSON.stringify({ alarms: bounces.alarms.length }));
`;

const TS_IMPORTS = `import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { applyChecks, SesBounceHandler, type SesBounceHandlerProps } from 'ses-bounce-handler/cdk';
const typed: SesBounceHandlerProps = { batchSize: 10 };
void typed;`;

const JS_IMPORTS = `import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { applyChecks, SesBounceHandler } from 'ses-bounce-handler/cdk';`;

const BAD_PROP = `import { App, Stack } from 'aws-cdk-lib';
import { SesBounceHandler } from 'ses-bounce-handler/cdk';
new SesBounceHandler(new Stack(new App(), 'Platform'), 'Bounces', { alarmEmail: 'oncall-at-acme', sesSyncMode: 'sometimes' });
`;

interface Template {
  Resources: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }
  >;
}

let dir: string;
let tarball: string;

function freshProject(name: string): string {
  const project = join(dir, name);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  npm(['install', '--prefer-offline', ...CDK, tarball], project);
  return project;
}

/** Runs the app; returns the template of stack `Platform` and the cloud assembly directory. */
function synth(project: string, file: string): { template: Template; outdir: string; stdout: string } {
  const outdir = join(project, 'cdk.out');
  const stdout = execFileSync(process.execPath, [file, outdir], { cwd: project, encoding: 'utf8' });
  const template = JSON.parse(readFileSync(join(outdir, 'Platform.template.json'), 'utf8')) as Template;
  return { template, outdir, stdout };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bounce-construct-'));
  // `npm pack` runs `prepare`, so the tarball holds a fresh build (functions included).
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], ROOT)) as {
    filename: string;
  }[];
  tarball = join(dir, packed[0]?.filename ?? '');
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const APPS = {
  'TypeScript (NodeNext)': {
    setup(project: string) {
      npm(['install', '--prefer-offline', `@types/node@${installedVersion('@types/node')}`], project);
      writeFileSync(join(project, 'app.ts'), APP(TS_IMPORTS));
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            target: 'ES2022',
            strict: true,
            outDir: 'build',
            types: ['node'],
            skipLibCheck: true,
          },
          files: ['app.ts'],
        }),
      );
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], {
        cwd: project,
        encoding: 'utf8',
      });
      return 'build/app.js';
    },
  },
  'plain ESM JavaScript': {
    setup(project: string) {
      writeFileSync(join(project, 'app.mjs'), APP(JS_IMPORTS));
      return 'app.mjs';
    },
  },
};

describe.each(Object.entries(APPS))('SesBounceHandler in a fresh %s CDK app', (name, app) => {
  let project: string;
  let result: ReturnType<typeof synth>;
  beforeAll(() => {
    project = freshProject(name.startsWith('TypeScript') ? 'ts-app' : 'js-app');
    result = synth(project, app.setup(project));
  }, 600_000);

  const ofType = (type: string) =>
    Object.entries(result.template.Resources).filter(([, resource]) => resource.Type === type);

  it('installs nothing but the tarball, aws-cdk-lib and constructs (no esbuild, no cdk-nag of its own)', () => {
    const installed = npm(['ls', '--all', '--parseable'], project);
    expect(installed).not.toMatch(/node_modules\/esbuild/);
    expect(installed).not.toMatch(/node_modules\/cdk-nag/);
  });

  it('synthesizes offline with the functions, queue, table and alarms, next to the consumer’s own resources', () => {
    expect(ofType('AWS::Lambda::Function').map(([id]) => id)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^BouncesProcessor/),
        expect.stringMatching(/^BouncesHygiene/),
        expect.stringMatching(/^Pipeline/),
      ]),
    );
    expect(ofType('AWS::SQS::Queue').map(([id]) => id)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^BouncesIngestQueue/),
        expect.stringMatching(/^TheirQueue/),
      ]),
    );
    expect(ofType('AWS::DynamoDB::Table')).toHaveLength(1);
    const { alarms } = JSON.parse(result.stdout) as { alarms: number };
    expect(ofType('AWS::CloudWatch::Alarm').length).toBe(alarms);
    expect(alarms).toBeGreaterThan(5);
  });

  it('grants the pipeline BatchGetItem on the table, nothing more', () => {
    const [, policy] =
      ofType('AWS::IAM::Policy').find(([id]) => id.startsWith('PipelineServiceRoleDefaultPolicy')) ?? [];
    const document = policy?.Properties?.PolicyDocument as { Statement: { Action: unknown }[] } | undefined;
    const statements = document?.Statement ?? [];
    expect(statements.map((s) => s.Action)).toEqual(['dynamodb:BatchGetItem']);
  });

  it("ran the scoped checks on the construct only: its acknowledgements are in the template, the consumer's queue untouched", () => {
    const [, processorPolicy] =
      ofType('AWS::IAM::Policy').find(([id]) => id.startsWith('BouncesProcessorRole')) ?? [];
    expect(JSON.stringify(processorPolicy?.Metadata)).toContain('AwsSolutions-IAM5');
    const [, theirQueue] = ofType('AWS::SQS::Queue').find(([id]) => id.startsWith('TheirQueue')) ?? [];
    expect(theirQueue?.Metadata?.cdk_nag).toBeUndefined();
  });

  it("deploys the package's prebuilt functions, each importing cleanly with the template's environment", async () => {
    const functions = ofType('AWS::Lambda::Function').filter(([id]) => id.startsWith('Bounces'));
    expect(functions.length).toBeGreaterThanOrEqual(2);
    for (const [id, fn] of functions) {
      // The asset `cdk deploy` would zip: cdk.out/asset.<hash>, the hash being the S3 key's name.
      const key = (fn.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key;
      expect(typeof key, id).toBe('string');
      const assetPath = `asset.${String(key).replace(/\.zip$/, '')}`;
      const [file, handlerName] = String(fn.Properties?.Handler).split('.');
      const entry = join(result.outdir, String(assetPath), `${file}.mjs`);
      // The template's variables, references replaced by a stand-in (as Lambda would resolve them).
      const variables = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables;
      const environment = Object.fromEntries(
        Object.entries(variables ?? {}).map(([key, value]) => [
          key,
          typeof value === 'string' ? value : `resolved-${key}`,
        ]),
      );
      const probe = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(pathToFileURL(entry).href)}); console.log(typeof m[${JSON.stringify(handlerName)}]);`,
        ],
        {
          cwd: dir,
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH,
            AWS_REGION: 'eu-west-1',
            AWS_LAMBDA_FUNCTION_NAME: id,
            ...environment,
          },
          timeout: 30_000,
        },
      );
      expect({ id, status: probe.status, stderr: probe.stderr, stdout: probe.stdout.trim() }).toMatchObject({
        id,
        status: 0,
        stdout: 'function',
      });
    }
  });
});

describe('a bad prop in a fresh app', () => {
  it('throws at synth, naming the key and the bad value', () => {
    const project = join(dir, 'js-app');
    writeFileSync(join(project, 'bad.mjs'), BAD_PROP);
    const run = spawnSync(process.execPath, ['bad.mjs'], { cwd: project, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/SesBounceHandler "alarmEmail": .*got "oncall-at-acme"/);
    expect(run.stderr).toMatch(/SesBounceHandler "sesSyncMode": .*got "sometimes"/);
  });
});

/** The consumer's app with the construct's resources made by a second copy of aws-cdk-lib. */
const TWO_COPIES = `import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { applyChecks, SesBounceHandler } from 'ses-bounce-handler/cdk';
const app = new App({ outdir: 'cdk.out.copies' });
const stack = new Stack(app, 'Platform');
new sqs.Queue(stack, 'TheirQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
const bounces = new SesBounceHandler(stack, 'Bounces', { alarmEmail: 'oncall@acme.example' });
if (process.argv[2] === 'untraced') bounces.hygiene.function.node.defaultChild.tracingConfig = undefined;
applyChecks(bounces);
const template = app.synth().getStackByName('Platform').template;
console.log(JSON.stringify({
  sameCopy: bounces.table instanceof dynamodb.Table,
  resources: Object.keys(template.Resources).length,
  acknowledged: JSON.stringify(template).includes('rules_to_suppress'),
}));
`;

describe('a consumer whose app uses another copy of aws-cdk-lib than the construct', () => {
  it('still synthesizes and still runs the checks on the construct, and only on it', () => {
    const project = join(dir, 'js-app');
    // npm would dedupe one version; a nested copy is what two versions give (the "instanceof" trap).
    const nested = join(project, 'node_modules', 'ses-bounce-handler', 'node_modules');
    mkdirSync(nested, { recursive: true });
    cpSync(join(project, 'node_modules', 'aws-cdk-lib'), join(nested, 'aws-cdk-lib'), { recursive: true });
    writeFileSync(join(project, 'copies.mjs'), TWO_COPIES);
    const ok = spawnSync(process.execPath, ['copies.mjs'], { cwd: project, encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(JSON.parse(ok.stdout)).toMatchObject({ sameCopy: false, acknowledged: true });
    const untraced = spawnSync(process.execPath, ['copies.mjs', 'untraced'], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(untraced.status).not.toBe(0);
    expect(untraced.stderr).toMatch(
      /\[Serverless-LambdaTracing\] \(warning\) Platform\/Bounces\/Hygiene\/Function/,
    );
    expect(untraced.stderr).not.toMatch(/TheirQueue/);
  });
});
