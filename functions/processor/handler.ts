// Placeholder while the walking skeleton is being built; replaced by the real processor.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

export const handler = async (_event: SQSEvent): Promise<SQSBatchResponse> => ({ batchItemFailures: [] });
