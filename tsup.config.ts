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
 * - dist/cli/: the `bounce` CLI, ESM with code splitting so every command is a chunk loaded on use;
 *   its libraries (commander, zod, Powertools) bundled, the SDK and dynalite (optional peer: the
 *   embedded store) resolved at run time.
 */
import { defineConfig, type Options } from 'tsup';

const EXTERNAL = [/^@aws-sdk\//, /^@smithy\//, 'dynalite'];

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
  banner: {
    js: "import { createRequire as __bounceRequire } from 'node:module'; const require = __bounceRequire(import.meta.url);",
  },
  // Chunk names carry content hashes: clear old ones so dist/cli holds one build.
  clean: true,
} satisfies Options;

// `BUILD_ONLY=cli` (the tests' global setup, `npm start`) skips the library and its slow .d.ts pass.
export default defineConfig(process.env.BUILD_ONLY === 'cli' ? [cli] : [library, cli]);
