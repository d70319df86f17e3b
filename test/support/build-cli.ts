/**
 * Vitest global setup: compiles the CLI and the Lambda functions (tsup, `BUILD_ONLY=cli,functions`, a
 * few seconds) before any test runs, so the tests that spawn `bounce` run the JavaScript the package
 * ships (dist/cli/bounce.js), and every synthesized template (test/infra, the twin) deploys the
 * prebuilt functions the package ships (dist/functions), built from the sources under test — never a
 * stale build, never a TypeScript loader.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function buildCli(): void {
  const root = join(import.meta.dirname, '..', '..');
  execFileSync(process.execPath, [join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js'), '--silent'], {
    cwd: root,
    env: { ...process.env, BUILD_ONLY: 'cli,functions' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
