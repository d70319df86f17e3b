import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hygieneSettingsFromEnv } from '../functions/hygiene/compose';
import { DynamoDbRateCounters } from '../shared/adapters/dynamodb/counters';
import type { AddressEvent } from '../shared/core/events';
import { HourlyTally, rateReport, type TenantHourlyCounts, windowOf } from '../shared/core/rates';
import { snsEnvelope } from './fixtures/ses-examples';
import { runBounceOk } from './support/cli';
import { startTestEngine, type TestEngine } from './support/engine';
import { bounceEvent, complaintEvent, deliveryEvent } from './support/events';

/** The event as sent through a tenant. */
const through = (tenant: string, event: AddressEvent): AddressEvent =>
  event.type === 'manual' ? event : { ...event, tenant };

const NOW = new Date('2026-12-07T12:00:00Z');
const at = (n: number) => new Date(NOW.getTime() - 3_600_000 + n * 1000).toISOString();
const mail = (identity: string, n: number, to: string, tenant?: string) => ({
  timestamp: at(n),
  source: `news@${identity}`,
  sourceArn: `arn:aws:ses:eu-west-1:123456789012:identity/${identity}`,
  messageId: `m-${n}`,
  destination: [to],
  ...(tenant ? { tags: { 'ses:tenant-name': [tenant] } } : {}),
});
const sent = (identity: string, n: number, tenant?: string) =>
  snsEnvelope(
    { eventType: 'Send', mail: mail(identity, n, `r${n}@example.org`, tenant), send: {} },
    `s-${n}`,
  );
const bounced = (identity: string, n: number, tenant?: string, subType = 'General') =>
  snsEnvelope(
    {
      eventType: 'Bounce',
      mail: mail(identity, n, `r${n}@example.org`, tenant),
      bounce: {
        feedbackId: `fb-${n}`,
        bounceType: 'Permanent',
        bounceSubType: subType,
        timestamp: at(n),
        bouncedRecipients: [
          {
            emailAddress: `r${n}@example.org`,
            action: 'failed',
            status: '5.1.1',
            diagnosticCode:
              subType === 'General'
                ? 'smtp; 550 5.1.1 user unknown'
                : 'Amazon SES did not send the message to this address.',
          },
        ],
      },
    },
    `b-${n}-${subType}`,
  );

