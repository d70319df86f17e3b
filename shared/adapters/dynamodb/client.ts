import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoDbConnection {
  client: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
}

/** One client pair per process; `removeUndefinedValues` because optional fields are simply absent. */
export function createDynamoDbConnection(config: DynamoDBClientConfig = {}): DynamoDbConnection {
  const client = new DynamoDBClient(config);
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { client, documentClient };
}

/** A connection to a local engine (dynalite, DynamoDB Local): fixed dummy credentials, no AWS profile lookup. */
export function createLocalDynamoDbConnection(endpoint: string, region = 'local'): DynamoDbConnection {
  return createDynamoDbConnection({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 5,
  });
}
