import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressKey } from '../shared/adapters/dynamodb/schema';
import { DynamoDbSuppressionStore } from '../shared/adapters/dynamodb/store';
import type { AddressEvent } from '../shared/core/events';
import { DEFAULT_STATE_POLICY, type StatePolicy } from '../shared/core/state';
import { startTestEngine, type TestEngine } from './support/engine';
import { bounceEvent, complaintEvent, hoursAfterStart as h } from './support/events';
import { prng, shuffle } from './support/stream';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine.close();
});

const TENANT: StatePolicy = { ...DEFAULT_STATE_POLICY, suppressionScope: 'tenant' };
const by = <E extends AddressEvent>(event: E, tenant: string): E => ({ ...event, tenant });
const address = 'person@example.com';

async function item(table: string) {
  const { Item } = await engine.connection.documentClient.send(
    new GetCommand({ TableName: table, Key: addressKey(address), ConsistentRead: true }),
  );
  return Item as Record<string, unknown> & { state: Record<string, unknown> };
}

describe('tenant-scoped suppressions in the store', () => {
  it("keeps the item of a temporary suppression that also holds a tenant's complaint (no TTL on it)", async () => {
    const table = await engine.newTable();
    const store = new DynamoDbSuppressionStore(engine.connection.documentClient, table, TENANT);
    await store.applyEvents(address, [bounceEvent('b1', h(0), 'suspend')]);
    expect((await item(table)).expiresAt).toBeTypeOf('number');
    await store.applyEvents(address, [by(complaintEvent('c1', h(1)), 'acme')]);
    const stored = await item(table);
    expect(stored.state).toMatchObject({
      status: 'suppressed-until',
      tenants: { acme: { status: 'suppressed' } },
    });
    // The whole item expiring with the temporary suppression would take acme's complaint with it.
    expect(stored.expiresAt).toBeUndefined();
  });

  it('stays small and bounded under complaints from sixty tenants, in any order and redelivered', async () => {
    const policy: StatePolicy = { ...TENANT, maxEventsPerAddress: 10 };
    const events = Array.from({ length: 60 }, (_, i) => by(complaintEvent(`c${i}`, h(i)), `tenant-${i}`));
    const inOrderTable = await engine.newTable();
    const inOrder = new DynamoDbSuppressionStore(engine.connection.documentClient, inOrderTable, policy);
    for (const event of events) await inOrder.applyEvents(address, [event]);

    const random = prng(24);
    const stream = shuffle([...events, ...events.filter((_, i) => i % 4 === 0)], random);
    const shuffledTable = await engine.newTable();
    const shuffled = new DynamoDbSuppressionStore(engine.connection.documentClient, shuffledTable, policy);
    // Several writers at once: conflicts and late events (re-derived from the audit trail) both happen.
    for (let i = 0; i < stream.length; i += 8) {
      await Promise.all(stream.slice(i, i + 8).map((event) => shuffled.applyEvents(address, [event])));
    }

    const a = await item(inOrderTable);
    const b = await item(shuffledTable);
    expect(b.state).toEqual(a.state);
    expect(a.state).toMatchObject({
      status: 'suppressed',
      reason: 'feedback',
      since: h(20),
      source: 'complaint',
    });
    expect(Object.keys(a.state.tenants as object)).toHaveLength(20);
    // Far from DynamoDB's 400 KB: the tenant map is bounded, and so is the item.
    expect(JSON.stringify(b).length).toBeLessThan(20_000);
    expect(await shuffled.auditTrail(address, 1000)).toHaveLength(60);
  });
});
