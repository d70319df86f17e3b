import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AddressEvent } from '../shared/core/events';
import {
  type AddressState,
  DEFAULT_STATE_POLICY,
  deriveState,
  type EventHistory,
  effectiveState,
  historyFromEvents,
  mergeEvents,
  type StatePolicy,
  stateOf,
  watchElapsedEvent,
} from '../shared/core/state';
import {
  anyEventWithoutId,
  bounceEvent,
  complaintEvent,
  deliveryEvent,
  hoursAfterStart as h,
  manualEvent,
  type TestBounceKind,
} from './support/events';

describe('policy: one row at a time', () => {
  it('is clear with no events', () => {
    expect(deriveState([])).toEqual({ status: 'clear' });
  });

  it('suppresses on a hard bounce, from the time of the bounce, and keeps that time', () => {
    expect(
      deriveState([bounceEvent('b2', h(48), 'userunknown'), bounceEvent('b1', h(0), 'userunknown')]),
    ).toEqual({
      status: 'suppressed',
      reason: 'userunknown',
      since: h(0),
      source: 'bounce',
    });
  });

  describe('mailbox full: 3 soft bounces spanning at least 72 h suppress', () => {
    it('watches two', () => {
      expect(
        deriveState([bounceEvent('s1', h(0), 'mailboxfull'), bounceEvent('s2', h(80), 'mailboxfull')]),
      ).toEqual({
        status: 'watch',
        reason: 'mailboxfull',
        since: h(0),
        softBounces: 2,
        source: 'bounce',
      });
    });

    it('watches three within 72 h', () => {
      const events = [0, 10, 71].map((t, i) => bounceEvent(`s${i}`, h(t), 'mailboxfull'));
      expect(deriveState(events)).toMatchObject({ status: 'watch', softBounces: 3 });
    });

    it('suppresses at the third spanning 72 h', () => {
      const events = [0, 30, 72].map((t, i) => bounceEvent(`s${i}`, h(t), 'mailboxfull'));
      expect(deriveState(events)).toEqual({
        status: 'suppressed',
        reason: 'mailboxfull',
        since: h(72),
        source: 'bounce',
      });
    });
  });

  describe('transient failures: soft bounces spanning 7 days suppress temporarily', () => {
    it('watches many within 7 days', () => {
      const events = [0, 24, 48, 96, 167].map((t, i) => bounceEvent(`t${i}`, h(t), 'systemerror'));
      expect(deriveState(events)).toMatchObject({ status: 'watch', softBounces: 5 });
    });

    it('suppresses for 30 days once they span 7 days', () => {
      const events = [0, 168].map((t, i) => bounceEvent(`t${i}`, h(t), 'systemerror'));
      expect(deriveState(events)).toEqual({
        status: 'suppressed-until',
        reason: 'systemerror',
        since: h(168),
        until: h(168 + 30 * 24),
        source: 'bounce',
      });
    });
  });

  it('resets soft bounces after a newer delivery, but not after an older one', () => {
    const softs = [0, 30].map((t, i) => bounceEvent(`s${i}`, h(t), 'mailboxfull'));
    expect(deriveState([...softs, deliveryEvent('d1', h(40))])).toEqual({ status: 'clear' });
    expect(deriveState([...softs, deliveryEvent('d0', h(-1))])).toMatchObject({
      status: 'watch',
      softBounces: 2,
    });
    // After the reset, the streak starts again: one more is not three.
    expect(
      deriveState([...softs, deliveryEvent('d1', h(40)), bounceEvent('s9', h(100), 'mailboxfull')]),
    ).toMatchObject({
      status: 'watch',
      softBounces: 1,
    });
  });

  it('never lets a delivery lift a suppression (SES sometimes reports both)', () => {
    expect(deriveState([bounceEvent('b1', h(0), 'userunknown'), deliveryEvent('d1', h(1))]).status).toBe(
      'suppressed',
    );
  });

  it('never changes the recipient for sender-side failures or auto-replies', () => {
    expect(deriveState([bounceEvent('x1', h(0), 'blocked'), bounceEvent('x2', h(1), 'vacation')])).toEqual({
      status: 'clear',
    });
  });

  it('suppresses temporarily for the configured days, then soft bounces start afresh', () => {
    const policy: StatePolicy = { ...DEFAULT_STATE_POLICY, temporarySuppressionDays: 10 };
    const temporary = bounceEvent('t1', h(0), 'suspend');
    expect(deriveState([temporary], policy)).toMatchObject({ status: 'suppressed-until', until: h(240) });
    expect(deriveState([temporary, bounceEvent('s1', h(100), 'mailboxfull')], policy).status).toBe(
      'suppressed-until',
    );
    expect(deriveState([temporary, bounceEvent('s1', h(300), 'mailboxfull')], policy)).toMatchObject({
      status: 'watch',
      softBounces: 1,
    });
  });

  it('suppresses on a complaint, but not on not-spam feedback', () => {
    expect(deriveState([complaintEvent('c1', h(0))])).toEqual({
      status: 'suppressed',
      reason: 'feedback',
      since: h(0),
      source: 'complaint',
    });
    expect(deriveState([complaintEvent('c2', h(0), 'not-spam')])).toEqual({ status: 'clear' });
  });

  it('orders manual lifts with bounces by time: an older bounce does not bring a suppression back', () => {
    const bounce = bounceEvent('b1', h(0), 'userunknown');
    const lift = manualEvent('m1', h(10), 'unsuppress');
    expect(deriveState([lift, bounce])).toEqual({ status: 'clear' });
    expect(deriveState([bounce, lift, bounceEvent('b2', h(20), 'userunknown')])).toMatchObject({
      status: 'suppressed',
      since: h(20),
    });
  });

  it('suppresses by hand, for good or until a time', () => {
    expect(deriveState([manualEvent('m1', h(0), 'suppress')])).toMatchObject({
      status: 'suppressed',
      source: 'manual',
    });
    expect(deriveState([manualEvent('m2', h(0), 'suppress', h(5))])).toMatchObject({
      status: 'suppressed-until',
      until: h(5),
    });
  });

  it('takes escalation thresholds from the policy', () => {
    const strict: StatePolicy = {
      ...DEFAULT_STATE_POLICY,
      escalation: {
        default: DEFAULT_STATE_POLICY.escalation.default,
        mailboxfull: { minCount: 1, minSpanHours: 0, outcome: 'suppressed' },
      },
    };
    expect(deriveState([bounceEvent('s1', h(0), 'mailboxfull')], strict).status).toBe('suppressed');
  });
});

