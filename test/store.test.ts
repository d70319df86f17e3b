import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbSuppressionStore } from '../shared/adapters/dynamodb/store';
import { startTestEngine, type TestEngine } from './support/engine';
import { bounceEvent, deliveryEvent } from './support/events';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
  console.log(`store tests run on ${engine.name} at ${engine.endpoint}`);
});
afterAll(async () => {
  await engine.close();
});

const newStore = async () =>
  new DynamoDbSuppressionStore(engine.connection.documentClient, await engine.newTable());

describe(`DynamoDbSuppressionStore`, () => {
  it('creates the record on the first event and reports before/after', async () => {
    const store = await newStore();
    const result = await store.applyEvents('a@example.com', [
      bounceEvent('b1', '2026-01-01T00:00:00.000Z', 'userunknown'),
    ]);
    expect(result).toMatchObject({ before: { status: 'clear' }, after: { status: 'suppressed' }, added: 1 });
    expect((await store.get('a@example.com'))?.events).toHaveLength(1);
  });

  it('writes nothing for a duplicate event', async () => {
    const store = await newStore();
    const event = bounceEvent('b1', '2026-01-01T00:00:00.000Z', 'mailboxfull');
    await store.applyEvents('a@example.com', [event]);
    const again = await store.applyEvents('a@example.com', [event]);
    expect(again.added).toBe(0);
    expect((await store.get('a@example.com'))?.state.softBounces).toBe(1);
  });

  it('loses no event when many writers update one address at once (optimistic version check)', async () => {
    const store = await newStore();
    const events = Array.from({ length: 6 }, (_, i) =>
      bounceEvent(`s${i}`, `2026-01-0${i + 1}T00:00:00.000Z`, 'systemerror'),
    );
    await Promise.all(events.map((event) => store.applyEvents('busy@example.com', [event])));
    const record = await store.get('busy@example.com');
    expect(record?.events.map((e) => e.id).sort()).toEqual(events.map((e) => e.id));
    expect(record?.state.softBounces).toBe(6);
  });

  it('scans every address record', async () => {
    const store = await newStore();
    await store.applyEvents('a@example.com', [deliveryEvent('d1', '2026-01-01T00:00:00.000Z')]);
    await store.applyEvents('b@example.com', [deliveryEvent('d2', '2026-01-01T00:00:00.000Z')]);
    const addresses = [];
    for await (const record of store.scan()) addresses.push(record.address);
    expect(addresses.sort()).toEqual(['a@example.com', 'b@example.com']);
  });

  it('returns undefined for an unknown address', async () => {
    const store = await newStore();
    expect(await store.get('nobody@example.com')).toBeUndefined();
  });
});
