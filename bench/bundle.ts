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

/** Milliseconds to import `specifier` in a fresh node process (median of `runs`). */
function coldImportMs(specifier: string, runs: number, cwd: string): number {
  const script = join(REPO_ROOT, 'bench', `.cold-import-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    script,
    `const t0 = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t0);`,
  );
  try {
    const times: number[] = [];
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
      times.push(Number(out.trim()));
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] ?? Number.NaN;
  } finally {
    rmSync(script, { force: true });
  }
}

export interface ColdImportFigures {
  bundleMs: number;
  sdkMs: number;
  ratio: number;
}

export function measureColdImport(bundledFile: string, runs = 5): ColdImportFigures {
  const bundleMs = coldImportMs(bundledFile, runs, REPO_ROOT);
  // The bare SDK import resolves from the repository's node_modules, so the script lives there.
  const sdkMs = coldImportMs('@aws-sdk/client-dynamodb', runs, REPO_ROOT);
  return {
    bundleMs: Math.round(bundleMs),
    sdkMs: Math.round(sdkMs),
    ratio: Math.round((bundleMs / sdkMs) * 100) / 100,
  };
}
