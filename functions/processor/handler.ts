import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSHandler } from 'aws-lambda';
import { createDynamoDbConnection } from '../../shared/adapters/dynamodb/client';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import { classify } from '../../shared/core/classify';
import { parsePolicyJson } from '../../shared/core/policy-config';
import { powertoolsMetrics } from './metrics';
import { createProcessor } from './processor';

// Lambda entry: clients are built once per container, at init, and injected.
const tableName = process.env.TABLE_NAME;
if (!tableName) throw new Error('TABLE_NAME is not set: the processor needs the suppression table name');

// The operator's policy (cdk.json `policy`), validated at synth and again here: a bad one fails init loudly.
const policy = parsePolicyJson(process.env.BOUNCE_POLICY, 'BOUNCE_POLICY');

const logger = new Logger({ serviceName: 'ses-bounce-handler' });
const { documentClient } = createDynamoDbConnection();
const processor = createProcessor({
  store: new DynamoDbSuppressionStore(documentClient, tableName, policy.state),
  classify: (input) => classify(input, policy.decisions),
  logger,
  metrics: powertoolsMetrics(
    new Metrics({ namespace: 'SesBounceHandler', serviceName: 'ses-bounce-handler' }),
  ),
});

export const handler: SQSHandler = async (event, context) => {
  logger.addContext(context);
  return processor.handler(event, context);
};