describe('effectiveState (what readers act on)', () => {
  const temporary = { status: 'suppressed-until' as const, until: h(24), reason: 'suspend' };

  it('keeps a temporary suppression until its end', () => {
    expect(effectiveState(temporary, new Date(Date.parse(h(24)) - 1))).toBe(temporary);
  });

  it('treats a temporary suppression past its end as clear (TTL deletion lags)', () => {
    expect(effectiveState(temporary, new Date(h(24)))).toEqual({ status: 'clear' });
  });
});

describe('due escalation: a watch whose soft bounces meet the count escalates once the span has passed', () => {
  const three = [0, 1, 2].map((t, i) => bounceEvent(`s${i}`, h(t), 'mailboxfull'));
  const at = (iso: string) => new Date(iso);

  it('marks the watch due at the first bounce + minSpanHours, and says what it becomes', () => {
    expect(deriveState(three)).toEqual({
      status: 'watch',
      reason: 'mailboxfull',
      since: h(0),
      softBounces: 3,
      source: 'bounce',
      due: { at: h(72), status: 'suppressed', reason: 'mailboxfull', group: 'mailboxfull' },
    });
  });

  it('is not due below the count', () => {
    expect(deriveState(three.slice(0, 2)).due).toBeUndefined();
  });

  it('reads as the escalated state from the due time on (effectiveState), and as the watch before it', () => {
    const state = deriveState(three);
    expect(effectiveState(state, new Date(Date.parse(h(72)) - 1))).toBe(state);
    expect(effectiveState(state, at(h(72)))).toEqual({
      status: 'suppressed',
      reason: 'mailboxfull',
      since: h(72),
      source: 'bounce',
    });
  });

  it('is cancelled by a delivery before the due time, and not by one after it', () => {
    expect(deriveState([...three, deliveryEvent('d', h(71))])).toEqual({ status: 'clear' });
    expect(deriveState([...three, deliveryEvent('d', h(73))])).toEqual({
      status: 'suppressed',
      reason: 'mailboxfull',
      since: h(72),
      source: 'bounce',
    });
  });

  it('is cancelled by a lift before the due time', () => {
    expect(deriveState([...three, manualEvent('m', h(10), 'unsuppress')])).toEqual({ status: 'clear' });
  });

  it('escalates from the due time when a later bounce arrives after it (not from that bounce)', () => {
    expect(deriveState([...three, bounceEvent('s9', h(100), 'mailboxfull')])).toMatchObject({
      status: 'suppressed',
      since: h(72),
    });
  });

  it('takes a temporary outcome from the due time: suppressed-until due + temporarySuppressionDays, then clear', () => {
    const transient = [0, 24].map((t, i) => bounceEvent(`t${i}`, h(t), 'systemerror'));
    const state = deriveState(transient);
    expect(state.due).toEqual({
      at: h(168),
      status: 'suppressed-until',
      reason: 'systemerror',
      until: h(168 + 30 * 24),
      group: 'default',
    });
    expect(effectiveState(state, at(h(200)))).toEqual({
      status: 'suppressed-until',
      reason: 'systemerror',
      since: h(168),
      until: h(168 + 30 * 24),
      source: 'bounce',
    });
    expect(effectiveState(state, at(h(168 + 30 * 24)))).toEqual({ status: 'clear' });
  });

  it('takes the earliest due group when several are due', () => {
    const mixed = [
      ...[0, 24].map((t, i) => bounceEvent(`t${i}`, h(t), 'systemerror')), // due at h(168)
      ...[30, 31, 32].map((t, i) => bounceEvent(`s${i}`, h(t), 'mailboxfull')), // due at h(102)
    ];
    expect(deriveState(mixed).due).toMatchObject({ at: h(102), group: 'mailboxfull', status: 'suppressed' });
  });

  it('records the hygiene run as a watch-elapsed event that changes nothing a reader sees', () => {
    const state = deriveState(three);
    const tick = watchElapsedEvent(state.due as NonNullable<AddressState['due']>);
    expect(tick).toEqual({
      type: 'watch-elapsed',
      id: `hygiene.watch-elapsed:mailboxfull:${h(72)}`,
      at: h(72),
      rule: 'hygiene.watch-elapsed',
      group: 'mailboxfull',
      reason: 'mailboxfull',
      outcome: 'suppressed',
    });
    const recorded = deriveState([...three, tick]);
    expect(recorded).toEqual({ status: 'suppressed', reason: 'mailboxfull', since: h(72), source: 'bounce' });
    expect(recorded).toEqual(effectiveState(state, at(h(72))));
    // A delivery before the due time that arrives after the run still wins: the marker is no decision.
    expect(deriveState([...three, tick, deliveryEvent('late', h(50))])).toEqual({ status: 'clear' });
  });
});