describe('HourlyTally per tenant', () => {
  it('counts sends and events that name a tenant in a tenant-hour bucket too, the identity-hour unchanged', () => {
    const tally = new HourlyTally();
    const t = '2026-01-01T10:15:00.000Z';
    tally.addSend('example.com', t, 3, 'acme');
    tally.addSend('example.com', t, 2);
    tally.addEvents([
      { ...bounceEvent('b1', t, 'userunknown'), tenant: 'acme' },
      { ...bounceEvent('b2', t, 'blocked'), tenant: 'acme' },
      through('globex', complaintEvent('c1', t)),
      through('acme', deliveryEvent('d1', t)),
      deliveryEvent('d2', t),
    ]);
    expect(tally.counts()).toEqual([
      expect.objectContaining({
        identity: 'example.com',
        sends: 5,
        deliveries: 2,
        permanentBounces: 2,
        complaints: 1,
      }),
    ]);
    expect(tally.tenantCounts()).toEqual([
      {
        tenant: 'acme',
        hour: '2026-01-01T10',
        sends: 3,
        deliveries: 1,
        permanentBounces: 2,
        transientBounces: 0,
        complaints: 0,
        senderSide: { blocked: 1 },
      },
      {
        tenant: 'globex',
        hour: '2026-01-01T10',
        sends: 0,
        deliveries: 0,
        permanentBounces: 0,
        transientBounces: 0,
        complaints: 1,
        senderSide: {},
      },
    ]);
  });

  it.each(['OnAccountSuppressionList', 'EmailValidationSuppressed', 'emailvalidationsuppressed'])(
    'never counts a %s bounce (SES refused the send itself): not for the identity, the tenant or the provider',
    (bounceSubType) => {
      const tally = new HourlyTally();
      const t = '2026-01-01T10:15:00.000Z';
      tally.addSend('example.com', t, 10, 'acme');
      tally.addEvents(
        [{ ...bounceEvent('b1', t, 'userunknown'), bounceSubType, tenant: 'acme' }],
        () => 'google',
      );
      const [identity] = tally.counts();
      expect(identity).toEqual(
        expect.objectContaining({ permanentBounces: 0, transientBounces: 0, senderSide: {} }),
      );
      expect(identity?.providers).toBeUndefined();
      expect(tally.tenantCounts()[0]).toMatchObject({ sends: 10, permanentBounces: 0, transientBounces: 0 });
    },
  );

  it('rates tenants with the same fields, rules and levels as identities, by name', () => {
    const hour = '2026-12-07T10';
    const counts = (tenant: string, sends: number, permanentBounces: number): TenantHourlyCounts => ({
      tenant,
      hour,
      sends,
      deliveries: sends - permanentBounces,
      permanentBounces,
      transientBounces: 0,
      complaints: 0,
      senderSide: {},
    });
    const report = rateReport([], windowOf('24h', 24, NOW), undefined, [
      counts('zeta', 1000, 30),
      counts('acme', 400, 32),
      counts('tiny', 50, 25),
      { ...counts('acme', 0, 0), hour: '2026-11-01T10', permanentBounces: 999 }, // outside the window
    ]);
    expect(report.tenants.map((r) => [r.tenant, r.sent, r.bounces, r.bounceRate, r.level])).toEqual([
      ['acme', 400, 32, 0.08, 'critical'],
      ['tiny', 50, 25, 0.5, 'low-volume'],
      ['zeta', 1000, 30, 0.03, 'warning'],
    ]);
  });
});

describe('the hygiene Lambda environment: TENANTS', () => {
  it('reads the tenants setting as a JSON array and refuses a bad name, naming it', () => {
    const env = { TABLE_NAME: 't' };
    expect(hygieneSettingsFromEnv(env).tenants).toEqual([]);
    expect(hygieneSettingsFromEnv({ ...env, TENANTS: '["acme","globex_2"]' }).tenants).toEqual([
      'acme',
      'globex_2',
    ]);
    expect(() => hygieneSettingsFromEnv({ ...env, TENANTS: '["acme","a b"]' })).toThrow(
      'TENANTS: expected a JSON array of SES tenant names (letters, digits, _ or -; at most 64), got "a b"',
    );
    expect(() => hygieneSettingsFromEnv({ ...env, TENANTS: 'acme' })).toThrow(/^TENANTS is not JSON/);
  });
});

describe('tenant counters in DynamoDB (their own items, never on the identity-hour item)', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('writes tenant-hours as their own items, reads each kind apart, and the stale-day cleanup deletes both', async () => {
    const table = await engine.newTable();
    const counters = new DynamoDbRateCounters(engine.connection.documentClient, table);
    const tally = new HourlyTally();
    const t = '2026-12-07T10:15:00.000Z';
    tally.addSend('example.com', t, 5, 'acme');
    tally.addEvents([{ ...bounceEvent('b1', t, 'userunknown'), tenant: 'acme' }]);
    await counters.add(tally.counts(), tally.tenantCounts());
    await counters.add(tally.counts(), tally.tenantCounts());
    const from = new Date('2026-12-07T00:00:00Z');
    const to = new Date('2026-12-08T00:00:00Z');
    const identities = await counters.read(from, to);
    expect(identities.map((c) => [c.identity, c.sends, c.permanentBounces])).toEqual([
      ['example.com', 10, 2],
    ]);
    expect(Object.keys(identities[0] ?? {})).not.toContain('tenant');
    expect(await counters.readTenants(from, to)).toEqual([
      {
        tenant: 'acme',
        hour: '2026-12-07T10',
        sends: 10,
        deliveries: 0,
        permanentBounces: 2,
        transientBounces: 0,
        complaints: 0,
        senderSide: {},
      },
    ]);
    // The hygiene run's read: both kinds from one Query per day, the same rows.
    expect(await counters.readAll(from, to)).toEqual({
      identities,
      tenants: await counters.readTenants(from, to),
    });
    const cleanup = await counters.deleteStaleDays(new Date('2027-02-01T00:00:00Z'));
    expect(cleanup.itemsDeleted).toBe(2);
    expect(await counters.readTenants(from, to)).toEqual([]);
  });
});

