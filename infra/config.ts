import { z } from 'zod';

/**
 * Deployment settings for the CDK app, read once in `infra/app.ts` from the CDK context
 * (`cdk.json` → `context`, or `npx cdk synth -c key=value`).
 *
 * Values passed with `-c` arrive as strings, so integer settings also accept an integer string.
 */
export interface AppConfig {
  /**
   * CloudFormation stack name (also the CDK stack id, so `cdk.out/<stackName>.template.json`).
   * @default 'SesBounceHandler'
   */
  readonly stackName: string;
  /**
   * Messages per processor invocation (SQS event source `batchSize`).
   * Values above 10 are allowed because the event source always sets a batching window.
   * @default 10
   */
  readonly processorBatchSize: number;
  /**
   * Upper bound on concurrent processor invocations driven by the queue
   * (SQS event source `maximumConcurrency`, 2..1000).
   * @default 5
   */
  readonly processorMaxConcurrency: number;
  /**
   * Receives before a message is moved to the dead-letter queue (queue redrive `maxReceiveCount`).
   * @default 5
   */
  readonly dlqMaxReceiveCount: number;
  /**
   * Retention of the processor's CloudWatch log group, in days; one of {@link LOG_RETENTION_DAYS}.
   * @default 30
   */
  readonly logRetentionDays: number;
}

/** Retention periods (days) that CloudWatch Logs accepts, excluding "never expire". */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The values used for settings absent from the context. */
export const DEFAULT_CONFIG: AppConfig = {
  stackName: 'SesBounceHandler',
  processorBatchSize: 10,
  processorMaxConcurrency: 5,
  dlqMaxReceiveCount: 5,
  logRetentionDays: 30,
};

/** The context keys this app reads; anything else in the context is ignored. */
export const CONFIG_KEYS = Object.keys(DEFAULT_CONFIG) as readonly (keyof AppConfig)[];

/** Thrown by {@link loadConfig}; the message names every bad key and value, one per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** `-c key=42` gives the string "42": accept integer strings, leave everything else for the schema to judge. */
const integerString = (value: unknown): unknown =>
  typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;

const integer = (min: number, max: number) => {
  const error = `expected an integer ${min}..${max}`;
  return z.preprocess(
    integerString,
    z.number({ error }).int({ error }).min(min, { error }).max(max, { error }),
  );
};

const retentionError = `expected one of ${LOG_RETENTION_DAYS.join(', ')} (days)`;

const schema = z.object({
  stackName: z
    .string({ error: 'expected a string' })
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, {
      error: 'expected a CloudFormation stack name (a letter, then letters, digits or hyphens; at most 128)',
    })
    .default(DEFAULT_CONFIG.stackName),
  processorBatchSize: integer(1, 10_000).default(DEFAULT_CONFIG.processorBatchSize),
  processorMaxConcurrency: integer(2, 1000).default(DEFAULT_CONFIG.processorMaxConcurrency),
  dlqMaxReceiveCount: integer(1, 1000).default(DEFAULT_CONFIG.dlqMaxReceiveCount),
  logRetentionDays: z
    .preprocess(
      integerString,
      z
        .number({ error: retentionError })
        .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
          error: retentionError,
        }),
    )
    .default(DEFAULT_CONFIG.logRetentionDays),
});

/**
 * Validates the app's settings and fills in defaults. Pure: pass it the CDK context (or any record);
 * keys it does not know are ignored, `undefined` means "use the default".
 *
 * @throws ConfigError e.g. `config "processorBatchSize": expected an integer 1..10000, got "abc"`
 */
export function loadConfig(context: Record<string, unknown>): AppConfig {
  const result = schema.safeParse(context);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '(root)');
      return `config "${key}": ${issue.message}, got ${describe(context[key])}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const config: AppConfig = result.data;
  return config;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
