import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRows } from '../cli/views';
import { addressKey, auditKey, DUE_SHARDS, dueShardOf } from '../shared/adapters/dynamodb/schema';
import { DynamoDbSuppressionStore } from '../shared/adapters/dynamodb/store';
import type { AddressEvent } from '../shared/core/events';
import { DEFAULT_STATE_POLICY, type EventHistory, mergeEvents, stateOf } from '../shared/core/state';
import { startTestEngine, type TestEngine } from './support/engine';
import {
  bounceEvent,
  complaintEvent,
  deliveryEvent,
  hoursAfterStart as h,
  manualEvent,
  type TestBounceKind,
} from './support/events';
import { prng, shuffle } from './support/stream';

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

describe('events older than the checkpoint (late arrivals on a busy address)', () => {
  const address = 'hot@example.com';
  const NOW = new Date('2027-01-01T00:00:00Z');
  const softKinds: TestBounceKind[] = ['mailboxfull', 'systemerror', 'blocked', 'vacation', 'suspend'];
  /**
   * 60 events, 5 h apart: a lift at #20, the hard bounce right after it (#21) is the suppression an
   * in-order replay ends with (no lift after it), soft bounces, complaints and deliveries around them.
   */
  const events: AddressEvent[] = Array.from({ length: 60 }, (_, i) => {
    const at = h(i * 5);
    if (i === 20) return manualEvent(`e${i}`, at, 'unsuppress');
    if (i === 21 || i === 35 || i === 50 || i === 3) return bounceEvent(`e${i}`, at, 'userunknown');
    if (i === 44 || i === 9) return complaintEvent(`e${i}`, at, i === 9 ? 'abuse' : 'not-spam');
    if (i % 7 === 0) return deliveryEvent(`e${i}`, at);
    return bounceEvent(`e${i}`, at, softKinds[i % softKinds.length] as TestBounceKind);
  });
  const at21 = (events[21] as AddressEvent).at;
  /** Shuffled, a third of them delivered twice, #21 and #2 only after everything else. */
  const random = prng(14);
  const stream = [
    ...shuffle(
      [...events.filter((_, i) => i !== 21 && i !== 2), ...events.filter((_, i) => i % 3 === 0 && i !== 21)],
      random,
    ),
    events[21] as AddressEvent,
    events[2] as AddressEvent,
    events[0] as AddressEvent,
  ];

  const applyAll = async (store: DynamoDbSuppressionStore, list: readonly AddressEvent[]) => {
    for (const event of list) await store.applyEvents(address, [event]);
  };
  const exported = async (store: DynamoDbSuppressionStore) =>
    (await exportRows(store, NOW)).map((row) => JSON.stringify(row)).join('\n');
  const storedHistory = async (table: string) => {
    const { Item } = await engine.connection.documentClient.send(
      new GetCommand({ TableName: table, Key: addressKey(address), ConsistentRead: true }),
    );
    return { events: Item?.events, checkpoint: Item?.checkpoint, horizon: Item?.horizon, state: Item?.state };
  };

  it('exports, after 60 events in a shuffled order with old ones redelivered, what in-order application exports', async () => {
    // Not vacuous: with the item's history alone, this stream has late events and ends elsewhere.
    let alone: EventHistory = { events: [] };
    let late = 0;
    for (const event of stream) {
      const merged = mergeEvents(alone, [event]);
      late += merged.late.length;
      alone = merged.history;
    }
    expect(late).toBeGreaterThan(5);
    expect(stateOf(alone).since).not.toBe(at21);

    const inOrderTable = await engine.newTable();
    const inOrder = new DynamoDbSuppressionStore(engine.connection.documentClient, inOrderTable);
    await applyAll(inOrder, events);
    const shuffledTable = await engine.newTable();
    const shuffled = new DynamoDbSuppressionStore(engine.connection.documentClient, shuffledTable);
    await applyAll(shuffled, stream);

    expect((await inOrder.get(address))?.state).toMatchObject({
      status: 'suppressed',
      reason: 'userunknown',
      since: at21,
    });
    expect(await exported(shuffled)).toBe(await exported(inOrder));
    expect(await storedHistory(shuffledTable)).toEqual(await storedHistory(inOrderTable));
    // Every event has its audit item, once.
    expect(await shuffled.auditTrail(address, 1000)).toHaveLength(60);
  });

  it('lands late events from concurrent writers too (optimistic version check, no event lost)', async () => {
    const inOrder = new DynamoDbSuppressionStore(engine.connection.documentClient, await engine.newTable());
    await applyAll(inOrder, events);
    const table = await engine.newTable();
    const store = new DynamoDbSuppressionStore(engine.connection.documentClient, table);
    // Four writers, each taking every fourth delivery of the stream.
    await Promise.all(
      [0, 1, 2, 3].map((w) =>
        applyAll(
          store,
          stream.filter((_, i) => i % 4 === w),
        ),
      ),
    );
    expect(await exported(store)).toBe(await exported(inOrder));
  });

  it('writes nothing for a redelivered event the checkpoint already holds', async () => {
    const table = await engine.newTable();
    const store = new DynamoDbSuppressionStore(engine.connection.documentClient, table);
    await applyAll(store, events);
    const before = await engine.connection.documentClient.send(
      new GetCommand({ TableName: table, Key: addressKey(address), ConsistentRead: true }),
    );
    for (const old of [events[0], events[21], events[30]] as AddressEvent[]) {
      expect(await store.applyEvents(address, [old])).toMatchObject({ added: 0 });
    }
    const after = await engine.connection.documentClient.send(
      new GetCommand({ TableName: table, Key: addressKey(address), ConsistentRead: true }),
    );
    expect(after.Item?.version).toBe(before.Item?.version);
    expect(after.Item).toEqual(before.Item);
  });

  it('keeps a late event when the trail has lost folded events: folded on top of the checkpoint, never dropped', async () => {
    const table = await engine.newTable();
    const store = new DynamoDbSuppressionStore(engine.connection.documentClient, table);
    await applyAll(
      store,
      events.filter((_, i) => i !== 21 && i !== 35 && i !== 50),
    );
    // An audit item gone (TTL after auditRetentionDays): the trail no longer holds every folded event,
    // and without the lift (#20) it no longer folds to the checkpoint either.
    await engine.connection.documentClient.send(
      new DeleteCommand({ TableName: table, Key: auditKey(address, events[20] as AddressEvent) }),
    );
    const before = await storedHistory(table);
    expect(before.state).not.toMatchObject({ status: 'suppressed' });
    const result = await store.applyEvents(address, [events[21] as AddressEvent]);
    expect(result).toMatchObject({ added: 1, after: { status: 'suppressed', reason: 'userunknown' } });
    const after = await storedHistory(table);
    expect(after.events).toEqual(before.events);
    expect(after.horizon).toBe(before.horizon);
    expect(after.state).toMatchObject({ status: 'suppressed', since: at21 });
    // Recorded in the trail: a redelivery is a duplicate.
    expect((await store.auditTrail(address, 1000)).map((entry) => entry.event.id)).toContain('e21');
    expect(await store.applyEvents(address, [events[21] as AddressEvent])).toMatchObject({ added: 0 });
  });

  it('derives the state again from the trail when it holds an event the state lacks (a writer that failed after its audit write)', async () => {
    const table = await engine.newTable();
    const store = new DynamoDbSuppressionStore(engine.connection.documentClient, table);
    const inOrder = new DynamoDbSuppressionStore(engine.connection.documentClient, await engine.newTable());
    await applyAll(inOrder, events);
    await applyAll(
      store,
      events.filter((_, i) => i !== 21 && i !== 2),
    );
    // #21's writer recorded its audit item, then gave up before its state write.
    await engine.connection.documentClient.send(
      new PutCommand({
        TableName: table,
        Item: { ...auditKey(address, events[21] as AddressEvent), event: events[21], before: {}, after: {} },
      }),
    );
    // A later late event (#2) derives the state from the trail: #21 lands with it.
    expect(await store.applyEvents(address, [events[2] as AddressEvent])).toMatchObject({ added: 1 });
    expect(await exported(store)).toBe(await exported(inOrder));
    // #21's redelivery finds it recorded and applied.
    expect(await store.applyEvents(address, [events[21] as AddressEvent])).toMatchObject({ added: 0 });
    expect(await exported(store)).toBe(await exported(inOrder));
  });

  it('derives late events from the trail on items written before checkpoints counted their events', async () => {
    const table = await engine.newTable();
    const store = new DynamoDbSuppressionStore(engine.connection.documentClient, table);
    const inOrderTable = await engine.newTable();
    const inOrder = new DynamoDbSuppressionStore(engine.connection.documentClient, inOrderTable);
    await applyAll(inOrder, events);
    await applyAll(
      store,
      events.filter((_, i) => i !== 21),
    );
    const { Item } = await engine.connection.documentClient.send(
      new GetCommand({ TableName: table, Key: addressKey(address), ConsistentRead: true }),
    );
    const { folded, ...legacy } = Item as Record<string, unknown>;
    expect(folded).toBe(40 - 1);
    await engine.connection.documentClient.send(new PutCommand({ TableName: table, Item: legacy }));
    await store.applyEvents(address, [events[21] as AddressEvent]);
    expect(await exported(store)).toBe(await exported(inOrder));
    expect(await storedHistory(table)).toEqual(await storedHistory(inOrderTable));
  });
});
