/**
 * The processor Lambda bundle, built with esbuild as infra/constructs/processor.ts builds it (ESM,
 * node24, minified, bundled, AWS SDK bundled too), and its cold import time in a fresh `node`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(REPO_ROOT, 'functions/processor/handler.ts');

export interface BundleFigures {
  dir: string;
  /** Everything bundled (`bundleAwsSDK: true`, what is deployed). */
  bundledFile: string;
  bundledKb: number;
  /** With `@aws-sdk/*` left to the Lambda runtime. */
  sdkExternalKb: number;
}

async function bundle(outfile: string, external: string[]) {
  await build({
    entryPoints: [ENTRY],
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
  const bundledFile = join(dir, 'index.mjs');
  const bundledKb = await bundle(bundledFile, []);
  const sdkExternalKb = await bundle(join(dir, 'index-sdk-external.mjs'), ['@aws-sdk/*']);
  return { dir, bundledFile, bundledKb, sdkExternalKb };
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
