import {
  DeleteSuppressedDestinationCommand,
  ListSuppressedDestinationsCommand,
  NotFoundException,
  PutSuppressedDestinationCommand,
  SESv2Client,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CURSOR_KEY, DynamoDbSyncStateStore } from '../../functions/sync/dynamodb';
import { CURSOR_OVERLAP_MS, planAction, pulledEvent } from '../../functions/sync/plan';
import { runSync, type SyncDependencies } from '../../functions/sync/sync';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import {
  type Clock,
  createPacer,
  SesSuppressionList,
  SesThrottledError,
} from '../../shared/adapters/ses/suppression-list';
import type { ManualEvent } from '../../shared/core/events';
import { startTestEngine, type TestEngine } from '../support/engine';
import { bounceEvent } from '../support/events';

const sesMock = mockClient(SESv2Client);
const throttled = () => new TooManyRequestsException({ message: 'Too many requests', $metadata: {} });

/** A clock whose sleeps pass instantly and are recorded. */
function fakeClock(): Clock & { sleeps: number[]; time: number } {
  const clock = {
    time: 1_000_000,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += ms;
    },
  };
  return clock;
}

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => engine.close());
beforeEach(() => sesMock.reset());

const T1 = new Date('2026-06-01T10:00:00.000Z');
const T2 = new Date('2026-06-01T11:00:00.000Z');
const T3 = new Date('2026-06-01T12:00:00.000Z');

const manual = (id: string, at: string, action: 'suppress' | 'unsuppress', until?: string): ManualEvent => ({
  type: 'manual',
  id,
  at,
  action,
  source: 'manual',
  reason: 'operator',
  ...(until ? { until } : {}),
});

async function setup() {
  const tableName = await engine.newTable();
  const store = new DynamoDbSuppressionStore(engine.connection.documentClient, tableName);
  const syncState = new DynamoDbSyncStateStore(engine.connection.documentClient, tableName);
  const clock = fakeClock();
  const ses = new SesSuppressionList(new SESv2Client({ region: 'eu-west-1' }), {
    clock,
    ratePerSecond: 2,
    maxAttempts: 3,
  });
  const deps: SyncDependencies = { store, syncState, ses };
  return { tableName, store, syncState, clock, ses, deps };
}

const calls = (command: Parameters<typeof sesMock.commandCalls>[0]) =>
  sesMock.commandCalls(command).map((call) => call.args[0].input as Record<string, unknown>);

describe('plan (pure)', () => {
  const now = T1;
  it('puts permanent suppressions SES lacks, with the reason by source, and removes lifted ones', () => {
    const bounce = { status: 'suppressed', reason: 'userunknown', source: 'bounce' } as const;
    const complaint = { status: 'suppressed', reason: 'feedback', source: 'complaint' } as const;
    expect(planAction('a@x.com', bounce, undefined, now)).toEqual({
      kind: 'put',
      address: 'a@x.com',
      reason: 'BOUNCE',
    });
    expect(planAction('a@x.com', complaint, undefined, now)).toMatchObject({ reason: 'COMPLAINT' });
    const marker = { reason: 'BOUNCE', at: T1.toISOString(), origin: 'push' } as const;
    expect(planAction('a@x.com', bounce, marker, now)).toBeUndefined();
    expect(planAction('a@x.com', complaint, marker, now)).toBeUndefined(); // SES's own reason is kept
    expect(planAction('a@x.com', { status: 'clear' }, marker, now)).toEqual({
      kind: 'delete',
      address: 'a@x.com',
    });
    expect(planAction('a@x.com', undefined, marker, now)).toEqual({ kind: 'delete', address: 'a@x.com' });
    const temporary = {
      status: 'suppressed-until',
      until: '2027-01-01T00:00:00.000Z',
      source: 'bounce',
    } as const;
    expect(planAction('a@x.com', temporary, undefined, now)).toBeUndefined();
    expect(planAction('a@x.com', { status: 'watch', softBounces: 1 }, undefined, now)).toBeUndefined();
  });

  it('turns an SES entry into a ses-sync event with a stable id at SES’s own time', () => {
    expect(pulledEvent('a@x.com', 'COMPLAINT', T1.toISOString())).toEqual({
      type: 'manual',
      id: `ses-sync:a@x.com:${T1.toISOString()}`,
      at: T1.toISOString(),
      action: 'suppress',
      source: 'ses-sync',
      reason: 'feedback',
    });
  });

  it('paces calls to the configured rate', async () => {
    const clock = fakeClock();
    const pace = createPacer(4, clock);
    for (let i = 0; i < 5; i++) await pace();
    expect(clock.sleeps).toEqual([250, 250, 250, 250]);
  });
});

