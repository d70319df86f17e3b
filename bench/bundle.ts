/**
 * The Lambda bundles, built with esbuild as infra/constructs/function-defaults.ts builds them (ESM,
 * node24, minified, bundled, AWS SDK bundled too), and the processor's cold import time in a fresh `node`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Every function of the stack, by name; the processor first (its file is the one cold-imported). */
export const FUNCTION_ENTRIES = {
  processor: join(REPO_ROOT, 'functions/processor/handler.ts'),
  hygiene: join(REPO_ROOT, 'functions/hygiene/handler.ts'),
  sync: join(REPO_ROOT, 'functions/sync/handler.ts'),
} as const;

export interface BundleFigures {
  dir: string;
  /** The processor, everything bundled (`bundleAwsSDK: true`, what is deployed). */
  bundledFile: string;
  /** Per function: everything bundled, and with `@aws-sdk/*` left to the Lambda runtime. */
  functions: { name: keyof typeof FUNCTION_ENTRIES; bundledKb: number; sdkExternalKb: number }[];
}

async function bundle(entry: string, outfile: string, external: string[]) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    external,
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  return Math.round(statSync(outfile).size / 102.4) / 10;
}

export async function measureBundle(): Promise<BundleFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'bounce-bundle-'));
  const functions: BundleFigures['functions'] = [];
  for (const [name, entry] of Object.entries(FUNCTION_ENTRIES) as [keyof typeof FUNCTION_ENTRIES, string][]) {
    const bundledKb = await bundle(entry, join(dir, `${name}.mjs`), []);
    const sdkExternalKb = await bundle(entry, join(dir, `${name}-sdk-external.mjs`), ['@aws-sdk/*']);
    functions.push({ name, bundledKb, sdkExternalKb });
  }
  return { dir, bundledFile: join(dir, 'processor.mjs'), functions };
}

/** Milliseconds to import `specifier` in a fresh node process, wall and CPU (user + system, so
 * neighbours on a shared machine count less), medians of `runs`. */
function coldImportMs(specifier: string, runs: number, cwd: string): { wall: number; cpu: number } {
  const script = join(REPO_ROOT, 'bench', `.cold-import-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    script,
    `const t0 = performance.now(); const c0 = process.cpuUsage(); await import(${JSON.stringify(specifier)}); const c = process.cpuUsage(c0); console.log(performance.now() - t0, (c.user + c.system) / 1000);`,
  );
  try {
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let i = 0; i < runs; i++) {
      const out = execFileSync(process.execPath, [script], {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          TABLE_NAME: 'bench-table',
          AWS_REGION: 'eu-west-1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          POWERTOOLS_METRICS_NAMESPACE: 'SesBounceHandler',
        },
        encoding: 'utf8',
      });
      const [wall, cpu] = out.trim().split(' ').map(Number);
      walls.push(wall ?? Number.NaN);
      cpus.push(cpu ?? Number.NaN);
    }
    const median = (values: number[]) =>
      values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
    return { wall: median(walls), cpu: median(cpus) };
  } finally {
    rmSync(script, { force: true });
  }
}

export interface ColdImportFigures {
  bundleMs: number;
  sdkMs: number;
  ratio: number;
  bundleCpuMs: number;
  sdkCpuMs: number;
  cpuRatio: number;
}

export function measureColdImport(bundledFile: string, runs = 5): ColdImportFigures {
  const bundle = coldImportMs(bundledFile, runs, REPO_ROOT);
  // The bare SDK import resolves from the repository's node_modules, so the script lives there.
  const sdk = coldImportMs('@aws-sdk/client-dynamodb', runs, REPO_ROOT);
  return {
    bundleMs: Math.round(bundle.wall),
    sdkMs: Math.round(sdk.wall),
    ratio: Math.round((bundle.wall / sdk.wall) * 100) / 100,
    bundleCpuMs: Math.round(bundle.cpu),
    sdkCpuMs: Math.round(sdk.cpu),
    cpuRatio: Math.round((bundle.cpu / sdk.cpu) * 100) / 100,
  };
}
