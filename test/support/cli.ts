import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execute = promisify(execFile);
/** The compiled CLI, rebuilt by the global setup (test/support/build-cli.ts) before the tests run. */
export const BOUNCE_BIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'bounce.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Written to the command's stdin, then closed. */
  input?: string;
  /** The command's environment (CI=true is added). @default process.env */
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs the real, compiled `bounce` CLI (`dist/cli/bounce.js`, the package's `bin`) in a child process, as a user would (CI=true: no
 * progress output). Resolves with the exit code and output; never throws on a non-zero exit.
 */
export async function runBounce(
  args: readonly string[],
  { cwd, input, env = process.env }: CliOptions = {},
): Promise<CliResult> {
  const child = execute(process.execPath, [BOUNCE_BIN, ...args], {
    ...(cwd !== undefined ? { cwd } : {}),
    env: { ...env, CI: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (input !== undefined) child.child.stdin?.end(input);
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** {@link runBounce} for commands that must succeed: a non-zero exit throws with its stderr. */
export async function runBounceOk(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const result = await runBounce(args, options);
  if (result.code !== 0) {
    throw new Error(`bounce ${args.join(' ')} exited ${result.code}: ${result.stderr.slice(-2000)}`);
  }
  return result;
}
