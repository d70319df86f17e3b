import type { Context, ScheduledEvent } from 'aws-lambda';
import { vi } from 'vitest';
import type { TestEngine } from './engine';

/** What a handler needs to build its clients against the test engine, as it would in Lambda. */
export const localLambdaEnv = (engine: TestEngine, tableName: string): Record<string, string> => ({
  TABLE_NAME: tableName,
  AWS_ENDPOINT_URL_DYNAMODB: engine.endpoint,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
});

/**
 * Imports a handler module afresh under `env` (handlers read their environment once, at import,
 * as in a new Lambda container), calls it once with a scheduled event at `time`, and restores the
 * environment whatever happens.
 */
export async function invokeScheduledHandler<R>(
  load: () => Promise<{
    handler: (event: ScheduledEvent, context: Context, callback: () => void) => unknown;
  }>,
  env: Record<string, string>,
  time: string,
): Promise<R> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  vi.resetModules();
  try {
    const { handler } = await load();
    return (await handler(
      { time } as ScheduledEvent,
      { functionName: 'test', awsRequestId: 'r1' } as Context,
      () => undefined,
    )) as R;
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
