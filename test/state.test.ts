import { describe, expect, it } from 'vitest';
import { deriveState, effectiveState, mergeEvents } from '../shared/core/state';
import { bounceEvent, complaintEvent, deliveryEvent } from './support/events';

describe('deriveState', () => {
  it('is clear with no events', () => {
    expect(deriveState([])).toEqual({ status: 'clear' });
  });

  it('suppresses on a hard bounce, from the time of the bounce', () => {
    expect(deriveState([bounceEvent('b1', '2026-01-01T00:00:00.000Z', 'userunknown')])).toEqual({
      status: 'suppressed',
      reason: 'userunknown',
      since: '2026-01-01T00:00:00.000Z',
      source: 'bounce',
    });
  });

  it('keeps the first suppression time when more hard bounces follow', () => {
    const state = deriveState([
      bounceEvent('b2', '2026-01-05T00:00:00.000Z', 'userunknown'),
      bounceEvent('b1', '2026-01-01T00:00:00.000Z', 'userunknown'),
    ]);
    expect(state.since).toBe('2026-01-01T00:00:00.000Z');
  });

  it('counts soft bounces on a watch', () => {
    const state = deriveState([
      bounceEvent('s1', '2026-01-01T00:00:00.000Z', 'mailboxfull'),
      bounceEvent('s2', '2026-01-02T00:00:00.000Z', 'mailboxfull'),
    ]);
    expect(state).toMatchObject({ status: 'watch', softBounces: 2, since: '2026-01-01T00:00:00.000Z' });
  });

  it('resets soft bounces after a newer delivery, but not after an older one', () => {
    const soft = bounceEvent('s1', '2026-01-02T00:00:00.000Z', 'mailboxfull');
    expect(deriveState([soft, deliveryEvent('d1', '2026-01-03T00:00:00.000Z')])).toEqual({ status: 'clear' });
    expect(deriveState([soft, deliveryEvent('d0', '2026-01-01T00:00:00.000Z')])).toMatchObject({
      status: 'watch',
    });
  });

  it('never lets a delivery lift a hard suppression (SES sometimes reports both)', () => {
    const state = deriveState([
      bounceEvent('b1', '2026-01-01T00:00:00.000Z', 'userunknown'),
      deliveryEvent('d1', '2026-01-02T00:00:00.000Z'),
    ]);
    expect(state.status).toBe('suppressed');
  });

  it('never changes the recipient for sender-side failures or auto-replies', () => {
    const state = deriveState([
      bounceEvent('x1', '2026-01-01T00:00:00.000Z', 'blocked'),
      bounceEvent('x2', '2026-01-02T00:00:00.000Z', 'vacation'),
    ]);
    expect(state).toEqual({ status: 'clear' });
  });

  it('suppresses temporarily for the configured days', () => {
    const state = deriveState([bounceEvent('t1', '2026-01-01T00:00:00.000Z', 'suspend')], {
      temporarySuppressionDays: 10,
      maxEventsPerAddress: 50,
    });
    expect(state).toMatchObject({ status: 'suppressed-until', until: '2026-01-11T00:00:00.000Z' });
  });

  it('suppresses on a complaint, but not on a not-spam feedback', () => {
    expect(deriveState([complaintEvent('c1', '2026-01-01T00:00:00.000Z')])).toMatchObject({
      status: 'suppressed',
      source: 'complaint',
      reason: 'feedback',
    });
    expect(deriveState([complaintEvent('c2', '2026-01-01T00:00:00.000Z', 'not-spam')])).toEqual({
      status: 'clear',
    });
  });

  it('gives the same state whatever order the events come in', () => {
    const events = [
      bounceEvent('s1', '2026-01-01T00:00:00.000Z', 'mailboxfull'),
      deliveryEvent('d1', '2026-01-02T00:00:00.000Z'),
      bounceEvent('s2', '2026-01-03T00:00:00.000Z', 'mailboxfull'),
      bounceEvent('x1', '2026-01-03T00:00:00.000Z', 'blocked'),
    ];
    const expected = deriveState(events);
    expect(deriveState([...events].reverse())).toEqual(expected);
    expect(deriveState([events[2], events[0], events[3], events[1]].filter((e) => e !== undefined))).toEqual(
      expected,
    );
  });
});

describe('mergeEvents', () => {
  it('drops duplicates by id and reports how many were new', () => {
    const known = [bounceEvent('a', '2026-01-01T00:00:00.000Z', 'mailboxfull')];
    const result = mergeEvents(known, [
      known[0] as never,
      bounceEvent('b', '2026-01-02T00:00:00.000Z', 'mailboxfull'),
    ]);
    expect(result.added).toBe(1);
    expect(result.events.map((e) => e.id)).toEqual(['a', 'b']);
  });

  it('keeps only the newest events beyond the bound', () => {
    const incoming = Array.from({ length: 5 }, (_, i) =>
      deliveryEvent(`d${i}`, `2026-01-0${i + 1}T00:00:00.000Z`),
    );
    const { events } = mergeEvents([], incoming, { temporarySuppressionDays: 30, maxEventsPerAddress: 3 });
    expect(events.map((e) => e.id)).toEqual(['d2', 'd3', 'd4']);
  });
});

describe('effectiveState', () => {
  const temporary = {
    status: 'suppressed-until' as const,
    until: '2026-02-01T00:00:00.000Z',
    reason: 'suspend',
  };

  it('keeps a temporary suppression until its end', () => {
    expect(effectiveState(temporary, new Date('2026-01-31T23:59:59Z'))).toBe(temporary);
  });

  it('treats a temporary suppression past its end as clear (TTL deletion lags)', () => {
    expect(effectiveState(temporary, new Date('2026-02-01T00:00:00Z'))).toEqual({ status: 'clear' });
  });
});