describe('bounce hygiene per tenant', () => {
  const work = mkdtempSync(join(tmpdir(), 'bounce-tenants-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const bounce = (...args: string[]) => runBounceOk([...args, '--data-dir', join(work, 'store')]);

  it('gives each tenant a row with the identities’ fields and levels, sends counted for its denominator; SES-synthesized bounces in no rate', async () => {
    const lines: string[] = [];
    let n = 0;
    // acme: 400 sends, 32 hard bounces (8 %: critical); globex: 2000 sends, 10 (0.5 %: ok); both
    // from one identity. 60 sends without a tenant. SES refuses 40 more sends itself (both subtypes).
    for (let i = 0; i < 400; i++) {
      lines.push(sent('mail.example.com', n, 'acme'));
      if (i < 32) lines.push(bounced('mail.example.com', n, 'acme'));
      n++;
    }
    for (let i = 0; i < 2000; i++) {
      lines.push(sent('mail.example.com', n, 'globex'));
      if (i < 10) lines.push(bounced('mail.example.com', n, 'globex'));
      n++;
    }
    for (let i = 0; i < 60; i++) lines.push(sent('mail.example.com', n++));
    for (let i = 0; i < 40; i++)
      lines.push(
        bounced(
          'mail.example.com',
          n++,
          'acme',
          i % 2 === 0 ? 'OnAccountSuppressionList' : 'EmailValidationSuppressed',
        ),
      );
    const file = join(work, 'traffic.jsonl');
    writeFileSync(file, lines.join('\n'));
    expect(JSON.parse((await bounce('replay', file, '--json')).stdout).failed).toEqual([]);

    const report = JSON.parse((await bounce('hygiene', '--json', '--now', NOW.toISOString())).stdout);
    expect(report.tenants).toEqual([
      {
        tenant: 'acme',
        sent: 400,
        bounces: 32,
        complaints: 0,
        bounceRate: 0.08,
        complaintRate: 0,
        level: 'critical',
        senderSide: {},
      },
      {
        tenant: 'globex',
        sent: 2000,
        bounces: 10,
        complaints: 0,
        bounceRate: 0.005,
        complaintRate: 0,
        level: 'ok',
        senderSide: {},
      },
    ]);
    expect(
      report.identities.map((r: { identity: string; sent: number; bounces: number }) => [
        r.identity,
        r.sent,
        r.bounces,
      ]),
    ).toEqual([['mail.example.com', 2460, 42]]);
    expect(report.account).toMatchObject({ sent: 2460, bounces: 42 });
    expect(report.windows[1].tenants).toEqual(report.tenants);
    // The table lists them too.
    const table = (await bounce('hygiene', '--now', NOW.toISOString())).stdout;
    expect(table).toMatch(/tenant *\n\s+acme\s+400\s+8\.00 %\s+0\.00 %\s+critical/);
    // The HTML report's tenant view: the same rows.
    const html = join(work, 'report.html');
    await bounce('report', '--html', html, '--now', NOW.toISOString());
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('Rates per SES tenant');
    expect(page).toMatch(
      /<td>acme<\/td><td class="n">400<\/td><td class="n">32<\/td>.*?<td class="level-critical">critical<\/td>/,
    );
    expect(page).toMatch(/<td>globex<\/td><td class="n">2000<\/td><td class="n">10<\/td>.*?<td>ok<\/td>/);
  });
});
