import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExportRow, exportRows } from '../../cli/views';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import { startTestEngine, type TestEngine } from '../support/engine';
import type { AlarmDefinition, AlarmState, MetricStore } from './cloudwatch';
import { checkCalls } from './iam';
import { isSatisfied, metricReads } from './reads';
import { complaint, delivery, permanentBounce, recipient, type SesMail, sendEvent } from './ses';
import { type CloudAssembly, synthesizeReusingBundles, synthesizeWithBundles } from './synth';
import { readersOf } from './tenant-scope';
import { Twin } from './twin';

/**
 * The deployed stack, run locally from what `cdk synth` wrote (see docs/testing.md): the functions'
 * bundles with their template environment, queues/schedules/alarms/roles as the template says.
 */
const CONFIG = {
  sesIdentities: ['one.example', 'three.example', 'six.example'],
  // The brake pauses only configuration sets the stack wires (a setting contradicting that is refused).
  sesConfigurationSets: ['brake-set'],
  sesSyncMode: 'both',
  // The sync paces SES calls in real time; the twin's clock does not move while a function runs.
  sesSyncRatePerSecond: 50,
  emergencyBrake: {
    enabled: true,
    configurationSets: { 'brake.example': ['brake-set'] },
    tenants: ['acme', 'globex'],
  },
  // SES tenants with their own alarms (scenario i); the brake may disable both.
  tenants: ['acme', 'globex'],
};
const START = new Date('2026-11-20T00:00:00Z');
const HOUR = 3_600_000;

let engine: TestEngine;
let assembly: CloudAssembly;
/** The same stack with the sync in `push` and in `pull` mode (the same bundles, their own templates). */
const syncModes: Record<string, CloudAssembly> = {};
/** The same stack with the policy's suppression scope `tenant`. */
let tenantScoped: CloudAssembly | undefined;
const twins: Twin[] = [];
/** Every scenario's metrics, for the coverage check at the end. */
const stores: MetricStore[] = [];
const started = Date.now();
/** Every alarm's state after every step of every scenario, written to .vitest/twin-alarms.json. */
const steps: { step: string; at: string; states: Record<string, AlarmState> }[] = [];

