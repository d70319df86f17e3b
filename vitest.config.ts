import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Builds dist/cli first: CLI tests run the compiled `bounce`, as users do.
    globalSetup: ['test/support/build-cli.ts'],
    // dynalite and CDK synthesis are slow on a 2-core machine; speed goals live in `npm run bench`.
    testTimeout: 60_000,
    // CI also writes a JSON report, from which .ci/run prints one "N passed, N failed" line.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: process.env.VITEST_JSON ?? '.vitest/results.json' }]]
      : ['default'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    hookTimeout: 120_000,
  },
});
