/**
 * The Lambda functions as `cdk synth` ships them. For each function of the stack (the sync in
 * `both` mode, so it exists):
 *  - the size of its asset, the esbuild bundle CDK built (AWS SDK inside), and what it would be with
 *    `@aws-sdk/*` left to the Lambda runtime (the same entry rebuilt with the SDK external);
 *  - its init time: a fresh `node` importing the asset until the handler is ready (clients built,
 *    Powertools and the policy initialised), under the environment the template gives it
 *    (`NODE_OPTIONS=--enable-source-maps` included), against a fresh `node` importing, from
 *    `node_modules`, the SDK clients the function uses — what a function that leaves the SDK to
 *    the runtime would load instead. Wall and CPU time, medians, the two interleaved.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { REGION, Resolver } from '../test/twin/resolve';
import { synthesizeWithBundles } from '../test/twin/synth';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Every function of the stack: its source entry and the logical id prefix of its Lambda resource. */
export const FUNCTIONS = {
  processor: { entry: 'functions/processor/handler.ts', logicalId: 'ProcessorFunction' },
  hygiene: { entry: 'functions/hygiene/handler.ts', logicalId: 'HygieneFunction' },
  sync: { entry: 'functions/sync/handler.ts', logicalId: 'SyncFunction' },
} as const;
type FunctionName = keyof typeof FUNCTIONS;

export interface FunctionFigures {
  name: FunctionName;
  /** The asset `cdk deploy` uploads (index.mjs), KB. */
  assetKb: number;
  /** The same entry bundled with `@aws-sdk/*` external, KB. */
  sdkExternalKb: number;
  /** The SDK clients the function bundles (the baseline imports these). */
  clients: string[];
  init: { wall: number; cpu: number };
  sdk: { wall: number; cpu: number };
  ratio: { wall: number; cpu: number };
}

const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;

/** The entry rebuilt with the SDK external (as CDK builds it otherwise), and the SDK clients in it. */
async function withSdkExternal(entry: string, dir: string) {
  const outfile = join(dir, `${Math.random().toString(36).slice(2)}.mjs`);
  const all = await build({
    entryPoints: [join(REPO_ROOT, entry)],
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    metafile: true,
    logLevel: 'silent',
  });
  const clients = new Set<string>();
  for (const input of Object.keys(all.metafile.inputs)) {
    const client = /node_modules\/(@aws-sdk\/client-[^/]+)\//.exec(input)?.[1];
    if (client !== undefined) clients.add(client);
  }
  await build({
    entryPoints: [join(REPO_ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    external: ['@aws-sdk/*'],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  return { sdkExternalKb: kb(statSync(outfile).size), clients: [...clients].sort() };
}

/** A script that imports `specifiers` in order and prints its wall and CPU milliseconds. */
function importScript(specifiers: readonly string[]): string {
  const imports = specifiers.map((s) => `await import(${JSON.stringify(s)});`).join(' ');
  return `const t0 = performance.now(); const c0 = process.cpuUsage(); ${imports} const c = process.cpuUsage(c0); console.log(performance.now() - t0, (c.user + c.system) / 1000);`;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Medians of `runs` fresh `node` runs of each script, interleaved so a noisy neighbour slows both alike. */
function timeScripts(scripts: readonly string[], runs: number, env: Record<string, string>) {
  const samples = scripts.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let i = 0; i < runs; i++) {
    scripts.forEach((script, s) => {
      const out = execFileSync(process.execPath, [script], { cwd: REPO_ROOT, env, encoding: 'utf8' });
      const [wall, cpu] = out.trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
      samples[s]?.wall.push(wall ?? Number.NaN);
      samples[s]?.cpu.push(cpu ?? Number.NaN);
    });
  }
  return samples.map((x) => ({ wall: Math.round(median(x.wall)), cpu: Math.round(median(x.cpu)) }));
}

export async function measureFunctions(runs = 9): Promise<FunctionFigures[]> {
  const assembly = synthesizeWithBundles({ sesSyncMode: 'both' });
  const scratch = mkdtempSync(join(tmpdir(), 'bounce-bundle-'));
  // The scripts live in bench/ so that the bare SDK imports resolve from the repository's node_modules.
  const scriptsToRemove: string[] = [];
  try {
    const resolver = new Resolver(assembly.template, assembly.stackName, 'bench');
    const figures: FunctionFigures[] = [];
    for (const [name, fn] of Object.entries(FUNCTIONS) as [
      FunctionName,
      (typeof FUNCTIONS)[FunctionName],
    ][]) {
      const logicalId = Object.keys(assembly.assetDirs).find((id) => id.startsWith(fn.logicalId));
      const assetDir = logicalId === undefined ? undefined : assembly.assetDirs[logicalId];
      if (logicalId === undefined || assetDir === undefined)
        throw new Error(`no bundled asset for ${fn.logicalId} in the synthesized template`);
      const props = assembly.template.Resources[logicalId]?.Properties ?? {};
      const handler = String(props.Handler ?? 'index.handler');
      const asset = join(assetDir, `${handler.slice(0, handler.lastIndexOf('.'))}.mjs`);
      const variables = resolver.value(
        (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
      ) as Record<string, unknown>;
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
        // What the Lambda runtime sets.
        AWS_REGION: REGION,
        AWS_DEFAULT_REGION: REGION,
        AWS_LAMBDA_FUNCTION_NAME: resolver.resource(logicalId).name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(props.MemorySize ?? 128),
        AWS_EXECUTION_ENV: `AWS_Lambda_${String(props.Runtime ?? 'nodejs')}`,
        TZ: ':UTC',
        // This machine runs Node 20, the functions Node 24: the SDK's notice about Node 20 is noise here.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      };
      const { sdkExternalKb, clients } = await withSdkExternal(fn.entry, scratch);
      const id = Math.random().toString(36).slice(2);
      const initScript = join(REPO_ROOT, 'bench', `.init-${name}-${id}.mjs`);
      const sdkScript = join(REPO_ROOT, 'bench', `.sdk-${name}-${id}.mjs`);
      scriptsToRemove.push(initScript, sdkScript);
      writeFileSync(initScript, importScript([asset]));
      writeFileSync(sdkScript, importScript(clients));
      const [init = { wall: Number.NaN, cpu: Number.NaN }, sdk = { wall: Number.NaN, cpu: Number.NaN }] =
        timeScripts([initScript, sdkScript], runs, env);
      const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
      figures.push({
        name,
        assetKb: kb(statSync(asset).size),
        sdkExternalKb,
        clients,
        init,
        sdk,
        ratio: { wall: ratio(init.wall, sdk.wall), cpu: ratio(init.cpu, sdk.cpu) },
      });
    }
    return figures;
  } finally {
    for (const script of scriptsToRemove) rmSync(script, { force: true });
    rmSync(scratch, { recursive: true, force: true });
    assembly.cleanup();
  }
}
