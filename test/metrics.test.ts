import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runHygiene } from '../functions/hygiene/hygiene';
import { ACCOUNT_DIMENSION, powertoolsHygieneMetrics } from '../functions/hygiene/metrics';
import { powertoolsMetrics } from '../functions/processor/metrics';
import { hashAddress } from '../shared/core/address';
import type { HourlyCounts } from '../shared/core/rates';

afterEach(() => {
  vi.restoreAllMocks();
});

/** The EMF documents Powertools prints for one publish call. */
function captureEmf(run: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => capture(args.join(' ')));
  run();
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('_aws'))
    .map((line) => JSON.parse(line));
}

describe('processor metrics (EMF through Powertools)', () => {
  it('publishes record counts, decisions by reason, and sender-side failures by identity', () => {
    const metrics = new Metrics({ namespace: 'SesBounceHandlerTest', serviceName: 'test' });
    const documents = captureEmf(() =>
      powertoolsMetrics(metrics).publish({
        processed: 9,
        failed: 1,
        gaveUp: 1,
        ignored: 2,
        unreadableRecipients: 1,
        decisions: [{ decision: 'suppress', reason: 'userunknown', count: 4 }],
        senderSide: [{ identity: 'mail.example.com', reason: 'blocked', count: 3 }],
      }),
    );
    const batch = documents.find((doc) => 'RecordsProcessed' in doc);
    expect(batch).toMatchObject({
      RecordsProcessed: 9,
      RecordsFailed: 1,
      StoreGiveUps: 1,
      RecordsIgnored: 2,
      UnreadableRecipients: 1,
      SenderSideFailures: 3,
    });
    expect(documents.find((doc) => 'RecipientDecisions' in doc)).toMatchObject({
      RecipientDecisions: 4,
      Decision: 'suppress',
      Reason: 'userunknown',
    });
    expect(documents.find((doc) => 'SenderSideFailures' in doc && 'Identity' in doc)).toMatchObject({
      SenderSideFailures: 3,
      Identity: 'mail.example.com',
      Reason: 'blocked',
    });
  });

  it('names an email-address identity by its hash in the Identity dimension, never raw', () => {
    const metrics = new Metrics({ namespace: 'SesBounceHandlerTest', serviceName: 'test' });
    const documents = captureEmf(() =>
      powertoolsMetrics(metrics).publish({
        processed: 1,
        failed: 0,
        gaveUp: 0,
        ignored: 0,
        unreadableRecipients: 0,
        decisions: [],
        senderSide: [{ identity: 'jane.sender@example.com', reason: 'blocked', count: 1 }],
      }),
    );
    const perIdentity = documents.find((doc) => 'SenderSideFailures' in doc && 'Identity' in doc);
    expect(perIdentity?.Identity).toBe(`email#${hashAddress('jane.sender@example.com')}`);
    expect(JSON.stringify(documents)).not.toContain('jane.sender');
  });
});

