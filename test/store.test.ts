import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressKey, DUE_SHARDS, dueShardOf } from '../shared/adapters/dynamodb/schema';
import { DynamoDbSuppressionStore } from '../shared/adapters/dynamodb/store';
import { DEFAULT_STATE_POLICY } from '../shared/core/state';
import { startTestEngine, type TestEngine } from './support/engine';
import { bounceEvent, deliveryEvent, hoursAfterStart as h } from './support/events';

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

describe('the sparse due index', () => {
  const newTableStore = async () => {
    const table = await engine.newTable();
    const store = new DynamoDbSuppressionStore(engine.connection.documentClient, table);
    const raw = async (address: string) =>
      (
        await engine.connection.documentClient.send(
          new GetCommand({ TableName: table, Key: addressKey(address), ConsistentRead: true }),
        )
      ).Item;
    return { store, raw };
  };
  const mailboxFull = (address: string, hours: number[]) =>
    hours.map((t) => bounceEvent(`${address}:${t}`, h(t), 'mailboxfull'));

  it('puts the due keys on a state item only while its watch is due, and takes them off on any change', async () => {
    const { store, raw } = await newTableStore();
    const address = 'full@example.com';
    await store.applyEvents(address, mailboxFull(address, [0, 1]));
    expect(await raw(address)).not.toHaveProperty('dueAt');
    await store.applyEvents(address, mailboxFull(address, [2]));
    expect(await raw(address)).toMatchObject({ duePk: dueShardOf(address), dueAt: h(72) });
    await store.applyEvents(address, [deliveryEvent('d', h(10))]);
    const after = await raw(address);
    expect(after).not.toHaveProperty('dueAt');
    expect(after).not.toHaveProperty('duePk');
  });

  it('spreads due addresses over its shards', () => {
    const shards = new Set(Array.from({ length: 200 }, (_, i) => dueShardOf(`user${i}@example.com`)));
    expect(shards.size).toBe(DUE_SHARDS);
  });

  it('lists only what is due by now, at most the limit, and counts the rest', async () => {
    const { store } = await newTableStore();
    // 12 addresses due at h(72 + i); 3 watched but not due (two bounces); 2 suppressed.
    for (let i = 0; i < 12; i++) {
      const address = `due${i}@example.com`;
      await store.applyEvents(address, mailboxFull(address, [i, i + 1, i + 2]));
    }
    for (let i = 0; i < 3; i++) {
      const address = `watch${i}@example.com`;
      await store.applyEvents(address, mailboxFull(address, [0, 1]));
    }
    for (let i = 0; i < 2; i++) {
      await store.applyEvents(`gone${i}@example.com`, [bounceEvent(`g${i}`, h(0), 'userunknown')]);
    }
    const byNow = await store.dueAddresses(new Date(h(72 + 7)), 100);
    expect(byNow.entries.map((e) => e.address).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `due${i}@example.com`).sort(),
    );
    expect(byNow).toMatchObject({ remaining: 0, remainingCapped: false });
    const limited = await store.dueAddresses(new Date(h(1000)), 5);
    expect(limited.entries).toHaveLength(5);
    expect(limited.remaining).toBe(7);
    expect(await store.dueAddresses(new Date(h(71)), 100)).toEqual({
      entries: [],
      remaining: 0,
      remainingCapped: false,
    });
  });

  it('settles a due address once: promoted with an audit entry, then not due', async () => {
    const { store, raw } = await newTableStore();
    const address = 'full@example.com';
    await store.applyEvents(address, mailboxFull(address, [0, 1, 2]));
    expect(await store.settleDue(address, new Date(h(71)))).toEqual({ outcome: 'not-due' });
    const settled = await store.settleDue(address, new Date(h(80)));
    expect(settled).toMatchObject({
      outcome: 'promoted',
      before: { status: 'watch', softBounces: 3 },
      after: { status: 'suppressed', reason: 'mailboxfull', since: h(72), source: 'bounce' },
      event: { type: 'watch-elapsed', at: h(72), rule: 'hygiene.watch-elapsed' },
    });
    expect(await raw(address)).not.toHaveProperty('dueAt');
    const [audit] = await store.auditTrail(address, 1);
    expect(audit).toMatchObject({
      event: { type: 'watch-elapsed', rule: 'hygiene.watch-elapsed', group: 'mailboxfull' },
      before: { status: 'watch' },
      after: { status: 'suppressed', since: h(72) },
    });
    expect(await store.settleDue(address, new Date(h(90)))).toEqual({ outcome: 'not-due' });
    expect(await store.settleDue('nobody@example.com', new Date(h(90)))).toEqual({ outcome: 'gone' });
  });

  it('re-indexes an item the current policy no longer makes due', async () => {
    const table = await engine.newTable();
    const strict = new DynamoDbSuppressionStore(engine.connection.documentClient, table);
    const address = 'full@example.com';
    await strict.applyEvents(address, mailboxFull(address, [0, 1, 2]));
    const lenient = new DynamoDbSuppressionStore(engine.connection.documentClient, table, {
      ...DEFAULT_STATE_POLICY,
      escalation: {
        ...DEFAULT_STATE_POLICY.escalation,
        mailboxfull: { minCount: 5, minSpanHours: 72, outcome: 'suppressed' },
      },
    });
    expect(await lenient.settleDue(address, new Date(h(100)))).toEqual({ outcome: 'reindexed' });
    expect(await lenient.dueAddresses(new Date(h(100)), 10)).toMatchObject({ entries: [] });
    expect((await lenient.get(address))?.state).toMatchObject({ status: 'watch', softBounces: 3 });
  });
});