describe('mergeEvents', () => {
  it('drops duplicates by id and reports which events were new', () => {
    const first = bounceEvent('a', h(0), 'mailboxfull');
    const { history } = mergeEvents({ events: [] }, [first]);
    const result = mergeEvents(history, [first, bounceEvent('b', h(1), 'mailboxfull')]);
    expect(result.added.map((e) => e.id)).toEqual(['b']);
    expect(result.history.events.map((e) => e.id)).toEqual(['a', 'b']);
  });

  it('keeps the diagnostic text off the state item', () => {
    const event = {
      ...bounceEvent('a', h(0), 'userunknown'),
      diagnosticCode: 'smtp; 550 5.1.1 user unknown',
    };
    expect(mergeEvents({ events: [] }, [event]).history.events[0]).not.toHaveProperty('diagnosticCode');
  });

  it('folds the oldest events into a checkpoint beyond the bound, and treats anything at or before it as history', () => {
    const policy: StatePolicy = { ...DEFAULT_STATE_POLICY, maxEventsPerAddress: 2 };
    const events = [
      bounceEvent('b0', h(0), 'userunknown'),
      manualEvent('m1', h(1), 'unsuppress'),
      deliveryEvent('d2', h(2)),
      deliveryEvent('d3', h(3)),
    ];
    let history: EventHistory = { events: [] };
    for (const event of events) history = mergeEvents(history, [event], policy).history;
    expect(history.events.map((e) => e.id)).toEqual(['d2', 'd3']);
    expect(history.horizon).toContain('m1');
    // Replaying the folded-away bounce must not re-suppress the lifted address: the history alone
    // sets it aside as late (the store asks the audit trail whether it is new).
    const replay = mergeEvents(history, [events[0] as AddressEvent], policy);
    expect(replay.added).toEqual([]);
    expect(replay.late.map((e) => e.id)).toEqual(['b0']);
    expect(replay.history).toBe(history);
    expect(stateOf(replay.history, policy)).toEqual({ status: 'clear' });
  });

  it('re-derives from the full set of events the history that in-order application builds, late ones included', () => {
    const policy: StatePolicy = { ...DEFAULT_STATE_POLICY, maxEventsPerAddress: 2 };
    const events = [
      bounceEvent('b0', h(0), 'mailboxfull'),
      manualEvent('m1', h(1), 'unsuppress'),
      deliveryEvent('d2', h(2)),
      deliveryEvent('d3', h(3)),
    ];
    let history: EventHistory = { events: [] };
    for (const event of events) history = mergeEvents(history, [event], policy).history;
    // A hard bounce before the lift arrives after it was folded away: in order, the lift wins.
    const lateBounce = bounceEvent('b05', h(0.5), 'userunknown');
    expect(mergeEvents(history, [lateBounce], policy).late).toEqual([lateBounce]);
    const refolded = historyFromEvents([...events, lateBounce, events[0] as AddressEvent], policy);
    let inOrder: EventHistory = { events: [] };
    for (const event of [events[0], lateBounce, ...events.slice(1)] as AddressEvent[]) {
      inOrder = mergeEvents(inOrder, [event], policy).history;
    }
    expect(refolded).toEqual(inOrder);
    expect(refolded.horizon).toContain('m1');
    expect(stateOf(refolded, policy)).toEqual({ status: 'clear' });
  });
});