/** The metric names and dimension sets an EMF document declares (`_aws.CloudWatchMetrics`). */
function declared(doc: Record<string, unknown>) {
  const aws = doc._aws as { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  return aws.CloudWatchMetrics.flatMap((directive) =>
    directive.Metrics.map((metric) => ({
      name: metric.Name,
      dimensions: Object.fromEntries((directive.Dimensions[0] ?? []).map((key) => [key, doc[key] as string])),
      value: doc[metric.Name],
    })),
  );
}

describe('hygiene metrics (EMF through Powertools)', () => {
  const hour = (
    identity: string,
    sends: number,
    permanentBounces: number,
    complaints: number,
  ): HourlyCounts => ({
    identity,
    hour: '2026-11-20T10',
    sends,
    deliveries: 0,
    permanentBounces,
    transientBounces: 0,
    complaints,
    senderSide: {},
  });

  it('gives BounceRate, ComplaintRate, Sent and Level of every row its Identity and Window, and a Heartbeat', async () => {
    const counts = [hour('a.example', 1000, 60, 2), hour('b.example', 500, 5, 0)];
    const metrics = new Metrics({ namespace: 'SesBounceHandler', serviceName: 'ses-bounce-handler' });
    const emf = powertoolsHygieneMetrics(metrics);
    const documents: Record<string, unknown>[] = [];
    // runHygiene is async; publish is synchronous, so capture around the publish call itself.
    const report = await runHygiene(new Date('2026-11-20T12:00:00Z'), {
      counters: { add: async () => {}, read: async () => counts },
      metrics: { publish: (r) => documents.push(...captureEmf(() => emf.publish(r))) },
    });
    const points = documents.flatMap(declared);
    const rows = report.windows.flatMap((window) =>
      [ACCOUNT_DIMENSION, 'a.example', 'b.example'].map((identity) => ({
        identity,
        window: window.window.name,
      })),
    );
    expect(rows).toHaveLength(6);
    for (const { identity, window } of rows) {
      for (const name of ['BounceRate', 'ComplaintRate', 'Sent', 'Level']) {
        const matching = points.filter((p) => p.name === name && p.dimensions.Identity === identity);
        expect(
          matching.filter((p) => p.dimensions.Window === window).map((p) => p.dimensions),
          `${name} of ${identity} over ${window}`,
        ).toEqual([{ service: 'ses-bounce-handler', Identity: identity, Window: window }]);
      }
    }
    const a24 = (name: string) =>
      points.find(
        (p) => p.name === name && p.dimensions.Identity === 'a.example' && p.dimensions.Window === '24h',
      )?.value;
    expect([a24('BounceRate'), a24('ComplaintRate'), a24('Sent'), a24('Level')]).toEqual([6, 0.2, 1000, 2]);
    // Nothing else goes out without the row's dimensions, except the heartbeat (no tenant sent: no
    // tenant metric at all).
    expect(points.filter((p) => p.dimensions.Identity === undefined)).toEqual([
      { name: 'Heartbeat', dimensions: { service: 'ses-bounce-handler' }, value: 1 },
    ]);
  });

  it('gives only the configured tenants a Tenant dimension; the others only the worst rate past the minimum volume, per window', async () => {
    const tenantHour = (tenant: string, sends: number, permanentBounces: number, complaints = 0) => ({
      tenant,
      hour: '2026-11-20T10',
      sends,
      deliveries: 0,
      permanentBounces,
      transientBounces: 0,
      complaints,
      senderSide: {},
    });
    const emf = powertoolsHygieneMetrics(
      new Metrics({ namespace: 'SesBounceHandler', serviceName: 'ses-bounce-handler' }),
      { tenants: ['acme'] },
    );
    const documents: Record<string, unknown>[] = [];
    await runHygiene(new Date('2026-11-20T12:00:00Z'), {
      counters: {
        add: async () => {},
        read: async () => [],
        readTenants: async () => [
          tenantHour('acme', 400, 32),
          tenantHour('globex', 1000, 30, 2), // 3 %, 0.2 %
          tenantHour('initech', 500, 5, 1), // 1 %, 0.2 %
          tenantHour('tiny', 50, 25, 5), // 50 %, but below the minimum volume
        ],
      },
      metrics: { publish: (r) => documents.push(...captureEmf(() => emf.publish(r))) },
    });
    const points = documents.flatMap(declared);
    expect(new Set(points.map((p) => p.dimensions.Tenant).filter(Boolean))).toEqual(new Set(['acme']));
    const acme = (name: string) =>
      points.find((p) => p.name === name && p.dimensions.Tenant === 'acme' && p.dimensions.Window === '24h');
    expect(acme('BounceRate')?.value).toBe(8);
    expect(acme('Level')?.value).toBe(2);
    expect(acme('Sent')?.dimensions).toEqual({
      service: 'ses-bounce-handler',
      Tenant: 'acme',
      Window: '24h',
    });
    const worst = points.filter((p) => p.name.startsWith('UnlistedTenantMax'));
    expect(worst.map((p) => [p.name, p.dimensions.Window, p.value])).toEqual([
      ['UnlistedTenantMaxBounceRate', '24h', 3],
      ['UnlistedTenantMaxComplaintRate', '24h', 0.2],
      ['UnlistedTenantMaxBounceRate', '7d', 3],
      ['UnlistedTenantMaxComplaintRate', '7d', 0.2],
    ]);
  });

  it('names an email-address identity by its hash, as the alarms read it', async () => {
    const counts = [hour('jane.sender@example.com', 1000, 60, 2)];
    const emf = powertoolsHygieneMetrics(new Metrics({ namespace: 'N', serviceName: 'ses-bounce-handler' }));
    const documents: Record<string, unknown>[] = [];
    await runHygiene(new Date('2026-11-20T12:00:00Z'), {
      counters: { add: async () => {}, read: async () => counts },
      metrics: { publish: (r) => documents.push(...captureEmf(() => emf.publish(r))) },
    });
    const identities = new Set(documents.flatMap(declared).map((p) => p.dimensions.Identity));
    expect(identities).toContain(`email#${hashAddress('jane.sender@example.com')}`);
    expect(JSON.stringify(documents)).not.toContain('jane.sender');
  });
});

describe('per-provider metrics', () => {
  it('processor: sender-side failures per Provider, one bounded dimension', () => {
    const metrics = new Metrics({ namespace: 'SesBounceHandlerTest', serviceName: 'test' });
    const documents = captureEmf(() =>
      powertoolsMetrics(metrics).publish({
        processed: 3,
        failed: 0,
        gaveUp: 0,
        ignored: 0,
        unreadableRecipients: 0,
        decisions: [],
        senderSide: [{ identity: 'mail.example.com', reason: 'blocked', count: 3 }],
        providerSenderSide: [{ provider: 'microsoft', count: 3 }],
      }),
    );
    expect(documents.filter((doc) => 'Provider' in doc).flatMap(declared)).toEqual([
      { name: 'SenderSideFailures', dimensions: { service: 'test', Provider: 'microsoft' }, value: 3 },
    ]);
  });

  it('hygiene: BounceRate, ComplaintRate, Sent and Level per Provider and Window', async () => {
    const counts: HourlyCounts[] = [
      {
        identity: 'a.example',
        hour: '2026-11-20T10',
        sends: 0,
        deliveries: 0,
        permanentBounces: 0,
        transientBounces: 0,
        complaints: 0,
        senderSide: {},
        providers: {
          google: {
            deliveries: 990,
            permanentBounces: 10,
            transientBounces: 0,
            complaints: 3,
            senderSide: {},
          },
        },
      },
    ];
    const emf = powertoolsHygieneMetrics(new Metrics({ namespace: 'N', serviceName: 'svc' }));
    const documents: Record<string, unknown>[] = [];
    await runHygiene(new Date('2026-11-20T12:00:00Z'), {
      counters: { add: async () => {}, read: async () => counts },
      metrics: { publish: (r) => documents.push(...captureEmf(() => emf.publish(r))) },
    });
    const points = documents.flatMap(declared).filter((p) => p.dimensions.Provider !== undefined);
    expect(points.filter((p) => p.dimensions.Window === '24h')).toEqual([
      { name: 'BounceRate', dimensions: { service: 'svc', Provider: 'google', Window: '24h' }, value: 1 },
      {
        name: 'ComplaintRate',
        dimensions: { service: 'svc', Provider: 'google', Window: '24h' },
        value: 0.3,
      },
      { name: 'Sent', dimensions: { service: 'svc', Provider: 'google', Window: '24h' }, value: 1000 },
      { name: 'Level', dimensions: { service: 'svc', Provider: 'google', Window: '24h' }, value: 2 },
    ]);
    expect(points.some((p) => p.dimensions.Identity !== undefined)).toBe(false);
  });
});