beforeAll(async () => {
  engine = await startTestEngine();
  assembly = synthesizeWithBundles(CONFIG);
  console.log(`twin: synthesized with bundles in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const mode of ['push', 'pull'])
    syncModes[mode] = synthesizeReusingBundles({ ...CONFIG, sesSyncMode: mode }, assembly);
  tenantScoped = synthesizeReusingBundles({ ...CONFIG, policy: { suppressionScope: 'tenant' } }, assembly);
  console.log(`twin: push and pull templates by ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 180_000);

afterAll(async () => {
  for (const twin of twins) await twin.destroy();
  assembly?.cleanup();
  for (const mode of Object.values(syncModes)) mode.cleanup();
  tenantScoped?.cleanup();
  await engine?.close();
  mkdirSync('.vitest', { recursive: true });
  writeFileSync('.vitest/twin-alarms.json', `${JSON.stringify(steps, null, 2)}\n`);
  console.log(`twin: ${((Date.now() - started) / 1000).toFixed(1)} s in all (synthesis included)`);
});

async function deploy(from: CloudAssembly = assembly): Promise<Twin> {
  const twin = await Twin.deploy({
    assembly: from,
    connection: engine.connection,
    dynamodbEndpoint: engine.endpoint,
    start: START,
  });
  twins.push(twin);
  stores.push(twin.metrics);
  return twin;
}

const mailAt = (twin: Twin, identity: string, n: number, configurationSet?: string): SesMail => ({
  identity,
  n,
  at: twin.isoNow,
  ...(configurationSet ? { configurationSet } : {}),
});

const storeOf = (twin: Twin) =>
  new DynamoDbSuppressionStore(
    engine.connection.documentClient,
    twin.resolver.resource(twin.logicalId('AWS::DynamoDB::Table', '')).name,
  );

/** The alarms that read `name` (namespace `namespace`) with these dimension values, lowest threshold first. */
function alarmsReading(twin: Twin, namespace: string, name: string, dimensions: Record<string, string> = {}) {
  return twin.alarms
    .filter((alarm) =>
      alarm.metrics.some(
        (m) =>
          m.metric?.namespace === namespace &&
          m.metric.name === name &&
          Object.entries(dimensions).every(([key, value]) => m.metric?.dimensions[key] === value),
      ),
    )
    .sort((a, b) => a.threshold - b.threshold);
}

/** The warning (lower) and critical (higher) rate alarms of an identity (ACCOUNT for the account). */
function rateAlarms(twin: Twin, identity: string, name: 'BounceRate' | 'ComplaintRate') {
  const found = alarmsReading(twin, 'SesBounceHandler', name, { Identity: identity, Window: '24h' });
  expect(found, `${name} alarms of ${identity}`).toHaveLength(2);
  return { warning: found[0] as AlarmDefinition, critical: found[1] as AlarmDefinition };
}

const state = (twin: Twin, alarm: AlarmDefinition) => twin.alarmStates.get(alarm.logicalId) as AlarmState;

/** Logs every alarm's state after a step (the twin's report), and returns the ones in ALARM. */
function report(twin: Twin, step: string): string[] {
  const states = twin.states();
  steps.push({ step, at: twin.isoNow, states });
  const alarming = Object.keys(states).filter((id) => states[id] === 'ALARM');
  const insufficient = Object.keys(states).filter((id) => states[id] === 'INSUFFICIENT_DATA').length;
  console.log(
    `[twin ${twin.isoNow}] ${step}: ALARM ${JSON.stringify(alarming)}; OK ${Object.values(states).filter((s) => s === 'OK').length}; INSUFFICIENT_DATA ${insufficient}`,
  );
  return alarming;
}

async function expectCallsAllowed(twin: Twin) {
  const verdicts = await checkCalls(twin);
  expect(verdicts.length).toBeGreaterThan(0);
  const denied = verdicts
    .filter((v) => !v.allowed)
    .map((v) => `${v.function} ${v.action} on ${v.resource}: ${v.detail}`);
  expect(denied, 'calls the role does not allow').toEqual([]);
  return verdicts;
}

const failedInvocations = (twin: Twin) =>
  twin.invocations.filter((i) => i.error).map((i) => `${i.function} at ${i.at}: ${i.error?.message}`);

describe('the deployed stack, twinned (synthesized bundles, template settings)', () => {
  it('(a) 1 %, 3 %, 6 % permanent bounces: warning for the 3 %, critical for the 6 %, nothing for the 1 %, the account by its totals', async () => {
    const twin = await deploy();
    const identities = [
      ['one.example', 20],
      ['three.example', 60],
      ['six.example', 120],
    ] as const;
    for (const [identity, bounces] of identities) {
      for (let n = 0; n < 2000; n++) {
        twin.sesPublishes(sendEvent(mailAt(twin, identity, n)));
        if (n < bounces) twin.sesPublishes(permanentBounce(mailAt(twin, identity, n)));
      }
    }
    await twin.advance(HOUR + 60_000); // through the first hygiene run
    report(twin, '(a) after the first hygiene run');
    expect(failedInvocations(twin)).toEqual([]);

    const one = rateAlarms(twin, 'one.example', 'BounceRate');
    const three = rateAlarms(twin, 'three.example', 'BounceRate');
    const six = rateAlarms(twin, 'six.example', 'BounceRate');
    const account = rateAlarms(twin, 'ACCOUNT', 'BounceRate');
    expect(
      [state(twin, one.warning), state(twin, one.critical)],
      `(warning, critical) of ${one.warning.logicalId}, ${one.critical.logicalId}`,
    ).toEqual(['OK', 'OK']);
    expect(
      [state(twin, three.warning), state(twin, three.critical)],
      `(warning, critical) of ${three.warning.logicalId}, ${three.critical.logicalId}`,
    ).toEqual(['ALARM', 'OK']);
    expect(
      [state(twin, six.warning), state(twin, six.critical)],
      `(warning, critical) of ${six.warning.logicalId}, ${six.critical.logicalId}`,
    ).toEqual(['ALARM', 'ALARM']);
    // The account: 200 of 6000 = 3.3 %: at or above warning (2 %), below critical (5 %).
    expect(
      [state(twin, account.warning), state(twin, account.critical)],
      'account bounce alarms (warning, critical)',
    ).toEqual(['ALARM', 'OK']);
    for (const identity of ['one.example', 'three.example', 'six.example', 'ACCOUNT']) {
      const complaints = rateAlarms(twin, identity, 'ComplaintRate');
      expect([state(twin, complaints.warning), state(twin, complaints.critical)]).toEqual(['OK', 'OK']);
    }
    // The hygiene run itself: identities with their levels.
    const run = twin.invocations.find((i) => i.function.startsWith('Hygiene'))?.result as {
      identities: { identity: string; level: string; sent: number }[];
      account: { sent: number };
    };
    expect(run.account.sent).toBe(6000);
    expect(run.identities.map((r) => [r.identity, r.sent, r.level])).toEqual([
      ['one.example', 2000, 'ok'],
      ['six.example', 2000, 'critical'],
      ['three.example', 2000, 'warning'],
    ]);
    // Table: every bounced recipient suppressed, a sent-only recipient not.
    const store = storeOf(twin);
    expect((await store.get(recipient('six.example', 119)))?.state.status).toBe('suppressed');
    expect((await store.get(recipient('one.example', 0)))?.state.status).toBe('suppressed');
    expect((await store.get(recipient('one.example', 1999)))?.state.status ?? 'absent').not.toBe(
      'suppressed',
    );
    await expectCallsAllowed(twin);
  }, 240_000);

  it('(b) complaints at 0.2 % on one identity: its complaint-critical alarm', async () => {
    const twin = await deploy();
    for (let n = 0; n < 1000; n++) {
      twin.sesPublishes(sendEvent(mailAt(twin, 'one.example', n)));
      if (n < 2) twin.sesPublishes(complaint(mailAt(twin, 'one.example', n)));
    }
    await twin.advance(HOUR + 60_000);
    report(twin, '(b) after the first hygiene run');
    const one = rateAlarms(twin, 'one.example', 'ComplaintRate');
    expect(
      [state(twin, one.warning), state(twin, one.critical)],
      `(warning, critical) of ${one.warning.logicalId}, ${one.critical.logicalId}`,
    ).toEqual(['ALARM', 'ALARM']);
    const bounce = rateAlarms(twin, 'one.example', 'BounceRate');
    expect([state(twin, bounce.warning), state(twin, bounce.critical)]).toEqual(['OK', 'OK']);
    // Other identities sent nothing: below the minimum volume their alarms read 0 (or nothing).
    const three = rateAlarms(twin, 'three.example', 'ComplaintRate');
    expect(state(twin, three.critical)).not.toBe('ALARM');
    const store = storeOf(twin);
    expect((await store.get(recipient('one.example', 1)))?.state.status).toBe('suppressed');
    await expectCallsAllowed(twin);
  }, 120_000);

  it('(c) 50 DMARC failures within 10 minutes: the sender-side alarm fires, no recipient is suppressed', async () => {
    const twin = await deploy();
    const [senderSide] = alarmsReading(twin, 'SesBounceHandler', 'SenderSideFailures');
    expect(senderSide).toBeDefined();
    for (let n = 0; n < 50; n++) {
      twin.sesPublishes(sendEvent(mailAt(twin, 'three.example', n)));
      twin.sesPublishes(
        permanentBounce(
          mailAt(twin, 'three.example', n),
          "smtp; 550 5.7.26 Unauthenticated email from three.example is not accepted due to domain's DMARC policy. Please contact the administrator of three.example domain.",
        ),
      );
      await twin.advance(12_000);
    }
    report(twin, '(c) after 50 DMARC failures in 10 minutes');
    expect(state(twin, senderSide as AlarmDefinition)).toBe('ALARM');
    const store = storeOf(twin);
    for (const n of [0, 25, 49]) {
      const status = (await store.get(recipient('three.example', n)))?.state.status ?? 'absent';
      expect(status, recipient('three.example', n)).not.toMatch(/^suppressed/);
    }
    await expectCallsAllowed(twin);
  }, 120_000);

  it('(d) a poison record redelivered maxReceiveCount times lands in the DLQ: the DLQ alarm fires, the good records of its batches land', async () => {
    const twin = await deploy();
    const mapping = twin.mappings[0];
    expect(mapping).toBeDefined();
    const queue = twin.queues.get(mapping?.queue as string);
    const redrive = queue?.redrive;
    expect(redrive?.maxReceiveCount).toBeGreaterThan(0);
    const dlq = [...twin.queues.values()].find((q) => q.arn === redrive?.deadLetterTargetArn);
    const [dlqAlarm] = alarmsReading(twin, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', {
      QueueName: dlq?.name as string,
    });
    expect(dlqAlarm, 'an alarm on the DLQ depth').toBeDefined();
    for (let n = 0; n < 9; n++) twin.sesPublishes(permanentBounce(mailAt(twin, 'six.example', n)));
    twin.sendToQueue(queue?.logicalId as string, '{"Type":"Notification","Message":"{not json"}');
    for (let n = 9; n < 19; n++) twin.sesPublishes(permanentBounce(mailAt(twin, 'six.example', n)));
    await twin.advance(60_000);
    report(twin, '(d) after the first delivery');
    expect(state(twin, dlqAlarm as AlarmDefinition)).not.toBe('ALARM');
    // maxReceiveCount deliveries, each a visibility timeout apart, then the move on the next receive.
    await twin.advance(((redrive?.maxReceiveCount ?? 0) + 1) * (queue?.visibilityTimeoutSeconds ?? 0) * 1000);
    report(twin, '(d) after maxReceiveCount visibility timeouts');
    expect(dlq?.messages.map((m) => m.body)).toEqual(['{"Type":"Notification","Message":"{not json"}']);
    expect(queue?.messages).toEqual([]);
    const poisonDeliveries = twin.invocations.filter((i) =>
      JSON.stringify(i.event).includes('{not json'),
    ).length;
    expect(poisonDeliveries).toBe(redrive?.maxReceiveCount);
    expect(state(twin, dlqAlarm as AlarmDefinition)).toBe('ALARM');
    const store = storeOf(twin);
    for (let n = 0; n < 19; n++)
      expect((await store.get(recipient('six.example', n)))?.state.status).toBe('suppressed');
    await expectCallsAllowed(twin);
  }, 120_000);

  it('(e) the hygiene schedule stops for 3 hours: the missed-run alarm pages once, and clears when runs resume; a fresh deployment does not page before its first run', async () => {
    const twin = await deploy();
    const [missed] = alarmsReading(twin, 'SesBounceHandler', 'Heartbeat');
    expect(missed).toBeDefined();
    await twin.advance(2 * HOUR + 60_000);
    report(twin, '(e) after two hourly runs');
    expect(state(twin, missed as AlarmDefinition)).toBe('OK');
    // From the deployment to the first run the alarm had no data: nothing but the move to OK.
    expect(twin.transitions.filter((t) => t.alarm === missed?.logicalId).map((t) => [t.from, t.to])).toEqual([
      ['INSUFFICIENT_DATA', 'OK'],
    ]);
    twin.pauseSchedule('Hygiene', true);
    const paused = twin.transitions.length;
    await twin.advance(3 * HOUR);
    report(twin, '(e) after 3 hours without a run');
    // Every period of its range without a heartbeat: INSUFFICIENT_DATA, whose action pages on-call.
    expect(state(twin, missed as AlarmDefinition)).toBe('INSUFFICIENT_DATA');
    const pages = twin.transitions
      .slice(paused)
      .filter((t) => t.alarm === missed?.logicalId && t.notified.length > 0);
    expect(pages.map((t) => [t.to, t.notified])).toEqual([['INSUFFICIENT_DATA', missed?.alarmActions]]);
    twin.pauseSchedule('Hygiene', false);
    await twin.advance(HOUR + 60_000);
    report(twin, '(e) after the schedule resumed');
    expect(state(twin, missed as AlarmDefinition)).toBe('OK');
    await expectCallsAllowed(twin);
  }, 120_000);

  it('(f) the emergency brake on and a mapped configuration set critical: the pause is made, allowed by the role, on-call paged once', async () => {
    const twin = await deploy();
    for (let n = 0; n < 400; n++) {
      twin.sesPublishes(sendEvent(mailAt(twin, 'brake.example', n, 'brake-set')));
      if (n < 40) twin.sesPublishes(permanentBounce(mailAt(twin, 'brake.example', n, 'brake-set')));
    }
    await twin.advance(2 * HOUR + 60_000); // two hygiene runs: the second finds the set already paused
    report(twin, '(f) after two hygiene runs');
    expect(failedInvocations(twin)).toEqual([]);
    const pauses = twin.calls.filter((c) => c.action === 'ses:PutConfigurationSetSendingOptions');
    expect(pauses.map((c) => [c.function.replace(/[0-9A-F]{8}$/, ''), c.input])).toEqual([
      ['HygieneFunction', { SendingEnabled: false }],
    ]);
    expect(twin.services.configurationSets.get('brake-set')).toEqual({ sendingEnabled: false });
    const pages = twin.calls.filter((c) => c.action === 'sns:Publish');
    expect(pages).toHaveLength(1);
    const onCallTopic = twin.alarms[0]?.alarmActions[0];
    expect(pages[0]?.resources).toEqual([onCallTopic]);
    const verdicts = await expectCallsAllowed(twin);
    // The brake's own calls (the hygiene function's), each allowed: pause, page, and the topic's key.
    expect(
      [
        ...new Set(
          verdicts
            .filter((v) => v.function.startsWith('Hygiene') && !v.action.startsWith('dynamodb:'))
            .map((v) => v.action),
        ),
      ].sort(),
    ).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'ses:GetConfigurationSet',
      'ses:PutConfigurationSetSendingOptions',
      'sns:Publish',
    ]);
  }, 120_000);

  it('(g) the SES suppression-list sync pushes and pulls, every call allowed by its role', async () => {
    const twin = await deploy();
    // Pull: SES already suppresses an address the table does not know.
    twin.services.suppressed.set('ses-only@example.net', {
      reason: 'BOUNCE',
      lastUpdateTime: '2026-11-19T22:00:00.000Z',
    });
    // Push: a hard bounce the processor suppresses.
    twin.sesPublishes(permanentBounce(mailAt(twin, 'one.example', 7)));
    const syncRules = twin.rules.filter((r) => r.targets.some((t) => t.startsWith('Sync')));
    expect(syncRules).toHaveLength(1);
    await twin.advance((syncRules[0]?.everyMs ?? HOUR) + 60_000);
    report(twin, '(g) after the first sync run');
    expect(failedInvocations(twin)).toEqual([]);
    expect(twin.services.suppressed.get(recipient('one.example', 7))).toMatchObject({ reason: 'BOUNCE' });
    const store = storeOf(twin);
    expect((await store.get('ses-only@example.net'))?.state).toMatchObject({ status: 'suppressed' });
    const actions = new Set(twin.calls.filter((c) => c.function.startsWith('Sync')).map((c) => c.action));
    expect(actions).toContain('ses:PutSuppressedDestination');
    expect(actions).toContain('ses:ListSuppressedDestinations');
    await expectCallsAllowed(twin);
  }, 120_000);

  it.each(['push', 'pull'])(
    '(g) the sync in %s mode: only its own direction, every call allowed by its role',
    async (mode) => {
      const twin = await deploy(syncModes[mode] as CloudAssembly);
      twin.services.suppressed.set('ses-only@example.net', {
        reason: 'COMPLAINT',
        lastUpdateTime: '2026-11-19T22:00:00.000Z',
      });
      twin.sesPublishes(permanentBounce(mailAt(twin, 'one.example', 8)));
      const [rule] = twin.rules.filter((r) => r.targets.some((t) => t.startsWith('Sync')));
      await twin.advance((rule?.everyMs ?? HOUR) + 60_000);
      report(twin, `(g) ${mode}: after the first sync run`);
      expect(failedInvocations(twin)).toEqual([]);
      const actions = [
        ...new Set(
          twin.calls
            .filter((c) => c.function.startsWith('Sync') && c.action.startsWith('ses:'))
            .map((c) => c.action),
        ),
      ];
      const pulled = (await storeOf(twin).get('ses-only@example.net'))?.state.status;
      if (mode === 'push') {
        expect(actions).toEqual(['ses:PutSuppressedDestination']);
        expect(twin.services.suppressed.get(recipient('one.example', 8))).toMatchObject({ reason: 'BOUNCE' });
        expect(pulled).toBeUndefined();
      } else {
        expect(actions).toEqual(['ses:ListSuppressedDestinations']);
        expect(twin.services.suppressed.has(recipient('one.example', 8))).toBe(false);
        expect(pulled).toBe('suppressed');
      }
      await expectCallsAllowed(twin);
    },
    120_000,
  );

  it('(h) one mailbox provider rejects our mail with a block-list reply while the others accept: only its alarm fires, on-call is paged once, account rates stay below their levels', async () => {
    const twin = await deploy();
    const S3150 =
      "smtp; 550 5.7.1 Unfortunately, messages from [54.240.8.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [BL02EPF0001A0F9.namprd09.prod.outlook.com 2026-11-20T00:10:00.000Z]";
    // One consumer domain per provider of the fixed set (and one for `other`); Microsoft takes the most mail.
    const domains: [string, number][] = [
      ['gmail.com', 5],
      ['hotmail.com', 12],
      ['yahoo.com', 5],
      ['icloud.com', 5],
      ['web.de', 5],
      ['comcast.net', 5],
      ['mail.ru', 5],
      ['yandex.ru', 5],
      ['zohomail.com', 5],
      ['example.org', 5],
    ];
    // A running stack: past its first hygiene run (a fresh twin's heartbeat alarm starts missing).
    await twin.advance(HOUR + 60_000);
    const before = twin.transitions.length;
    expect(report(twin, '(h) before')).toEqual([]);
    let n = 0;
    // An hour: every minute each provider accepts its share; every other minute Outlook.com refuses
    // one message for our IP's block-list listing (30 in the hour, at most 8 in any 15 minutes: below
    // the account-wide sender-side alarm's 10, above the provider alarm's 25 per hour).
    for (let minute = 0; minute < 60; minute++) {
      for (const [domain, count] of domains) {
        for (let i = 0; i < count; i++) {
          const m = { ...mailAt(twin, 'one.example', n++), to: `u${n}@${domain}` };
          twin.sesPublishes(sendEvent(m));
          twin.sesPublishes(
            delivery(m, domain === 'gmail.com' ? '250 2.0.0 OK  1732060800 - gsmtp' : undefined),
          );
        }
      }
      if (minute % 2 === 0) {
        const m = { ...mailAt(twin, 'one.example', n++), to: `blocked${minute}@hotmail.com` };
        twin.sesPublishes(sendEvent(m));
        twin.sesPublishes(permanentBounce(m, S3150));
      }
      await twin.advance(60_000);
    }
    await twin.advance(2 * 60_000); // the hourly hygiene run at 02:00
    const alarming = report(twin, '(h) after an hour of Outlook.com block-list rejections');
    expect(failedInvocations(twin)).toEqual([]);
    const microsoft = alarmsReading(twin, 'SesBounceHandler', 'SenderSideFailures', {
      Provider: 'microsoft',
    });
    expect(microsoft.map((a) => a.logicalId)).toHaveLength(1);
    expect(alarming).toEqual([(microsoft[0] as AlarmDefinition).logicalId]);
    // Paged once: one transition to ALARM, notifying the on-call topic.
    const pages = twin.transitions.slice(before).filter((t) => t.to === 'ALARM' && t.notified.length > 0);
    expect(pages.map((t) => t.alarm)).toEqual([(microsoft[0] as AlarmDefinition).logicalId]);
    // The account-wide rates read below their levels (the alarms above say so; here the figures).
    const account = rateAlarms(twin, 'ACCOUNT', 'BounceRate');
    expect([state(twin, account.warning), state(twin, account.critical)]).toEqual(['OK', 'OK']);
    const [accountSenderSide] = alarmsReading(twin, 'SesBounceHandler', 'SenderSideFailures').filter((a) =>
      a.metrics.every((m) => m.metric?.dimensions.Provider === undefined),
    );
    expect(state(twin, accountSenderSide as AlarmDefinition)).toBe('OK');
    // Nobody at Outlook.com was suppressed for our block.
    const status = (await storeOf(twin).get('blocked0@hotmail.com'))?.state.status ?? 'absent';
    expect(status).not.toMatch(/^suppressed/);
    await expectCallsAllowed(twin);
  }, 300_000);

  it('(i) two tenants, one at 8 % permanent bounces: only its alarms fire, the brake disables only that tenant, on-call paged once (not again on the next run)', async () => {
    const twin = await deploy();
    twin.services.tenants.set('acme', { id: 'tn-acme01', customerManagedStatus: 'ENABLED' });
    twin.services.tenants.set('globex', { id: 'tn-globex02', customerManagedStatus: 'ENABLED' });
    // One identity for both: 32 + 10 of 2400 = 1.75 %, below every identity and account level.
    const traffic = [
      ['acme', 400, 32],
      ['globex', 2000, 10],
    ] as const;
    let n = 0;
    for (const [tenant, sends, bounces] of traffic) {
      for (let i = 0; i < sends; i++) {
        const m = { ...mailAt(twin, 'one.example', n++), tenant };
        twin.sesPublishes(sendEvent(m));
        if (i < bounces) twin.sesPublishes(permanentBounce(m));
      }
    }
    await twin.advance(2 * HOUR + 60_000); // two hygiene runs: the second finds the tenant disabled
    const alarming = report(twin, '(i) after two hygiene runs');
    expect(failedInvocations(twin)).toEqual([]);
    const levelAlarms = (tenant: string) =>
      alarmsReading(twin, 'SesBounceHandler', 'Level', { Tenant: tenant, Window: '24h' });
    const acme = levelAlarms('acme');
    expect(acme.map((a) => a.threshold)).toEqual([1, 2]);
    expect(levelAlarms('globex').map((a) => state(twin, a))).toEqual(['OK', 'OK']);
    expect(alarming.sort()).toEqual(acme.map((a) => a.logicalId).sort());
    const run = twin.invocations.find((i) => i.function.startsWith('Hygiene'))?.result as {
      tenants: { tenant: string; sent: number; bounces: number; level: string }[];
      identities: { identity: string; level: string }[];
    };
    expect(run.tenants.map((r) => [r.tenant, r.sent, r.bounces, r.level])).toEqual([
      ['acme', 400, 32, 'critical'],
      ['globex', 2000, 10, 'ok'],
    ]);
    expect(run.identities.map((r) => [r.identity, r.level])).toEqual([['one.example', 'ok']]);
    // The brake: acme's customer-managed status DISABLED, once; globex untouched.
    const disables = twin.calls.filter((c) => c.action === 'ses:UpdateReputationEntityCustomerManagedStatus');
    expect(disables.map((c) => [c.resources, c.input.SendingStatus])).toEqual([
      [['arn:aws:ses:us-east-1:123456789012:tenant/acme/tn-acme01'], 'DISABLED'],
    ]);
    expect(twin.services.tenants.get('acme')?.customerManagedStatus).toBe('DISABLED');
    expect(twin.services.tenants.get('globex')?.customerManagedStatus).toBe('ENABLED');
    const pages = twin.calls.filter((c) => c.action === 'sns:Publish');
    expect(pages).toHaveLength(1);
    expect(String(pages[0]?.input.Message)).toContain(
      'disabled tenant "acme" (tenant acme critical: bounce 8 %',
    );
    const verdicts = await expectCallsAllowed(twin);
    expect(
      [
        ...new Set(
          verdicts
            .filter((v) => v.function.startsWith('Hygiene') && v.action.startsWith('ses:'))
            .map((v) => v.action),
        ),
      ].sort(),
    ).toEqual([
      'ses:GetReputationEntity',
      'ses:GetTenant',
      'ses:UpdateReputationEntityCustomerManagedStatus',
    ]);
  }, 120_000);

  it('(j) bounces SES synthesizes (OnAccountSuppressionList, EmailValidationSuppressed) leave every rate unchanged', async () => {
    const twin = await deploy();
    // 1000 sends by acme with 5 real permanent bounces (0.5 %), then 120 sends SES refused itself.
    for (let n = 0; n < 1000; n++) {
      const m = { ...mailAt(twin, 'one.example', n), tenant: 'acme' };
      twin.sesPublishes(sendEvent(m));
      if (n < 5) twin.sesPublishes(permanentBounce(m));
    }
    for (let n = 1000; n < 1120; n++) {
      const m = { ...mailAt(twin, 'one.example', n), tenant: 'acme' };
      const subType = n % 2 === 0 ? 'OnAccountSuppressionList' : 'EmailValidationSuppressed';
      twin.sesPublishes(permanentBounce(m, 'Amazon SES did not send the message to this address.', subType));
    }
    await twin.advance(HOUR + 60_000);
    const alarming = report(twin, '(j) after the first hygiene run');
    expect(failedInvocations(twin)).toEqual([]);
    const run = twin.invocations.find((i) => i.function.startsWith('Hygiene'))?.result as {
      account: { sent: number; bounces: number };
      identities: { identity: string; sent: number; bounces: number }[];
      tenants: { tenant: string; sent: number; bounces: number }[];
      providers: { provider: string; bounces: number }[];
    };
    expect([run.account.sent, run.account.bounces]).toEqual([1000, 5]);
    expect(run.identities.map((r) => [r.identity, r.sent, r.bounces])).toEqual([['one.example', 1000, 5]]);
    expect(run.tenants.map((r) => [r.tenant, r.sent, r.bounces])).toEqual([['acme', 1000, 5]]);
    expect(run.providers.reduce((total, r) => total + r.bounces, 0)).toBe(5);
    // 125 of 1000 would be 12.5 %: every rate alarm (account, identity, tenant) stays quiet.
    expect(alarming).toEqual([]);
  }, 120_000);

  it('(k) suppression scope "tenant": a complaint through acme suppresses the address for acme only (client, guard and CLI agree), a hard bounce for everyone; the sync puts each on its own SES list and leaves SES\'s own verdicts alone', async () => {
    const twin = await deploy(tenantScoped as CloudAssembly);
    const [complained, bounced, listed] = [41, 42, 43].map((n) => recipient('one.example', n)) as [
      string,
      string,
      string,
    ];
    const through = (n: number): SesMail => ({ ...mailAt(twin, 'one.example', n), tenant: 'acme' });
    for (const n of [41, 42, 43]) twin.sesPublishes(sendEvent(through(n)));
    twin.sesPublishes(complaint(through(41)));
    twin.sesPublishes(permanentBounce(through(42)));
    // SES refused the send itself (the address is on its list): no receiver said anything.
    const verdict = permanentBounce(through(43));
    twin.sesPublishes({
      ...verdict,
      bounce: { ...verdict.bounce, bounceSubType: 'OnAccountSuppressionList' },
    });
    const [syncRule] = twin.rules.filter((r) => r.targets.some((t) => t.startsWith('Sync')));
    await twin.advance((syncRule?.everyMs ?? HOUR) + 60_000);
    report(twin, '(k) after the complaint, the bounces and a sync run');
    expect(failedInvocations(twin)).toEqual([]);

    const table = twin.resolver.resource(twin.logicalId('AWS::DynamoDB::Table', '')).name;
    const readers = await readersOf(engine, table, twin.isoNow);
    try {
      const addresses = [complained, bounced, listed];
      const agree = (allowed: boolean[]) => ({
        client: allowed,
        guard: allowed,
        lookup: allowed,
        export: allowed,
      });
      expect(await readers.answers(addresses, 'acme')).toEqual(agree([false, false, false]));
      expect(await readers.answers(addresses, 'globex')).toEqual(agree([true, false, false]));
      expect(await readers.answers(addresses, undefined)).toEqual(agree([true, false, false]));
    } finally {
      await readers.close();
    }
    expect(twin.services.tenantSuppressed.get('acme')?.get(complained)).toMatchObject({
      reason: 'COMPLAINT',
    });
    expect(twin.services.suppressed.get(bounced)).toMatchObject({ reason: 'BOUNCE' });
    expect(twin.services.suppressed.has(complained)).toBe(false);
    expect(twin.services.suppressed.has(listed)).toBe(false);
    await expectCallsAllowed(twin);
  }, 180_000);

  it('(l) the same notifications, out of order, via SNS, via EventBridge and via both at once: identical export and rates; Sending Status Disabled pages on-call once', async () => {
    const variants = {
      sns: assembly,
      eventbridge: synthesizeReusingBundles({ ...CONFIG, ingest: 'eventbridge' }, assembly),
      both: synthesizeReusingBundles({ ...CONFIG, ingest: 'both' }, assembly),
    };
    try {
      // 60 messages of brake-set (the configured set) over 20 minutes, each a Send then its outcome:
      // 6 hard bounces, 3 soft bounces then a delivery, 2 complaints after their delivery, deliveries.
      const notifications: Record<string, unknown>[] = [];
      for (let n = 0; n < 60; n++) {
        const m = (minutes: number): SesMail => ({
          identity: 'three.example',
          n,
          at: new Date(START.getTime() + (n / 3 + minutes) * 60_000).toISOString(),
          configurationSet: 'brake-set',
        });
        notifications.push(sendEvent(m(0)));
        if (n % 10 === 0) notifications.push(permanentBounce(m(1)));
        else if (n % 20 === 1)
          notifications.push(permanentBounce(m(1), 'smtp; 452 4.2.2 mailbox full'), delivery(m(30)));
        else if (n % 30 === 2) notifications.push(delivery(m(1)), complaint(m(40)));
        else notifications.push(delivery(m(1)));
      }
      // SES publishes out of order: the whole batch reversed, then pairs swapped.
      const outOfOrder = [...notifications].reverse();
      for (let i = 0; i + 1 < outOfOrder.length; i += 2)
        [outOfOrder[i], outOfOrder[i + 1]] = [outOfOrder[i + 1], outOfOrder[i]] as [never, never];
      type Outcome = { exported: ExportRow[]; rates: { identities: unknown[] }; pages: number };
      const results = {} as Record<keyof typeof variants, Outcome>;
      for (const [mode, variant] of Object.entries(variants) as [keyof typeof variants, CloudAssembly][]) {
        const twin = await deploy(variant);
        for (const notification of outOfOrder) twin.sesPublishes(notification);
        twin.putEvent({
          version: '0',
          id: 'a3d6e0f2-0000-4000-8000-000000000001',
          'detail-type': 'Sending Status Disabled',
          source: 'aws.ses',
          account: '123456789012',
          time: twin.isoNow.replace(/\.\d{3}Z$/, 'Z'),
          region: 'us-east-1',
          resources: [],
          detail: {},
        });
        await twin.advance(HOUR + 60_000); // past the hourly hygiene run
        report(twin, `(l) ${mode}`);
        expect(failedInvocations(twin), mode).toEqual([]);
        const queues = [...twin.queues.values()];
        expect(
          queues
            .filter((q) => /DeadLetter/.test(q.logicalId) && q.messages.length > 0)
            .map((q) => q.logicalId),
          mode,
        ).toEqual([]);
        const hygiene = twin.invocations.filter((i) => i.function.startsWith('HygieneFunction')).at(-1);
        const result = hygiene?.result as { account: unknown; identities: { identity: string }[] };
        const onCallTopic = twin.alarms[0]?.alarmActions[0];
        results[mode] = {
          exported: await exportRows(storeOf(twin), new Date(twin.now)),
          rates: { account: result.account, identities: result.identities } as Outcome['rates'],
          pages: twin.eventDeliveries.filter((d) => d.target === onCallTopic).length,
        };
      }
      const { sns, eventbridge, both } = results;
      // What the notifications imply (so equality is not three empty stores agreeing).
      const rows = sns.exported;
      expect(
        rows
          .filter((r) => r.status === 'suppressed')
          .map((r) => r.source)
          .sort(),
      ).toEqual([...Array(6).fill('bounce'), ...Array(2).fill('complaint')]);
      expect(sns.rates.identities).toEqual([
        // 9 Permanent bounces (6 hard, 3 typed Permanent by SES with a 4.2.2 reply) and 54 deliveries
        // outnumber the 60 Sends: sent is the larger figure.
        expect.objectContaining({ identity: 'three.example', sent: 63, bounces: 9, complaints: 2 }),
      ]);
      expect(eventbridge.exported).toEqual(sns.exported);
      expect(both.exported).toEqual(sns.exported);
      expect(eventbridge.rates).toEqual(sns.rates);
      expect(both.rates).toEqual(sns.rates);
      // Sending Status Disabled reaches on-call once where the EventBridge path is on, and not at all without it.
      expect([sns.pages, eventbridge.pages, both.pages]).toEqual([0, 1, 1]);
    } finally {
      variants.eventbridge.cleanup();
      variants.both.cleanup();
    }
  }, 300_000);
  it('(m) a bounce naming an address nobody can read: its co-recipient is suppressed, the unreadable one kept by hash, and the UnreadableRecipients alarm pages on-call once, then clears', async () => {
    const twin = await deploy();
    const [unreadable] = alarmsReading(twin, 'SesBounceHandler', 'UnreadableRecipients');
    expect(unreadable, 'an alarm on UnreadableRecipients').toBeDefined();
    const before = twin.transitions.length;
    const bounce = permanentBounce(mailAt(twin, 'seven.example', 0));
    const [readable] = bounce.bounce.bouncedRecipients;
    bounce.bounce.bouncedRecipients.push({
      ...(readable as (typeof bounce.bounce.bouncedRecipients)[0]),
      emailAddress: 'jane@localhost',
    });
    twin.sesPublishes(bounce);
    await twin.advance(HOUR + 60_000);
    report(twin, '(m) after a bounce with an unreadable recipient');
    // It pages once, and clears the next hour when no other unreadable recipient came.
    const moves = twin.transitions
      .slice(before)
      .filter((t) => t.alarm === unreadable?.logicalId)
      .map((t) => [t.to, t.notified.length > 0]);
    expect(moves).toEqual([
      ['ALARM', true],
      ['OK', true],
    ]);
    const status = (await storeOf(twin).get(recipient('seven.example', 0)))?.state.status ?? 'absent';
    expect(status).toMatch(/^suppressed/);
    await expectCallsAllowed(twin);
  }, 120_000);

  it('every metric an alarm or a dashboard widget reads was emitted in some scenario, with exactly those dimensions', () => {
    expect(twins.length).toBeGreaterThan(0);
    const reads = metricReads(twins[0] as Twin);
    expect(reads.length).toBeGreaterThan(0);
    const missing = reads
      .filter((read) => !stores.some((store) => isSatisfied(read, store)))
      .map(
        (read) =>
          `${read.reader}: ${read.namespace} ${read.name} ${JSON.stringify(read.dimensions)}${read.searchKeys ? ` (SEARCH over ${read.searchKeys})` : ''}`,
      );
    expect(missing).toEqual([]);
  });
});