describe('order independence (property-based)', () => {
  const eventArbitrary = anyEventWithoutId;
  // Unique ids; the same event may then appear several times in a delivery stream.
  const eventSet = fc
    .array(eventArbitrary, { minLength: 1, maxLength: 15 })
    .map((events) => events.map((event, i) => ({ ...event, id: `e${i}` }) as AddressEvent));

  /** Applies a stream one delivery at a time, as the store does. */
  const applyStream = (stream: readonly AddressEvent[], policy: StatePolicy) => {
    let history: EventHistory = { events: [] };
    for (const event of stream) history = mergeEvents(history, [event], policy).history;
    return stateOf(history, policy);
  };

  /** Any order of the events, some of them delivered twice. */
  const streamOf = (events: AddressEvent[]) =>
    fc
      .shuffledSubarray(events)
      .chain((again) =>
        fc.shuffledSubarray([...events, ...again], { minLength: events.length + again.length }),
      );

  it('derives the same state for every permutation and duplication of the same events', () => {
    fc.assert(
      fc.property(
        eventSet.chain((events) => fc.tuple(fc.constant(events), streamOf(events))),
        ([events, stream]) => {
          expect(applyStream(stream, DEFAULT_STATE_POLICY)).toEqual(deriveState(events));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same effective state at now whether or not hygiene runs happened, in any arrival order', () => {
    // Dense soft bounces over 4 days, so streaks often reach their count and come due.
    const dense = fc
      .record({
        kind: fc.constantFrom(
          'mailboxfull',
          'mailboxfull',
          'systemerror',
          'systemerror',
          'delivery',
          'lift',
          'userunknown',
        ),
        hour: fc.integer({ min: 0, max: 24 * 4 }),
      })
      .map(({ kind, hour }): Omit<AddressEvent, 'id'> => {
        const at = h(hour);
        if (kind === 'delivery') return deliveryEvent('', at);
        if (kind === 'lift') return manualEvent('', at, 'unsuppress');
        return bounceEvent('', at, kind as TestBounceKind);
      });
    let recorded = 0;
    const denseSet = fc
      .array(dense, { minLength: 1, maxLength: 12 })
      .map((events) => events.map((event, i) => ({ ...event, id: `e${i}` }) as AddressEvent));
    fc.assert(
      fc.property(
        denseSet.chain((events) =>
          fc.tuple(
            fc.constant(events),
            fc.shuffledSubarray(events, { minLength: events.length }),
            // Hygiene runs: after the k-th arrival, at run hour r (all before the final now).
            fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 24 * 20 })), { maxLength: 8 }),
            fc.integer({ min: 24 * 20, max: 24 * 60 }),
          ),
        ),
        ([events, order, runs, nowHour]) => {
          const now = new Date(h(nowHour));
          let history: EventHistory = { events: [] };
          order.forEach((event, k) => {
            history = mergeEvents(history, [event]).history;
            for (const [after, runHour] of runs) {
              if (after % order.length !== k) continue;
              // What the hygiene run does: if the stored state is due by then, record it.
              const state = stateOf(history);
              if (state.status === 'watch' && state.due && state.due.at <= h(runHour)) {
                history = mergeEvents(history, [watchElapsedEvent(state.due)]).history;
                recorded++;
              }
            }
          });
          expect(effectiveState(stateOf(history), now)).toEqual(effectiveState(deriveState(events), now));
        },
      ),
      { numRuns: 1000 },
    );
    // Not vacuous: many runs did record an escalation.
    expect(recorded).toBeGreaterThan(40);
  });

  /** Applies events one at a time in time order: what the store builds when nothing is late. */
  const inOrderHistory = (events: readonly AddressEvent[], policy: StatePolicy) => {
    let history: EventHistory = { events: [] };
    for (const event of [...events].sort((a, b) => (`${a.at}|${a.id}` < `${b.at}|${b.id}` ? -1 : 1))) {
      const merged = mergeEvents(history, [event], policy);
      expect(merged.late).toEqual([]);
      history = merged.history;
    }
    return history;
  };

  it('builds, from any arrival order with duplicates, the history of in-order application (beyond the bound too)', () => {
    let beyond = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        eventSet.chain((events) => fc.tuple(fc.constant(events), streamOf(events))),
        (max, [events, stream]) => {
          const policy: StatePolicy = { ...DEFAULT_STATE_POLICY, maxEventsPerAddress: max };
          const expected = inOrderHistory(events, policy);
          if (events.length > max) beyond++;
          expect(historyFromEvents(stream, policy)).toEqual(expected);
          expect(stateOf(historyFromEvents(stream, policy), policy)).toEqual(deriveState(events, policy));
        },
      ),
      { numRuns: 500 },
    );
    expect(beyond).toBeGreaterThan(200);
  });

  it('builds the in-order history of sets much larger than the default bound, in any order', () => {
    const large = fc
      .array(eventArbitrary, { minLength: 21, maxLength: 80 })
      .map((events) => events.map((event, i) => ({ ...event, id: `e${i}` }) as AddressEvent));
    fc.assert(
      fc.property(
        large.chain((events) => fc.tuple(fc.constant(events), streamOf(events))),
        ([events, stream]) => {
          const expected = inOrderHistory(events, DEFAULT_STATE_POLICY);
          expect(expected.checkpoint).toBeDefined();
          expect(historyFromEvents(stream)).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('stays idempotent with a small bound when events arrive in time order and are replayed', () => {
    const policy: StatePolicy = { ...DEFAULT_STATE_POLICY, maxEventsPerAddress: 3 };
    fc.assert(
      fc.property(eventSet, fc.array(fc.nat(), { maxLength: 10 }), (events, replays) => {
        const inOrder = [...events].sort((a, b) =>
          a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at < b.at ? -1 : 1,
        );
        // Each replay re-sends an already delivered event.
        const stream: AddressEvent[] = [];
        inOrder.forEach((event, i) => {
          stream.push(event);
          for (const r of replays)
            if (r % inOrder.length === i) stream.push(inOrder[r % (i + 1)] as AddressEvent);
        });
        expect(applyStream(stream, policy)).toEqual(deriveState(events, policy));
      }),
      { numRuns: 300 },
    );
  });
});
