import { Logger } from '@aws-lambda-powertools/logger';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Handler, ScheduledEvent } from 'aws-lambda';
import * as z from 'zod';
import { createDynamoDbConnection } from '../../shared/adapters/dynamodb/client';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import { SesSuppressionList } from '../../shared/adapters/ses/suppression-list';
import { parsePolicyJson } from '../../shared/core/policy-config';
import { DynamoDbSyncStateStore } from './dynamodb';
import { SYNC_MODES } from './plan';
import { runSync, type SyncReport } from './sync';

// Lambda entry (EventBridge schedule): settings validated and clients built once per container.
const env = z
  .object({
    TABLE_NAME: z
      .string({ error: 'TABLE_NAME is not set: the sync needs the suppression table name' })
      .min(1),
    SES_SYNC_MODE: z.enum(SYNC_MODES, { error: `SES_SYNC_MODE: expected one of ${SYNC_MODES.join(', ')}` }),
    SES_SYNC_RATE: z.coerce
      .number({ error: 'SES_SYNC_RATE: expected calls per second' })
      .positive({ error: 'SES_SYNC_RATE: expected calls per second > 0' })
      .default(1),
  })
  .parse(process.env);
const policy = parsePolicyJson(process.env.BOUNCE_POLICY, 'BOUNCE_POLICY');

const logger = new Logger({ serviceName: 'ses-bounce-handler' });
const { documentClient } = createDynamoDbConnection();
// maxAttempts 1: throttling is retried by the adapter, on its pacer (SES's account rate is low).
const ses = new SesSuppressionList(new SESv2Client({ maxAttempts: 1 }), { ratePerSecond: env.SES_SYNC_RATE });
const deps = {
  store: new DynamoDbSuppressionStore(documentClient, env.TABLE_NAME, policy.state),
  syncState: new DynamoDbSyncStateStore(documentClient, env.TABLE_NAME),
  ses,
  logger: {
    info: (message: string, data?: Record<string, unknown>) => logger.info(message, data ?? {}),
    warn: (message: string, data?: Record<string, unknown>) => logger.warn(message, data ?? {}),
  },
};

export const handler: Handler<ScheduledEvent, SyncReport> = async (event, context) => {
  logger.addContext(context);
  return runSync(deps, {
    mode: env.SES_SYNC_MODE,
    now: new Date(event.time ?? Date.now()),
    timeLeft: () => context.getRemainingTimeInMillis(),
  });
};