describe('SesSuppressionList (SES v2 mocked)', () => {
  it('reads every page through NextToken, from StartDate to EndDate', async () => {
    sesMock
      .on(ListSuppressedDestinationsCommand)
      .resolvesOnce({
        SuppressedDestinationSummaries: [
          { EmailAddress: 'a@x.com', Reason: 'BOUNCE', LastUpdateTime: T1 },
          { EmailAddress: 'b@x.com', Reason: 'COMPLAINT', LastUpdateTime: T1 },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        SuppressedDestinationSummaries: [{ EmailAddress: 'c@x.com', Reason: 'BOUNCE', LastUpdateTime: T2 }],
      });
    const { ses } = await setup();
    const pages = [];
    for await (const page of ses.listSince(T1, T2)) pages.push(page.map((e) => e.emailAddress));
    expect(pages).toEqual([['a@x.com', 'b@x.com'], ['c@x.com']]);
    const inputs = calls(ListSuppressedDestinationsCommand);
    expect(inputs).toEqual([
      { StartDate: T1, EndDate: T2, PageSize: 1000 },
      { StartDate: T1, EndDate: T2, PageSize: 1000, NextToken: 'page-2' },
    ]);
  });

  it('retries TooManyRequestsException with backoff, on the pacer, and gives up after maxAttempts', async () => {
    const { ses, clock } = await setup();
    sesMock
      .on(PutSuppressedDestinationCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves({});
    await ses.put('a@x.com', 'BOUNCE');
    expect(calls(PutSuppressedDestinationCommand)).toHaveLength(3);
    expect(ses.throttled).toBe(2);
    // Every attempt waited its turn at 2 calls/s (sleeps: backoffs and pacing alike).
    expect(clock.sleeps.length).toBeGreaterThanOrEqual(2);

    sesMock.reset();
    sesMock.on(PutSuppressedDestinationCommand).rejects(throttled());
    await expect(ses.put('a@x.com', 'BOUNCE')).rejects.toBeInstanceOf(SesThrottledError);
    expect(calls(PutSuppressedDestinationCommand)).toHaveLength(3);
  });

  it('treats deleting an address SES does not have as done', async () => {
    const { ses } = await setup();
    sesMock
      .on(DeleteSuppressedDestinationCommand)
      .rejects(new NotFoundException({ message: 'not found', $metadata: {} }));
    await expect(ses.delete('a@x.com')).resolves.toBeUndefined();
  });
});

describe('runSync against a real table (dynalite) and mocked SES', () => {
  it('pulls new SES entries, pushes ours, removes lifts, keeps its cursor, and is idempotent', async () => {
    const { store, syncState, deps, tableName } = await setup();
    await store.applyEvents('hard@x.com', [bounceEvent('b1', '2026-05-01T00:00:00.000Z', 'userunknown')]);
    await store.applyEvents('complained@x.com', [
      { type: 'complaint', id: 'c1', at: '2026-05-01T00:00:00.000Z', identity: 'x.com' },
    ]);
    await store.applyEvents('temporary@x.com', [
      manual('t1', '2026-05-01T00:00:00.000Z', 'suppress', '2027-01-01T00:00:00.000Z'),
    ]);
    sesMock
      .on(ListSuppressedDestinationsCommand)
      .resolvesOnce({
        SuppressedDestinationSummaries: [
          { EmailAddress: 'From.SES@X.com', Reason: 'BOUNCE', LastUpdateTime: T1 },
        ],
        NextToken: 'next',
      })
      .resolvesOnce({
        SuppressedDestinationSummaries: [
          { EmailAddress: 'complainer@x.com', Reason: 'COMPLAINT', LastUpdateTime: T1 },
          // Already suppressed here by a bounce: keeps our reason and source.
          { EmailAddress: 'hard@x.com', Reason: 'BOUNCE', LastUpdateTime: T1 },
          { EmailAddress: 'not an address', Reason: 'BOUNCE', LastUpdateTime: T1 },
        ],
      });
    sesMock.on(PutSuppressedDestinationCommand).resolves({});
    sesMock.on(DeleteSuppressedDestinationCommand).resolves({});

    const first = await runSync(deps, { mode: 'both', now: T2 });
    expect(first).toEqual({
      mode: 'both',
      cursor: T2.toISOString(),
      counts: { listed: 4, pulled: 2, pushed: 1, removed: 0, failed: 0, deferred: 0, invalid: 1 },
    });
    expect(calls(ListSuppressedDestinationsCommand)[0]).toEqual({ EndDate: T2, PageSize: 1000 }); // first run: everything
    expect(calls(PutSuppressedDestinationCommand)).toEqual([
      { EmailAddress: 'complained@x.com', Reason: 'COMPLAINT' },
    ]);
    expect((await store.get('from.ses@x.com'))?.state).toEqual({
      status: 'suppressed',
      reason: 'suppressed',
      since: T1.toISOString(),
      source: 'ses-sync',
    });
    expect((await store.get('complainer@x.com'))?.state).toMatchObject({
      reason: 'feedback',
      source: 'ses-sync',
    });
    expect((await store.get('hard@x.com'))?.state).toMatchObject({ reason: 'userunknown', source: 'bounce' });
    const cursorItem = await syncState.readCursor();
    expect(cursorItem).toMatchObject({
      cursor: T2.toISOString(),
      lastRunAt: T2.toISOString(),
      counts: first.counts,
    });
    expect(CURSOR_KEY).toEqual({ pk: 'META#ses-sync', sk: 'CURSOR' });
    expect(tableName).toBeTruthy();

    // An operator lifts two suppressions here: the next run removes them from SES too.
    await store.applyEvents('hard@x.com', [manual('u1', '2026-06-01T10:30:00.000Z', 'unsuppress')]);
    await store.applyEvents('from.ses@x.com', [manual('u2', '2026-06-01T10:30:00.000Z', 'unsuppress')]);
    sesMock.resetHistory();
    sesMock.on(ListSuppressedDestinationsCommand).resolves({ SuppressedDestinationSummaries: [] });
    const second = await runSync(deps, { mode: 'both', now: T3 });
    expect(second.counts).toMatchObject({ pushed: 0, removed: 2, failed: 0 });
    expect(calls(ListSuppressedDestinationsCommand)[0]).toEqual({
      StartDate: new Date(T2.getTime() - CURSOR_OVERLAP_MS),
      EndDate: T3,
      PageSize: 1000,
    });
    expect(
      calls(DeleteSuppressedDestinationCommand)
        .map((i) => i.EmailAddress)
        .sort(),
    ).toEqual(['from.ses@x.com', 'hard@x.com']);

    // Nothing changed since: nothing to do.
    sesMock.resetHistory();
    const third = await runSync(deps, { mode: 'both', now: new Date('2026-06-01T13:00:00.000Z') });
    expect(third.counts).toMatchObject({ pushed: 0, removed: 0, pulled: 0 });
    expect(calls(PutSuppressedDestinationCommand)).toEqual([]);
    expect(calls(DeleteSuppressedDestinationCommand)).toEqual([]);
  });

  it('retries a failed push on the next run, and stops pushing for the run when SES keeps throttling', async () => {
    const { store, deps } = await setup();
    for (let i = 0; i < 4; i++) {
      await store.applyEvents(`p${i}@x.com`, [
        bounceEvent(`b${i}`, '2026-05-01T00:00:00.000Z', 'userunknown'),
      ]);
    }
    // First a plain failure, then three throttles; fine from then on.
    let put = 0;
    sesMock.on(PutSuppressedDestinationCommand).callsFake(async () => {
      put++;
      if (put === 1) throw new Error('BadRequest from SES');
      if (put <= 4) throw throttled();
      return {};
    });
    const first = await runSync(deps, { mode: 'push', now: T2 });
    // One failure, then three throttles exhaust the retries: the other two wait for the next run.
    expect(first.counts).toMatchObject({ pushed: 0, failed: 2, deferred: 2 });
    expect(calls(ListSuppressedDestinationsCommand)).toEqual([]); // push mode never lists
    sesMock.resetHistory();
    const second = await runSync(deps, { mode: 'push', now: T3 });
    expect(second.counts).toMatchObject({ pushed: 4, failed: 0, deferred: 0 });
    expect(
      calls(PutSuppressedDestinationCommand)
        .map((i) => i.EmailAddress)
        .sort(),
    ).toEqual(['p0@x.com', 'p1@x.com', 'p2@x.com', 'p3@x.com']);
  });

  it('keeps the cursor when a pull fails part way, and reads the same entries again next run', async () => {
    const { store, syncState, deps } = await setup();
    sesMock
      .on(ListSuppressedDestinationsCommand)
      .resolvesOnce({
        SuppressedDestinationSummaries: [{ EmailAddress: 'one@x.com', Reason: 'BOUNCE', LastUpdateTime: T1 }],
        NextToken: 'next',
      })
      .rejectsOnce(new Error('InternalFailure'));
    const first = await runSync(deps, { mode: 'pull', now: T2 });
    expect(first.cursor).toBeUndefined();
    expect(first.counts).toMatchObject({ listed: 1, pulled: 1, failed: 1 });
    expect(calls(PutSuppressedDestinationCommand)).toEqual([]); // pull mode never writes to SES
    sesMock.reset();
    sesMock.on(ListSuppressedDestinationsCommand).resolves({
      SuppressedDestinationSummaries: [
        { EmailAddress: 'one@x.com', Reason: 'BOUNCE', LastUpdateTime: T1 },
        { EmailAddress: 'two@x.com', Reason: 'BOUNCE', LastUpdateTime: T1 },
      ],
    });
    const second = await runSync(deps, { mode: 'pull', now: T3 });
    expect(second).toMatchObject({ cursor: T3.toISOString(), counts: { listed: 2, pulled: 1, failed: 0 } });
    expect(calls(ListSuppressedDestinationsCommand)[0]).not.toHaveProperty('StartDate');
    expect((await store.get('two@x.com'))?.state.status).toBe('suppressed');
    expect((await syncState.readCursor())?.cursor).toBe(T3.toISOString());
  });

  it('does nothing at all in mode off', async () => {
    const { deps } = await setup();
    expect(await runSync(deps, { mode: 'off', now: T2 })).toMatchObject({
      mode: 'off',
      counts: { listed: 0 },
    });
    expect(sesMock.calls()).toEqual([]);
  });

  it('defers what does not fit in the time left', async () => {
    const { store, deps } = await setup();
    await store.applyEvents('late@x.com', [bounceEvent('b1', '2026-05-01T00:00:00.000Z', 'userunknown')]);
    const report = await runSync(deps, { mode: 'push', now: T2, timeLeft: () => 1000 });
    expect(report.counts).toMatchObject({ pushed: 0, deferred: 1 });
    expect(sesMock.calls()).toEqual([]);
  });
});
