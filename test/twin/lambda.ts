import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';

export interface InvocationResult {
  result?: unknown;
  error?: { name: string; message: string; stack?: string };
  /** What the function printed on stdout during the invocation (Powertools logs and EMF). */
  lines: string[];
}

/**
 * A Lambda execution environment: a child process that imported the deployed asset under exactly
 * the environment given (module-level state and `process.env` reads stay isolated per function).
 */
export class LambdaContainer {
  private constructor(
    private readonly child: ChildProcess,
    readonly initLines: string[],
    readonly initError: InvocationResult['error'] | undefined,
    private readonly stderr: string[],
  ) {}

  static async start(options: {
    assetDir: string;
    handler: string;
    timeoutSeconds: number;
    env: Record<string, string>;
  }): Promise<LambdaContainer> {
    const stderr: string[] = [];
    const child = fork(
      path.join(import.meta.dirname, 'runner.mjs'),
      [options.assetDir, options.handler, String(options.timeoutSeconds)],
      {
        cwd: options.assetDir,
        env: { PATH: process.env.PATH ?? '', ...options.env },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        execArgv: [],
      },
    );
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    const ready = await new Promise<{ lines: string[]; error?: InvocationResult['error'] }>(
      (resolve, reject) => {
        child.once('message', (message) => resolve(message as { lines: string[] }));
        child.once('exit', (code) =>
          reject(new Error(`function exited during init (${code}): ${stderr.join('')}`)),
        );
      },
    );
    return new LambdaContainer(child, ready.lines, ready.error, stderr);
  }

  private next = 0;

  invoke(event: unknown): Promise<InvocationResult> {
    const id = `inv-${++this.next}`;
    return new Promise((resolve, reject) => {
      const onMessage = (message: InvocationResult & { id?: string }) => {
        if (message.id !== id) return;
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        resolve(message);
      };
      const onExit = (code: number | null) =>
        reject(new Error(`function exited during an invocation (${code}): ${this.stderr.join('')}`));
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send({ id, event });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill();
    });
  }
}
