import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Handler, ScheduledEvent } from 'aws-lambda';
import { createDynamoDbConnection } from '../../shared/adapters/dynamodb/client';
import { composeHygiene, hygieneSettingsFromEnv } from './compose';
import type { HygieneReport } from './hygiene';
import { powertoolsHygieneMetrics } from './metrics';

// Lambda entry (EventBridge schedule): read the environment, build the clients once, call the root.
const settings = hygieneSettingsFromEnv(process.env);
const hygiene = composeHygiene(settings, {
  documentClient: createDynamoDbConnection().documentClient,
  logger: new Logger({ serviceName: 'ses-bounce-handler' }),
  metrics: powertoolsHygieneMetrics(
    new Metrics({ namespace: 'SesBounceHandler', serviceName: 'ses-bounce-handler' }),
    { tenants: settings.tenants ?? [] },
  ),
  ...(settings.brake.enabled ? { sesv2: new SESv2Client({}), sns: new SNSClient({}) } : {}),
});

export const handler: Handler<ScheduledEvent, HygieneReport> = (event, context) =>
  hygiene.handler(event, context);
