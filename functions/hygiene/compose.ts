import type { Logger } from '@aws-lambda-powertools/logger';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { DynamoDbRateCounters } from '../../shared/adapters/dynamodb/counters';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import { type BrakeConfig, DEFAULT_BRAKE_CONFIG, resolveBrakeConfig } from '../../shared/core/brake';
import { type Policy, parsePolicyJson } from '../../shared/core/policy-config';
import { DEFAULT_THRESHOLDS, resolveThresholds, type Thresholds } from '../../shared/core/rates';
import { isTenantName } from '../../shared/core/tenant-name';
import { applyBrake } from './brake';
import { type HygieneDependencies, type HygieneMetrics, type HygieneReport, runHygiene } from './hygiene';

/** What the hygiene job is configured with. */
export interface HygieneSettings {
  tableName: string;
  thresholds: Thresholds;
  /** The processor's policy: its escalation rules decide when a watcher is due. */
  policy: Policy;
  brake: BrakeConfig;
  /** Where the brake reports; required when the brake is enabled. */
  onCallTopicArn?: string | undefined;
  /** SES tenants with their own metrics and alarms (`TENANTS`); the others only in the report and the maxima. */
  tenants?: string[];
}

/** `TENANTS`: a JSON array of SES tenant names (the `tenants` setting), validated like the setting. */
export function tenantsFromEnv(text: string | undefined): string[] {
  if (!text) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `TENANTS is not JSON (${(error as Error).message}): ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
  const bad = Array.isArray(value)
    ? value.filter((name) => typeof name !== 'string' || !isTenantName(name))
    : [value];
  if (bad.length > 0)
    throw new Error(
      `TENANTS: expected a JSON array of SES tenant names (letters, digits, _ or -; at most 64), got ${JSON.stringify(bad[0])?.slice(0, 200)}`,
    );
  return value as string[];
}

function parseJsonEnv(env: Record<string, string | undefined>, name: string): unknown {
  const text = env[name];
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${name} is not JSON (${(error as Error).message}): ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
}

/**
 * The job's settings from a Lambda environment (`TABLE_NAME`, `HYGIENE_THRESHOLDS`, `BOUNCE_POLICY`,
 * `EMERGENCY_BRAKE`, `ON_CALL_TOPIC_ARN`, `TENANTS`); anything missing or malformed fails init, naming the variable.
 */
export function hygieneSettingsFromEnv(env: Record<string, string | undefined>): HygieneSettings {
  const tableName = env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set: the hygiene job needs the suppression table name');
  const brake = resolveBrakeConfig(env.EMERGENCY_BRAKE, 'EMERGENCY_BRAKE');
  if (brake.enabled && !env.ON_CALL_TOPIC_ARN)
    throw new Error('ON_CALL_TOPIC_ARN is not set: the emergency brake reports to the on-call topic');
  return {
    tableName,
    thresholds: resolveThresholds(parseJsonEnv(env, 'HYGIENE_THRESHOLDS'), 'HYGIENE_THRESHOLDS'),
    policy: parsePolicyJson(env.BOUNCE_POLICY, 'BOUNCE_POLICY'),
    brake,
    onCallTopicArn: env.ON_CALL_TOPIC_ARN,
    tenants: tenantsFromEnv(env.TENANTS),
  };
}

/** The CLI's settings: the default thresholds and no brake (an operator's terminal never pauses SES). */
export const cliHygieneSettings = (tableName: string, policy: Policy): HygieneSettings => ({
  tableName,
  thresholds: DEFAULT_THRESHOLDS,
  policy,
  brake: DEFAULT_BRAKE_CONFIG,
});

export interface HygieneClients {
  documentClient: DynamoDBDocumentClient;
  logger: Logger;
  /** Powertools EMF in Lambda; the CLI passes none (its stdout is the report). */
  metrics?: HygieneMetrics | undefined;
  /** Needed only when the brake is enabled. */
  sesv2?: SESv2Client | undefined;
  sns?: SNSClient | undefined;
}

/**
 * The one composition root of the hygiene job, used by the Lambda entry and the CLI: rate counters,
 * list hygiene on the store, thresholds, metrics and (when enabled) the emergency brake.
 */
export function composeHygiene(settings: HygieneSettings, clients: HygieneClients) {
  const { documentClient, logger } = clients;
  const counters = new DynamoDbRateCounters(documentClient, settings.tableName);
  const store = new DynamoDbSuppressionStore(documentClient, settings.tableName, settings.policy.state);
  const brake = settings.brake.enabled ? createBrake(settings, clients) : undefined;
  const deps: HygieneDependencies = {
    counters,
    thresholds: settings.thresholds,
    list: { store, counters },
    ...(clients.metrics ? { metrics: clients.metrics } : {}),
    ...(brake ? { brake } : {}),
  };
  const run = (now: Date): Promise<HygieneReport> => runHygiene(now, deps);
  const handler = async (event: ScheduledEvent, context?: Context): Promise<HygieneReport> => {
    if (context) logger.addContext(context);
    const report = await run(new Date(event.time ?? Date.now()));
    logger.info('hygiene run', {
      window: report.window,
      account: report.account,
      levels: report.identities.map((row) => ({ identity: row.identity, level: row.level })),
      actions: report.actions,
      listHygiene: report.listHygiene,
    });
    return report;
  };
  return { run, handler };
}

function createBrake(settings: HygieneSettings, clients: HygieneClients): HygieneDependencies['brake'] {
  const { sesv2, sns } = clients;
  if (!settings.onCallTopicArn)
    throw new Error('ON_CALL_TOPIC_ARN is not set: the emergency brake reports to the on-call topic');
  if (!sesv2 || !sns) throw new Error('the emergency brake is enabled but no SESv2/SNS client was given');
  const topicArn = settings.onCallTopicArn;
  // Loaded on the brake's first use: their SDK clients (SESv2, SNS) are not the CLI's dependencies,
  // and `bounce hygiene` (no brake) runs from the installed package without them.
  const adapters = async () => {
    const [{ SesSendingControl }, { SnsOnCallNotifier }] = await Promise.all([
      import('../../shared/adapters/ses/sending-control'),
      import('../../shared/adapters/sns/on-call'),
    ]);
    return { control: new SesSendingControl(sesv2), notifier: new SnsOnCallNotifier(sns, topicArn) };
  };
  let loaded: ReturnType<typeof adapters> | undefined;
  return async (headline) => {
    loaded ??= adapters();
    return applyBrake(headline, settings.brake, { ...(await loaded), logger: clients.logger });
  };
}
