import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbSendLedger } from '../shared/adapters/dynamodb/sends';
import { startTestEngine, type TestEngine } from './support/engine';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine.close();
});

const AT = '2026-05-01T00:00:00.000Z';

describe('DynamoDbSendLedger', () => {
  it('says first once per message, whatever path or redelivery brings it again', async () => {
    const ledger = new DynamoDbSendLedger(engine.connection.documentClient, await engine.newTable());
    expect(await ledger.firstSeen('m-1', AT)).toBe(true);
    expect(await ledger.firstSeen('m-1', AT)).toBe(false);
    expect(await ledger.firstSeen('m-2', AT)).toBe(true);
  });

  it('counts a Send as first when its put landed but the answer was lost and the SDK retried it', async () => {
    const { documentClient } = engine.connection;
    const ledger = new DynamoDbSendLedger(documentClient, await engine.newTable());
    // The first PutItem reaches the table, then its answer is lost (a reset connection): the SDK's
    // retry sends the same request again.
    let lost = 0;
    const loseFirstAnswer = 'lose-first-put-answer';
    documentClient.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'PutItemCommand' && lost === 0) {
          lost++;
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: {} });
        }
        return result;
      },
      { step: 'deserialize', name: loseFirstAnswer },
    );
    try {
      expect(await ledger.firstSeen('m-lost', AT)).toBe(true);
      expect(lost).toBe(1);
      expect(await ledger.firstSeen('m-lost', AT)).toBe(false);
    } finally {
      documentClient.middlewareStack.remove(loseFirstAnswer);
    }
  });
});
