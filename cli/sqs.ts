import type { SQSEvent, SQSRecord } from 'aws-lambda';

const QUEUE_ARN = 'arn:aws:sqs:local:000000000000:bounce-notifications';

/** An SQS record as Lambda's event source mapping would hand it over, around a message body. */
export function toSqsRecord(body: string, messageId: string, sentAt = Date.now()): SQSRecord {
  return {
    messageId,
    receiptHandle: `local-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(sentAt),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(sentAt),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'local',
  };
}

export const toSqsEvent = (records: SQSRecord[]): SQSEvent => ({ Records: records });

/** True when a parsed JSONL line is already an SQS event (`{"Records":[...]}` with SQS records). */
export function isSqsEvent(value: unknown): value is SQSEvent {
  if (value === null || typeof value !== 'object' || !('Records' in value)) return false;
  const records = (value as { Records: unknown }).Records;
  return Array.isArray(records) && records.every((r) => r !== null && typeof r === 'object' && 'body' in r);
}
