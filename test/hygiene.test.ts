import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  GetConfigurationSetCommand,
  PutConfigurationSetSendingOptionsCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSqsEvent, toSqsRecord } from '../cli/sqs';
import { type HygieneReport, runHygiene } from '../functions/hygiene/hygiene';
import { createProcessor } from '../functions/processor/processor';
import { DynamoDbRateCounters } from '../shared/adapters/dynamodb/counters';
import { DynamoDbSuppressionStore } from '../shared/adapters/dynamodb/store';
import { classify } from '../shared/core/classify';
import { parsePolicyJson } from '../shared/core/policy-config';
import { snsEnvelope } from './fixtures/ses-examples';
import { runBounceOk } from './support/cli';
import { startTestEngine, type TestEngine } from './support/engine';
import { bounceEvent } from './support/events';
import { invokeScheduledHandler, localLambdaEnv } from './support/lambda';

const NOW = new Date('2026-11-20T12:00:00Z');
const mail = (identity: string, id: string, at: string, to: string) => ({
  timestamp: at,
  source: `news@${identity}`,
  sourceArn: `arn:aws:ses:eu-west-1:123456789012:identity/${identity}`,
  messageId: id,
  destination: [to],
});
const send = (identity: string, n: number, at: string) =>
  snsEnvelope(
    { eventType: 'Send', mail: mail(identity, `m-${identity}-${n}`, at, `r${n}@example.org`), send: {} },
    `s-${identity}-${n}`,
  );
const hardBounce = (identity: string, n: number, at: string) =>
  snsEnvelope(
    {
      eventType: 'Bounce',
      mail: mail(identity, `m-${identity}-${n}`, at, `r${n}@example.org`),
      bounce: {
        feedbackId: `fb-${identity}-${n}`,
        bounceType: 'Permanent',
        bounceSubType: 'General',
        timestamp: at,
        bouncedRecipients: [
          {
            emailAddress: `r${n}@example.org`,
            action: 'failed',
            status: '5.1.1',
            diagnosticCode: 'smtp; 550 5.1.1 user unknown',
          },
        ],
      },
    },
    `b-${identity}-${n}`,
  );

/** `messages` sends for an identity within the two hours before NOW, `rate` of them bounced for good. */
function traffic(identity: string, messages: number, rate: number): string[] {
  const bodies: string[] = [];
  for (let n = 0; n < messages; n++) {
    const at = new Date(NOW.getTime() - 7_200_000 + Math.floor((n / messages) * 7_000_000)).toISOString();
    bodies.push(send(identity, n, at));
    if (n < messages * rate)
      bodies.push(hardBounce(identity, n, new Date(Date.parse(at) + 30_000).toISOString()));
  }
  return bodies;
}

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine.close();
});

describe('rate counters in the processor', () => {
  it('writes one counter update per identity-hour per batch, and does not count a redelivered bounce twice', async () => {
    const table = await engine.newTable();
    const updates: string[] = [];
    engine.connection.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateItemCommand') updates.push(context.commandName);
        return next(args);
      },
      { step: 'initialize', name: 'countUpdates' },
    );
    try {
      const counters = new DynamoDbRateCounters(engine.connection.documentClient, table);
      const processor = createProcessor({
        store: new DynamoDbSuppressionStore(engine.connection.documentClient, table),
        classify: (input) => classify(input),
        logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
        counters,
      });
      const at = '2026-11-20T10:10:00.000Z';
      const bodies = [
        ...[0, 1, 2, 3].map((n) => send('a.example', n, at)),
        ...[0, 1, 2].map((n) => send('b.example', n, at)),
        hardBounce('a.example', 0, at),
        hardBounce('b.example', 1, at),
        hardBounce('b.example', 2, at),
      ];
      const batch = toSqsEvent(bodies.map((body, i) => toSqsRecord(body, `m${i}`)));
      await processor.processBatch(batch);
      expect(updates).toHaveLength(2);
      await processor.processBatch(toSqsEvent(batch.Records.slice(7))); // the bounces again
      const counts = await counters.read(new Date('2026-11-20T00:00:00Z'), new Date('2026-11-21T00:00:00Z'));
      expect(counts.map((c) => [c.identity, c.sends, c.permanentBounces]).sort()).toEqual([
        ['a.example', 4, 1],
        ['b.example', 3, 2],
      ]);
    } finally {
      engine.connection.client.middlewareStack.remove('countUpdates');
    }
  });
});

