import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Handler, ScheduledEvent } from 'aws-lambda';
import { createDynamoDbConnection } from '../../shared/adapters/dynamodb/client';
import { DynamoDbRateCounters } from '../../shared/adapters/dynamodb/counters';
import { resolveThresholds } from '../../shared/core/rates';
import { type HygieneReport, runHygiene } from './hygiene';
import { powertoolsHygieneMetrics } from './metrics';

// Lambda entry (EventBridge schedule): clients built once per container, at init.
const tableName = process.env.TABLE_NAME;
if (!tableName) throw new Error('TABLE_NAME is not set: the hygiene job needs the suppression table name');
const thresholds = resolveThresholds(parseJsonEnv('HYGIENE_THRESHOLDS'), 'HYGIENE_THRESHOLDS');

const logger = new Logger({ serviceName: 'ses-bounce-handler' });
const { documentClient } = createDynamoDbConnection();
const counters = new DynamoDbRateCounters(documentClient, tableName);
const metrics = powertoolsHygieneMetrics(
  new Metrics({ namespace: 'SesBounceHandler', serviceName: 'ses-bounce-handler' }),
);

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
  const report = await runHygiene(new Date(event.time ?? Date.now()), { counters, thresholds, metrics });
  logger.info('hygiene run', {
    window: report.window,
    account: report.account,
    levels: report.identities.map((row) => ({ identity: row.identity, level: row.level })),
  });
  return report;
};
