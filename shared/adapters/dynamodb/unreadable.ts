import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { UnreadableRecipient } from '../../core/events';
import type { UnreadableRecipientStore } from '../../ports';

const DAY_S = 86_400;

/** The partition of the entries kept for one raw value (by its hash: the value itself is never stored). */
export const unreadablePk = (hash: string) => `UNREADABLE#${hash}`;

interface UnreadableItem extends UnreadableRecipient {
  pk: string;
  sk: string;
  expiresAt: number;
}

/**
 * Unreadable recipients in the suppression table: one item per (raw value, message), keyed
 * `UNREADABLE#<hash>` / `<at>#<id>`, kept as long as audit items. Every field is bounded (the
 * problem text names the value by hash and length), so an item stays small.
 */
export class DynamoDbUnreadableRecipients implements UnreadableRecipientStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays = 400,
  ) {}

  async record(entry: UnreadableRecipient): Promise<{ added: boolean }> {
    const item: UnreadableItem = {
      ...entry,
      pk: unreadablePk(entry.hash),
      sk: `${entry.at}#${entry.id}`,
      expiresAt: Math.floor(Date.parse(entry.at) / 1000) + this.retentionDays * DAY_S,
    };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { added: true };
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error).name === 'ConditionalCheckFailedException'
      ) {
        return { added: false };
      }
      throw error;
    }
  }

  async find(hash: string): Promise<UnreadableRecipient[]> {
    const found: UnreadableRecipient[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': unreadablePk(hash) },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of (page.Items ?? []) as UnreadableItem[]) {
        const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...entry } = item;
        found.push(entry);
      }
    }
    return found;
  }
}
