import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Handler, ScheduledEvent } from 'aws-lambda';
import { createDynamoDbConnection } from '../../shared/adapters/dynamodb/client';
import { DynamoDbRateCounters } from '../../shared/adapters/dynamodb/counters';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import { SesSendingControl } from '../../shared/adapters/ses/sending-control';
import { SnsOnCallNotifier } from '../../shared/adapters/sns/on-call';
import { resolveBrakeConfig } from '../../shared/core/brake';
import { parsePolicyJson } from '../../shared/core/policy-config';
import { resolveThresholds } from '../../shared/core/rates';
import { applyBrake } from './brake';
import { type HygieneDependencies, type HygieneReport, runHygiene } from './hygiene';
import { powertoolsHygieneMetrics } from './metrics';

// Lambda entry (EventBridge schedule): clients built once per container, at init.
const tableName = process.env.TABLE_NAME;
if (!tableName) throw new Error('TABLE_NAME is not set: the hygiene job needs the suppression table name');
const thresholds = resolveThresholds(parseJsonEnv('HYGIENE_THRESHOLDS'), 'HYGIENE_THRESHOLDS');
// The same policy the processor runs with (cdk.json `policy`): its escalation rules decide when a watcher is due.
const policy = parsePolicyJson(process.env.BOUNCE_POLICY, 'BOUNCE_POLICY');

const logger = new Logger({ serviceName: 'ses-bounce-handler' });
const { documentClient } = createDynamoDbConnection();
const counters = new DynamoDbRateCounters(documentClient, tableName);
const store = new DynamoDbSuppressionStore(documentClient, tableName, policy.state);
const brakeConfig = resolveBrakeConfig(process.env.EMERGENCY_BRAKE, 'EMERGENCY_BRAKE');
const brake = brakeConfig.enabled ? createBrake() : undefined;
const metrics = powertoolsHygieneMetrics(
  new Metrics({ namespace: 'SesBounceHandler', serviceName: 'ses-bounce-handler' }),
);

function createBrake(): HygieneDependencies['brake'] {
  const topicArn = process.env.ON_CALL_TOPIC_ARN;
  if (!topicArn)
    throw new Error('ON_CALL_TOPIC_ARN is not set: the emergency brake reports to the on-call topic');
  const control = new SesSendingControl(new SESv2Client({}));
  const notifier = new SnsOnCallNotifier(new SNSClient({}), topicArn);
  return (headline) => applyBrake(headline, brakeConfig, { control, notifier, logger });
}

function parseJsonEnv(name: string): unknown {
  const text = process.env[name];
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${name} is not JSON (${(error as Error).message}): ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
}

export const handler: Handler<ScheduledEvent, HygieneReport> = async (event, context) => {
  logger.addContext(context);
  const report = await runHygiene(new Date(event.time ?? Date.now()), {
    counters,
    thresholds,
    metrics,
    list: { store, counters },
    ...(brake ? { brake } : {}),
  });
  logger.info('hygiene run', {
    window: report.window,
    account: report.account,
    levels: report.identities.map((row) => ({ identity: row.identity, level: row.level })),
    actions: report.actions,
    listHygiene: report.listHygiene,
  });
  return report;
};
