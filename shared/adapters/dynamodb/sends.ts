import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SendLedger } from '../../ports';
import { COUNTER_RETENTION_DAYS } from './counters';

const DAY_S = 86_400;

/** The item that marks one message's Send as counted. */
export const sendKey = (messageId: string) => ({ pk: `SEND#${messageId}`, sk: 'SEND' });

/**
 * Send events counted, in the suppression table: one small item per SES message, created once
 * (conditional put), expiring with the counters it guards (a replay older than that recounts into
 * counters that are gone anyway).
 */
export class DynamoDbSendLedger implements SendLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async firstSeen(messageId: string, at: string): Promise<boolean> {
    // A claim of this call's own: when the SDK retries a put that landed but whose answer was lost,
    // the retry finds its own claim and counts as first, instead of calling the Send a duplicate.
    const claim = randomUUID();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...sendKey(messageId),
            at,
            claim,
            expiresAt: Math.floor(Date.parse(at) / 1000) + COUNTER_RETENTION_DAYS * DAY_S,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #claim = :claim',
          ExpressionAttributeNames: { '#claim': 'claim' },
          ExpressionAttributeValues: { ':claim': claim },
        }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error).name === 'ConditionalCheckFailedException'
      ) {
        return false;
      }
      throw error;
    }
  }
}
