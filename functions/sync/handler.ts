import { Logger } from '@aws-lambda-powertools/logger';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Handler, ScheduledEvent } from 'aws-lambda';
import { createDynamoDbConnection } from '../../shared/adapters/dynamodb/client';
import { composeSync, syncSettingsFromEnv } from './compose';
import type { SyncReport } from './sync';

// Lambda entry (EventBridge schedule): read the environment, build the clients once, call the root.
const sync = composeSync(syncSettingsFromEnv(process.env), {
  documentClient: createDynamoDbConnection().documentClient,
  // maxAttempts 1: throttling is retried by the adapter, on its pacer (SES's account rate is low).
  sesv2: new SESv2Client({ maxAttempts: 1 }),
  logger: new Logger({ serviceName: 'ses-bounce-handler' }),
});

export const handler: Handler<ScheduledEvent, SyncReport> = (event, context) => sync.handler(event, context);