describe('bounce hygiene on generated traffic', () => {
  const work = mkdtempSync(join(tmpdir(), 'bounce-hygiene-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const bounce = (...args: string[]) => runBounceOk([...args, '--data-dir', join(work, 'store')]);

  it('rates three identities at 1 %, 3 % and 6 % hard bounces over 2,000 messages each as ok, warning and critical', async () => {
    const file = join(work, 'traffic.jsonl');
    writeFileSync(
      file,
      [
        ...traffic('one.example', 2000, 0.01),
        ...traffic('three.example', 2000, 0.03),
        ...traffic('six.example', 2000, 0.06),
      ].join('\n'),
    );
    const replay = JSON.parse((await bounce('replay', file, '--json')).stdout);
    expect(replay.failed).toEqual([]);
    const report = JSON.parse((await bounce('hygiene', '--json', '--now', NOW.toISOString())).stdout);
    expect(report.window).toMatchObject({ name: '24h' });
    expect(
      report.identities.map(
        (r: { identity: string; sent: number; bounces: number; bounceRate: number; level: string }) => [
          r.identity,
          r.sent,
          r.bounces,
          r.bounceRate,
          r.level,
        ],
      ),
    ).toEqual([
      ['one.example', 2000, 20, 0.01, 'ok'],
      ['six.example', 2000, 120, 0.06, 'critical'],
      ['three.example', 2000, 60, 0.03, 'warning'],
    ]);
    expect(report.account).toMatchObject({ sent: 6000, bounces: 200, level: 'warning' });
    expect(report.actions).toEqual([]);
  });
});

describe('runHygiene', () => {
  it('reports every window and reads only the counter partitions of the longest one', async () => {
    const table = await engine.newTable();
    const counters = new DynamoDbRateCounters(engine.connection.documentClient, table);
    await counters.add([
      {
        identity: 'x.example',
        hour: '2026-11-20T11',
        sends: 500,
        deliveries: 0,
        permanentBounces: 5,
        transientBounces: 0,
        complaints: 0,
        senderSide: { blocked: 2 },
      },
      {
        identity: 'x.example',
        hour: '2026-11-15T11',
        sends: 500,
        deliveries: 0,
        permanentBounces: 45,
        transientBounces: 0,
        complaints: 0,
        senderSide: {},
      },
    ]);
    const published: unknown[] = [];
    const report = await runHygiene(NOW, { counters, metrics: { publish: (r) => published.push(r) } });
    expect(
      report.windows.map((w) => [w.window.name, w.account.sent, w.account.bounces, w.account.level]),
    ).toEqual([
      ['24h', 500, 5, 'ok'],
      ['7d', 1000, 50, 'critical'],
    ]);
    expect(report.identities[0]?.senderSide).toEqual({ blocked: 2 });
    expect(published).toEqual([report]);
  });
});

describe('hygiene Lambda handler', () => {
  it('builds the store with BOUNCE_POLICY and runs list hygiene with the rates', async () => {
    const table = await engine.newTable();
    const policy = { escalation: { mailboxfull: { minCount: 3, minSpanHours: 1, outcome: 'suppressed' } } };
    // The processor writes with the same policy (both functions get BOUNCE_POLICY).
    const store = new DynamoDbSuppressionStore(
      engine.connection.documentClient,
      table,
      parsePolicyJson(JSON.stringify(policy), 'test').state,
    );
    // Three mailbox-full bounces within 20 minutes: due after 72 h by default, after 1 h under this policy.
    await store.applyEvents(
      'full@example.com',
      [0, 1, 2].map((n) => bounceEvent(`s${n}`, `2026-11-20T00:${n}0:00.000Z`, 'mailboxfull')),
    );
    const report = await invokeScheduledHandler<HygieneReport>(
      () => import('../functions/hygiene/handler'),
      { ...localLambdaEnv(engine, table), BOUNCE_POLICY: JSON.stringify(policy) },
      '2026-11-20T04:00:00Z',
    );
    expect(report.listHygiene).toMatchObject({ dueRead: 1, promoted: 1 });
    expect((await store.get('full@example.com'))?.state).toMatchObject({
      status: 'suppressed',
      since: '2026-11-20T01:00:00.000Z',
    });
  });
});

describe('hygiene Lambda handler with the emergency brake', () => {
  const ses = mockClient(SESv2Client);
  const sns = mockClient(SNSClient);
  afterAll(() => {
    ses.restore();
    sns.restore();
  });

  /** Runs the handler once with `extraEnv`, on a table whose counters say: `critical.example` at 6 %, `fine.example` at 1 %. */
  async function runHandler(extraEnv: Record<string, string>) {
    const table = await engine.newTable();
    const counters = new DynamoDbRateCounters(engine.connection.documentClient, table);
    const hour = (identity: string, permanentBounces: number) => ({
      identity,
      hour: '2026-11-20T10',
      sends: 1000,
      deliveries: 0,
      permanentBounces,
      transientBounces: 0,
      complaints: 0,
      senderSide: {},
    });
    await counters.add([hour('critical.example', 60), hour('fine.example', 10)]);
    return invokeScheduledHandler<HygieneReport>(
      () => import('../functions/hygiene/handler'),
      { ...localLambdaEnv(engine, table), ...extraEnv },
      '2026-11-20T12:00:00Z',
    );
  }

  const brakeEnv = {
    EMERGENCY_BRAKE: JSON.stringify({
      enabled: true,
      configurationSets: { 'critical.example': ['marketing'], 'fine.example': ['transactional'] },
    }),
    ON_CALL_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:on-call',
  };

  it('pauses only the critical identity’s configuration set, pages once, and lists it in the actions', async () => {
    ses.reset();
    sns.reset();
    ses.on(GetConfigurationSetCommand).resolves({ SendingOptions: { SendingEnabled: true } });
    ses.on(PutConfigurationSetSendingOptionsCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
    const report = await runHandler(brakeEnv);
    expect(ses.commandCalls(PutConfigurationSetSendingOptionsCommand).map((c) => c.args[0].input)).toEqual([
      { ConfigurationSetName: 'marketing', SendingEnabled: false },
    ]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toBe(brakeEnv.ON_CALL_TOPIC_ARN);
    expect(report.actions.join('\n')).toMatch(/paused configuration set "marketing"/);
  });

  it('fails the run (for the hygiene-errors alarm) when a pause fails, after paging on-call', async () => {
    ses.reset();
    sns.reset();
    ses.on(GetConfigurationSetCommand).resolves({ SendingOptions: { SendingEnabled: true } });
    ses
      .on(PutConfigurationSetSendingOptionsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    sns.on(PublishCommand).resolves({ MessageId: 'm2' });
    const failure = await runHandler(brakeEnv).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as { report?: { actions: string[] } }).report?.actions.join('\n')).toMatch(
      /FAILED to pause/,
    );
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('makes no SES or SNS call when the brake is not configured', async () => {
    ses.reset();
    sns.reset();
    const report = await runHandler({});
    expect(report.identities.find((row) => row.identity === 'critical.example')?.level).toBe('critical');
    expect(ses.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
  });
});
