import {
  DeleteSuppressedDestinationCommand,
  ListSuppressedDestinationsCommand,
  PutSuppressedDestinationCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbSyncStateStore } from '../../functions/sync/dynamodb';
import { planAction, planTenantActions } from '../../functions/sync/plan';
import { runSync } from '../../functions/sync/sync';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import { SesSuppressionList } from '../../shared/adapters/ses/suppression-list';
import { classify } from '../../shared/core/classify';
import type { AddressEvent, BounceEvent, ManualEvent } from '../../shared/core/events';
import { DEFAULT_STATE_POLICY } from '../../shared/core/state';
import { startTestEngine, type TestEngine } from '../support/engine';
import { bounceEvent, complaintEvent } from '../support/events';

const sesMock = mockClient(SESv2Client);
let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => engine.close());
beforeEach(() => sesMock.reset());

const T1 = new Date('2026-06-01T10:00:00.000Z');
const T2 = new Date('2026-06-01T11:00:00.000Z');
const by = <E extends AddressEvent>(event: E, tenant: string): E => ({ ...event, tenant });
const calls = (command: Parameters<typeof sesMock.commandCalls>[0]) =>
  sesMock.commandCalls(command).map((call) => call.args[0].input as Record<string, unknown>);

/** A bounce SES made up without trying the receiver, classified as the processor classifies it. */
function sesVerdict(id: string, at: string, subType: string): BounceEvent {
  const classification = classify({
    bounceType: 'Permanent',
    bounceSubType: subType,
    action: 'failed',
    status: '5.1.1',
    diagnosticCode:
      'Amazon SES has suppressed sending to this address because it is on the account-level suppression list.',
  });
  return {
    type: 'bounce',
    id,
    at,
    identity: 'x.com',
    classification,
    bounceType: 'Permanent',
    bounceSubType: subType,
  };
}

describe('plan: SES verdicts and tenant lists (pure)', () => {
  it("never pushes a suppression that rests on SES's own verdict back into SES's list", () => {
    const verdict = {
      status: 'suppressed',
      reason: 'suppressed',
      since: T1.toISOString(),
      source: 'bounce',
    } as const;
    expect(planAction('a@x.com', verdict, undefined, T2)).toBeUndefined();
    // Nor taken off SES's list when the pull found it there (its marker): SES put it there itself.
    const pulled = { reason: 'BOUNCE', at: T1.toISOString(), origin: 'pull' } as const;
    expect(planAction('a@x.com', verdict, pulled, T2)).toBeUndefined();
    // The same reason from the pull (SES's list itself) has its marker; an operator's is pushed.
    expect(planAction('a@x.com', { ...verdict, source: 'manual' }, undefined, T2)).toMatchObject({
      kind: 'put',
    });
  });

  it("puts a tenant's permanent suppression on that tenant's list and removes it there once lifted", () => {
    const state = {
      status: 'clear',
      tenants: {
        acme: { status: 'suppressed', reason: 'feedback', since: T1.toISOString(), source: 'complaint' },
        globex: { status: 'suppressed', reason: 'asked', since: T1.toISOString(), source: 'manual' },
        initech: {
          status: 'suppressed-until',
          reason: 'pause',
          since: T1.toISOString(),
          until: '2027-01-01T00:00:00.000Z',
          source: 'manual',
        },
      },
    } as const;
    const marker = { reason: 'COMPLAINT', at: T1.toISOString(), origin: 'push' } as const;
    expect(planTenantActions('a@x.com', state, { globex: marker, umbrella: marker })).toEqual([
      { kind: 'put', address: 'a@x.com', reason: 'COMPLAINT', tenant: 'acme' },
      { kind: 'delete', address: 'a@x.com', tenant: 'umbrella' },
    ]);
    expect(planTenantActions('a@x.com', undefined, {})).toEqual([]);
  });
});

describe('runSync in suppression scope "tenant"', () => {
  it("pushes a tenant's complaint to its tenant list, hard bounces to the account list, SES's verdicts nowhere", async () => {
    const tableName = await engine.newTable();
    const store = new DynamoDbSuppressionStore(engine.connection.documentClient, tableName, {
      ...DEFAULT_STATE_POLICY,
      suppressionScope: 'tenant',
    });
    const syncState = new DynamoDbSyncStateStore(engine.connection.documentClient, tableName);
    const ses = new SesSuppressionList(new SESv2Client({ region: 'eu-west-1' }), { ratePerSecond: 1000 });
    const at = '2026-05-01T00:00:00.000Z';
    await store.applyEvents('person@x.com', [by(complaintEvent('c1', at), 'acme')]);
    await store.applyEvents('gone@x.com', [by(bounceEvent('b1', at, 'userunknown'), 'acme')]);
    await store.applyEvents('listed@x.com', [by(sesVerdict('v1', at, 'OnAccountSuppressionList'), 'acme')]);
    expect((await store.get('listed@x.com'))?.state).toMatchObject({
      status: 'suppressed',
      reason: 'suppressed',
    });
    // SES's own list holds the address it refused: the pull finds it there (and marks it).
    sesMock.on(ListSuppressedDestinationsCommand).resolves({
      SuppressedDestinationSummaries: [
        { EmailAddress: 'listed@x.com', Reason: 'BOUNCE', LastUpdateTime: T1 },
      ],
    });
    sesMock.on(PutSuppressedDestinationCommand).resolves({});
    sesMock.on(DeleteSuppressedDestinationCommand).resolves({});

    const first = await runSync({ store, syncState, ses }, { mode: 'both', now: T1 });
    expect(first.counts).toMatchObject({ pushed: 2, removed: 0, failed: 0 });
    expect(calls(DeleteSuppressedDestinationCommand)).toEqual([]);
    expect(calls(PutSuppressedDestinationCommand)).toEqual(
      expect.arrayContaining([
        { EmailAddress: 'gone@x.com', Reason: 'BOUNCE' },
        { EmailAddress: 'person@x.com', Reason: 'COMPLAINT', TenantName: 'acme' },
      ]),
    );

    // Pushed once; then acme's suppression is lifted here, and the next run removes it from acme's list only.
    sesMock.resetHistory();
    const lift: ManualEvent = {
      type: 'manual',
      id: 'u1',
      at: '2026-06-01T10:30:00.000Z',
      action: 'unsuppress',
      source: 'manual',
      reason: 'resubscribed to acme',
      tenant: 'acme',
    };
    await store.applyEvents('person@x.com', [lift]);
    const second = await runSync({ store, syncState, ses }, { mode: 'both', now: T2 });
    expect(second.counts).toMatchObject({ pushed: 0, removed: 1, failed: 0 });
    expect(calls(DeleteSuppressedDestinationCommand)).toEqual([
      { EmailAddress: 'person@x.com', TenantName: 'acme' },
    ]);
    expect(calls(PutSuppressedDestinationCommand)).toEqual([]);
  });
});
