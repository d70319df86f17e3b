import { describe, expect, it } from 'vitest';
import { suppressionsOf } from '../cli/html/report-data';
import type { ManualEvent } from '../shared/core/events';
import { bounceEvent, complaintEvent, deliveryEvent, hoursAfterStart as h } from './support/events';

describe('suppressionsOf: when an address became suppressed, and what decided it', () => {
  it('orders by event time, not by arrival: a late hard bounce is the suppression, the earlier complaint not', () => {
    // Arrival order (as given) is complaint first; in time, the bounce came first.
    const rows = suppressionsOf('a@example.com', [
      complaintEvent('c', h(10)),
      bounceEvent('b', h(1), 'userunknown'),
    ]);
    expect(rows).toEqual([
      {
        at: h(1),
        emailAddress: 'a@example.com',
        status: 'suppressed',
        reason: 'userunknown',
        source: 'bounce',
        rule: 'test.userunknown',
      },
    ]);
  });

  it('reports soft bounces that reached their escalation rule as an escalation, at the bounce that did it', () => {
    const events = [0, 30, 80].map((t, i) => bounceEvent(`s${i}`, h(t), 'mailboxfull'));
    expect(suppressionsOf('a@example.com', events)).toMatchObject([
      {
        at: h(80),
        source: 'escalation',
        reason: 'mailboxfull',
        rule: expect.stringMatching(/test\.mailboxfull/),
      },
    ]);
  });

  it('reports a watch whose span passed with no event as an escalation at its due time (given the clock)', () => {
    const events = [0, 10, 20].map((t, i) => bounceEvent(`s${i}`, h(t), 'mailboxfull'));
    expect(suppressionsOf('a@example.com', events, undefined, h(71))).toEqual([]);
    expect(suppressionsOf('a@example.com', events, undefined, h(100))).toMatchObject([
      {
        at: h(72),
        source: 'escalation',
        status: 'suppressed',
        rule: expect.stringMatching(/^escalation\.mailboxfull/),
      },
    ]);
  });

  it('counts a temporary suppression turned lasting as a new one, and a delivery as none', () => {
    const events = [
      bounceEvent('t', h(0), 'suspend'),
      deliveryEvent('d', h(5)),
      bounceEvent('u', h(9), 'userunknown'),
    ];
    expect(suppressionsOf('a@example.com', events).map((r) => [r.at, r.status, r.source])).toEqual([
      [h(0), 'suppressed-until', 'bounce'],
      [h(9), 'suppressed', 'bounce'],
    ]);
  });

  it('names the import, manual or ses-sync source of a suppression', () => {
    const imported: ManualEvent = {
      type: 'manual',
      id: 'i',
      at: h(3),
      action: 'suppress',
      source: 'import',
      reason: 'old list',
    };
    expect(suppressionsOf('a@example.com', [imported])).toMatchObject([
      { at: h(3), source: 'import', rule: 'import: old list', reason: 'old list' },
    ]);
  });
});
