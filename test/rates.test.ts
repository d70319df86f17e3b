import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLDS,
  HourlyTally,
  levelOf,
  rateReport,
  resolveThresholds,
  windowOf,
} from '../shared/core/rates';
import { bounceEvent, complaintEvent, deliveryEvent } from './support/events';

describe('HourlyTally', () => {
  it('buckets by identity and the events’ own hour, permanent and transient apart, sender-side by reason', () => {
    const tally = new HourlyTally();
    const hard = bounceEvent('b1', '2026-01-01T10:15:00.000Z', 'userunknown');
    const soft = { ...bounceEvent('b2', '2026-01-01T10:45:00.000Z', 'mailboxfull'), bounceType: 'Transient' };
    const blocked = bounceEvent('b3', '2026-01-01T11:05:00.000Z', 'blocked');
    tally.addEvents([hard, soft, blocked, deliveryEvent('d1', '2026-01-01T10:30:00.000Z')]);
    tally.addEvents([
      complaintEvent('c1', '2026-01-01T10:00:00.000Z'),
      complaintEvent('c2', '2026-01-01T10:00:00.000Z', 'not-spam'),
    ]);
    tally.addSend('example.com', '2026-01-01T10:59:59.000Z', 3);
    const byHour = Object.fromEntries(tally.counts().map((c) => [c.hour, c]));
    expect(byHour['2026-01-01T10']).toEqual({
      identity: 'example.com',
      hour: '2026-01-01T10',
      sends: 3,
      deliveries: 1,
      permanentBounces: 1,
      transientBounces: 1,
      complaints: 1,
      senderSide: {},
    });
    expect(byHour['2026-01-01T11']).toMatchObject({ permanentBounces: 1, senderSide: { blocked: 1 } });
  });
});

describe('levels', () => {
  const t = DEFAULT_THRESHOLDS;
  it.each([
    [1000, 0.01, 0, 'ok'],
    [1000, 0.02, 0, 'warning'],
    [1000, 0.049, 0, 'warning'],
    [1000, 0.05, 0, 'critical'],
    [1000, 0, 0.0008, 'warning'],
    [1000, 0, 0.001, 'critical'],
    [199, 0.5, 0.5, 'low-volume'],
  ] as const)('sent %d, bounce %d, complaint %d → %s', (sent, bounce, complaint, level) => {
    expect(levelOf(sent, bounce, complaint, t)).toBe(level);
  });

  it('takes thresholds from config and refuses a warning above its critical, naming the value', () => {
    expect(resolveThresholds({ bounceWarning: 0.03 }).bounceWarning).toBe(0.03);
    expect(() => resolveThresholds({ bounceCritical: 2 })).toThrow(/bounceCritical: .*got 2/);
    expect(() => resolveThresholds({ bounceWarning: 0.1 })).toThrow(
      /warning threshold is above its critical/,
    );
  });

  it('says rates are fractions when a threshold is written as a percentage (5 for 5 %)', () => {
    expect(() => resolveThresholds({ bounceWarning: 5 }, 'HYGIENE_THRESHOLDS')).toThrow(
      /HYGIENE_THRESHOLDS: bounceWarning: expected a rate as a fraction from 0 to 1 \(0\.05 = 5 %\), got 5$/,
    );
    expect(() => resolveThresholds({ complaintCritical: -0.1 })).toThrow(/fraction from 0 to 1/);
  });
});

describe('rateReport', () => {
  const hour = (
    h: string,
    identity: string,
    counts: Partial<{
      sends: number;
      deliveries: number;
      permanentBounces: number;
      transientBounces: number;
      complaints: number;
    }>,
  ) => ({
    identity,
    hour: h,
    sends: 0,
    deliveries: 0,
    permanentBounces: 0,
    transientBounces: 0,
    complaints: 0,
    senderSide: {},
    ...counts,
  });

  it('computes bounce rate from permanent bounces over sends, per identity and for the account', () => {
    const now = new Date('2026-01-02T09:30:00Z');
    const report = rateReport(
      [
        hour('2026-01-02T08', 'a.example', {
          sends: 1000,
          permanentBounces: 60,
          transientBounces: 40,
          complaints: 1,
        }),
        hour('2026-01-02T09', 'b.example', { deliveries: 970, permanentBounces: 30 }),
        hour('2025-12-30T09', 'b.example', { deliveries: 5000 }), // outside the 24 h window
      ],
      windowOf('24h', 24, now),
    );
    expect(report.window).toEqual({
      name: '24h',
      from: '2026-01-01T10:00:00.000Z',
      to: '2026-01-02T10:00:00.000Z',
    });
    expect(report.identities).toEqual([
      expect.objectContaining({
        identity: 'a.example',
        sent: 1000,
        bounces: 60,
        bounceRate: 0.06,
        complaintRate: 0.001,
        level: 'critical',
      }),
      expect.objectContaining({
        identity: 'b.example',
        sent: 1000,
        bounces: 30,
        bounceRate: 0.03,
        level: 'warning',
      }),
    ]);
    expect(report.account).toMatchObject({ sent: 2000, bounces: 90, bounceRate: 0.045, level: 'warning' });
  });

  it('never reports more bounces than messages when Send events cover only part of the traffic', () => {
    const report = rateReport(
      [hour('2026-01-02T08', 'a.example', { sends: 1, deliveries: 300, permanentBounces: 6 })],
      windowOf('24h', 24, new Date('2026-01-02T09:00:00Z')),
    );
    expect(report.account).toMatchObject({ sent: 306, bounceRate: 0.019608 });
  });
});

describe('per-provider counts', () => {
  it('counts each event at its provider, leaves SES-suppressed bounces out, and rates providers in a fixed order', () => {
    const tally = new HourlyTally();
    const at = '2026-01-01T10:15:00.000Z';
    const suppressed = {
      ...bounceEvent('s1', at, 'userunknown'),
      classification: {
        ...bounceEvent('s1', at, 'userunknown').classification,
        reason: 'suppressed' as const,
      },
    };
    const events = [
      deliveryEvent('d1', at),
      deliveryEvent('d2', at),
      bounceEvent('b1', at, 'blocked'),
      bounceEvent('b2', at, 'userunknown'),
      complaintEvent('c1', at),
      suppressed,
    ];
    const providerOf = {
      d1: 'microsoft',
      d2: 'google',
      b1: 'microsoft',
      b2: 'google',
      c1: 'google',
      s1: 'google',
    } as const;
    tally.addEvents(events, (event) => providerOf[event.id as keyof typeof providerOf]);
    const [bucket] = tally.counts();
    expect(bucket?.permanentBounces).toBe(3);
    expect(bucket?.providers).toEqual({
      microsoft: {
        deliveries: 1,
        permanentBounces: 1,
        transientBounces: 0,
        complaints: 0,
        senderSide: { blocked: 1 },
      },
      google: { deliveries: 1, permanentBounces: 1, transientBounces: 0, complaints: 1, senderSide: {} },
    });
    const report = rateReport(tally.counts(), windowOf('24h', 24, new Date('2026-01-01T12:00:00Z')));
    expect(report.providers.map((p) => [p.provider, p.sent, p.bounces, p.bounceRate, p.senderSide])).toEqual([
      ['google', 2, 1, 0.5, {}],
      ['microsoft', 2, 1, 0.5, { blocked: 1 }],
    ]);
  });
});
