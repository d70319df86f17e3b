import type { Logger } from '@aws-lambda-powertools/logger';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, ScheduledEvent } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import { SesSuppressionList } from '../../shared/adapters/ses/suppression-list';
import { type Policy, parsePolicyJson } from '../../shared/core/policy-config';
import { DynamoDbSyncStateStore } from './dynamodb';
import { SYNC_MODES, type SyncMode } from './plan';
import { runSync, type SyncReport } from './sync';

export interface SyncSettings {
  tableName: string;
  mode: SyncMode;
  /** SES calls per second, retries included. */
  ratePerSecond: number;
  policy: Policy;
}

const envSchema = z.object({
  TABLE_NAME: z.string({ error: 'TABLE_NAME is not set: the sync needs the suppression table name' }).min(1),
  SES_SYNC_MODE: z.enum(SYNC_MODES, { error: `SES_SYNC_MODE: expected one of ${SYNC_MODES.join(', ')}` }),
  SES_SYNC_RATE: z.coerce
    .number({ error: 'SES_SYNC_RATE: expected calls per second' })
    .positive({ error: 'SES_SYNC_RATE: expected calls per second > 0' })
    .default(1),
});

/** The sync's settings from a Lambda environment, validated (a bad value fails init, named). */
export function syncSettingsFromEnv(env: Record<string, string | undefined>): SyncSettings {
  const parsed = envSchema.parse(env);
  return {
    tableName: parsed.TABLE_NAME,
    mode: parsed.SES_SYNC_MODE,
    ratePerSecond: parsed.SES_SYNC_RATE,
    policy: parsePolicyJson(env.BOUNCE_POLICY, 'BOUNCE_POLICY'),
  };
}

export interface SyncClients {
  documentClient: DynamoDBDocumentClient;
  /** Built with `maxAttempts: 1`: throttling is retried by the adapter, on its pacer. */
  sesv2: SESv2Client;
  logger: Logger;
}

/** The one composition root of the SES suppression list sync. */
export function composeSync(settings: SyncSettings, clients: SyncClients) {
  const { documentClient, logger } = clients;
  const deps = {
    store: new DynamoDbSuppressionStore(documentClient, settings.tableName, settings.policy.state),
    syncState: new DynamoDbSyncStateStore(documentClient, settings.tableName),
    ses: new SesSuppressionList(clients.sesv2, { ratePerSecond: settings.ratePerSecond }),
    logger: {
      info: (message: string, data?: Record<string, unknown>) => logger.info(message, data ?? {}),
      warn: (message: string, data?: Record<string, unknown>) => logger.warn(message, data ?? {}),
    },
  };
  const handler = async (event: ScheduledEvent, context?: Context): Promise<SyncReport> => {
    if (context) logger.addContext(context);
    return runSync(deps, {
      mode: settings.mode,
      now: new Date(event.time ?? Date.now()),
      timeLeft: () => context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY,
    });
  };
  return { handler };
}
