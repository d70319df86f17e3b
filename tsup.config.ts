/**
 * The build (`npm run build`, also run by `prepack` before every `npm pack`/`npm publish`).
 * tsup because esbuild is already this project's bundler (CDK's NodejsFunction and bench/bundle.ts use
 * it, so the package and the Lambdas go through the same transform), and one config gives ESM, CJS and
 * bundled `.d.ts`/`.d.cts`. Plain `tsc` cannot: the sources use extensionless relative imports
 * (`moduleResolution: Bundler`), which Node's ESM loader refuses; current tsdown releases need Node 22.
 *
 * What lands in dist/ is what the package ships (package.json `files`):
 * - dist/index.{js,cjs,d.ts,d.cts}: the pipelines' library, zod bundled, the AWS SDK left to the
 *   consumer (peer dependencies), so installing it adds one package.
 * - dist/functions/<name>/index.mjs: the Lambda functions, built here once with the options CDK's
 *   NodejsFunction used (ESM, minified, source maps without sources, the SDK bundled in); the construct
 *   deploys these files with `Code.fromAsset`, so the repository's app, the twin and a consumer's
 *   synth all deploy the same bytes, and a consumer needs neither esbuild nor the sources.
 * - dist/cdk/index.{js,cjs,d.ts,d.cts}: `ses-bounce-handler/cdk`, the construct; aws-cdk-lib and
 *   constructs are the consumer's (optional peers), cdk-nag and zod are bundled (a pipeline that
 *   only uses the client must not get aws-cdk-lib through cdk-nag's peer dependencies).
 * - dist/cli/: the `bounce` CLI, ESM with code splitting so every command is a chunk loaded on use;
 *   its libraries (commander, zod, Powertools) bundled, the SDK and dynalite (optional peer: the
 *   embedded store) resolved at run time.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig, type Options } from 'tsup';

const EXTERNAL = [/^@aws-sdk\//, /^@smithy\//, 'dynalite'];

/** CommonJS bundled into ESM still calls require() (Node built-ins, external CommonJS): give it one. */
const ESM_REQUIRE =
  "import { createRequire as __bounceRequire } from 'node:module'; const require = __bounceRequire(import.meta.url);";

const library = {
  entry: { index: 'shared/client/index.ts' },
  outDir: 'dist',
  format: ['esm', 'cjs'],
  platform: 'node',
  target: 'node20',
  dts: true,
  external: EXTERNAL,
  noExternal: ['zod'],
  treeshake: true,
  clean: false,
} satisfies Options;

const cli = {
  entry: { bounce: 'cli/bin.ts' },
  outDir: 'dist/cli',
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  splitting: true,
  external: EXTERNAL,
  noExternal: [/^(?!@aws-sdk\/|@smithy\/|dynalite$)/],
  // Bundled CommonJS libraries (commander, Powertools) call require(); give ESM one.
  banner: { js: ESM_REQUIRE },
  // Chunk names carry content hashes: clear old ones so dist/cli holds one build.
  clean: true,
} satisfies Options;

const functions = {
  entry: {
    'processor/index': 'functions/processor/handler.ts',
    'hygiene/index': 'functions/hygiene/handler.ts',
    'sync/index': 'functions/sync/handler.ts',
  },
  outDir: 'dist/functions',
  format: ['esm'],
  outExtension: () => ({ js: '.mjs' }),
  platform: 'node',
  // The Lambda runtime (infra/constructs/function-defaults.ts FUNCTION_RUNTIME).
  target: 'node24',
  // Everything bundled, the AWS SDK included: ship the SDK version the code was tested with.
  noExternal: [/.*/],
  splitting: false,
  minify: true,
  sourcemap: true,
  banner: { js: ESM_REQUIRE },
  esbuildOptions(options) {
    options.mainFields = ['module', 'main'];
    // Stack traces only need line mappings; leaving sources out keeps the asset small.
    options.sourcesContent = false;
  },
  clean: true,
} satisfies Options;

/**
 * cdk-nag names each rule after its file (`parse(__filename).name`); bundled, every file would be
 * "index". Each rule file gets its own name written in instead.
 */
const cdkNagRuleNames: Plugin = {
  name: 'cdk-nag-rule-names',
  setup(build) {
    build.onLoad({ filter: /[\\/]cdk-nag[\\/]lib[\\/]rules[\\/].*\.js$/ }, async ({ path }) => ({
      contents: (await readFile(path, 'utf8')).replaceAll('__filename', JSON.stringify(basename(path))),
      loader: 'js',
    }));
  },
};

const cdk = {
  entry: { index: 'infra/index.ts' },
  outDir: 'dist/cdk',
  format: ['esm', 'cjs'],
  platform: 'node',
  target: 'node20',
  dts: true,
  external: [/^aws-cdk-lib(\/|$)/, /^constructs$/],
  noExternal: ['zod', 'cdk-nag'],
  esbuildPlugins: [cdkNagRuleNames],
  // import.meta.url in the CommonJS build (infra/paths.ts finds the prebuilt functions from it).
  shims: true,
  define: { __PREBUILT_FUNCTIONS__: JSON.stringify('../functions') },
  banner: ({ format }) => (format === 'esm' ? { js: ESM_REQUIRE } : {}),
  clean: false,
} satisfies Options;

/**
 * `BUILD_ONLY=cli,functions` (the tests' global setup), `BUILD_ONLY=cli` (`npm start`),
 * `BUILD_ONLY=functions` (`cdk synth`) build only those and skip the slow .d.ts passes.
 */
const only = process.env.BUILD_ONLY?.split(',');
const builds = { library, cdk, functions, cli } as const;
export default defineConfig(
  Object.entries(builds)
    .filter(([name]) => only === undefined || only.includes(name))
    .map(([, options]) => options),
);
