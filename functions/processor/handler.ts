import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSHandler } from 'aws-lambda';
import { createDynamoDbConnection } from '../../shared/adapters/dynamodb/client';
import { composeProcessor, processorSettingsFromEnv } from './compose';
import { powertoolsMetrics } from './metrics';

// Lambda entry: read the environment, build the clients once per container, call the root.
const logger = new Logger({ serviceName: 'ses-bounce-handler' });
const processor = composeProcessor(processorSettingsFromEnv(process.env), {
  documentClient: createDynamoDbConnection().documentClient,
  logger,
  metrics: powertoolsMetrics(
    new Metrics({ namespace: 'SesBounceHandler', serviceName: 'ses-bounce-handler' }),
  ),
});

export const handler: SQSHandler = async (event, context) => {
  logger.addContext(context);
  return processor.handler(event, context);
};
