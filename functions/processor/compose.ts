import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbRateCounters } from '../../shared/adapters/dynamodb/counters';
import { DynamoDbSendLedger } from '../../shared/adapters/dynamodb/sends';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import { DynamoDbUnreadableRecipients } from '../../shared/adapters/dynamodb/unreadable';
import { classify } from '../../shared/core/classify';
import { type Policy, parsePolicyJson } from '../../shared/core/policy-config';
import { createProcessor, type ProcessorMetrics } from './processor';

/** What the processor is configured with: the table, the operator's policy, whether Sends are deduplicated. */
export interface ProcessorSettings {
  tableName: string;
  policy: Policy;
  /**
   * Record each counted Send event by SES message id (one conditional put per Send) so a Send that
   * arrives again counts once: what `ingest: both` needs, where every Send comes twice. Off, a Send
   * costs no write of its own. @default false
   */
  countSendsOnce?: boolean;
}

/**
 * The processor's settings from a Lambda environment (`TABLE_NAME`, `BOUNCE_POLICY`,
 * `COUNT_SENDS_ONCE`): a missing table, a bad policy or flag fails init loudly, naming the variable.
 */
export function processorSettingsFromEnv(env: Record<string, string | undefined>): ProcessorSettings {
  const tableName = env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set: the processor needs the suppression table name');
  const once = env.COUNT_SENDS_ONCE;
  if (once !== undefined && once !== 'true' && once !== 'false')
    throw new Error(`COUNT_SENDS_ONCE must be "true" or "false", got ${JSON.stringify(once.slice(0, 40))}`);
  return {
    tableName,
    policy: parsePolicyJson(env.BOUNCE_POLICY, 'BOUNCE_POLICY'),
    countSendsOnce: once === 'true',
  };
}

export interface ProcessorClients {
  documentClient: DynamoDBDocumentClient;
  logger: Logger;
  /** Where batch figures go: Powertools EMF in Lambda; the CLI passes NO_METRICS explicitly. */
  metrics: ProcessorMetrics;
}

/**
 * The one composition root of the processor: the Lambda entry and every CLI command build it here,
 * so the store, the hourly rate counters (the hygiene job's and the rate alarms' only input), the
 * classifier with the policy's decisions, logger and metrics cannot be wired in one place and
 * forgotten in the other.
 */
export function composeProcessor(settings: ProcessorSettings, clients: ProcessorClients) {
  const { tableName, policy } = settings;
  return createProcessor({
    store: new DynamoDbSuppressionStore(clients.documentClient, tableName, policy.state),
    counters: new DynamoDbRateCounters(clients.documentClient, tableName),
    ...(settings.countSendsOnce ? { sends: new DynamoDbSendLedger(clients.documentClient, tableName) } : {}),
    unreadable: new DynamoDbUnreadableRecipients(
      clients.documentClient,
      tableName,
      policy.state.auditRetentionDays,
    ),
    classify: (input) => classify(input, policy.decisions),
    logger: clients.logger,
    metrics: clients.metrics,
  });
}
