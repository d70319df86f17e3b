import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AddressEvent, HistoryEvent } from '../shared/core/events';
import { DEFAULT_RUNTIME_POLICY, resolvePolicyConfig } from '../shared/core/policy-config';
import { type AddressHistoryInput, redecide, replayAddress, simulatePolicy } from '../shared/core/simulate';
import {
  DEFAULT_STATE_POLICY,
  deriveState,
  effectiveState,
  mergeEvents,
  stateOf,
} from '../shared/core/state';
import {
  anyEventWithoutId,
  bounceEvent,
  complaintEvent,
  deliveryEvent,
  hoursAfterStart as h,
} from './support/events';

const mailboxfullSuppresses = resolvePolicyConfig({ decisions: { mailboxfull: 'suppress' } });

describe('redecide: a stored bounce under other decisions', () => {
  it('takes the new decision from the stored reason and hardness, keeping the classifier rule', () => {
    const event = bounceEvent('b', h(0), 'mailboxfull');
    expect(redecide(event, mailboxfullSuppresses.decisions)).toMatchObject({
      classification: { reason: 'mailboxfull', decision: 'suppress', rule: 'test.mailboxfull' },
    });
  });

  it('leaves the event as it is when the decision does not change, and non-bounces alone', () => {
    const event = bounceEvent('b', h(0), 'userunknown');
    expect(redecide(event, mailboxfullSuppresses.decisions)).toBe(event);
    const complaint = complaintEvent('c', h(0));
    expect(redecide(complaint, mailboxfullSuppresses.decisions)).toBe(complaint);
  });

  it('splits notaccept by hardness as the classifier does', () => {
    const policy = resolvePolicyConfig({ decisions: { notaccept: { hard: 'suppress', soft: 'ignore' } } });
    const soft = {
      ...bounceEvent('n', h(0), 'userunknown'),
      classification: {
        reason: 'notaccept',
        hard: false,
        party: 'recipient',
        decision: 'count-soft',
        rule: 'x',
      },
    } as const;
    expect(redecide(soft, policy.decisions)).toMatchObject({ classification: { decision: 'ignore' } });
  });
});

describe('replayAddress', () => {
  it('reads the status at `to`, leaving out later events and applying what fell due before it', () => {
    const events = [0, 30, 60].map((t, i) => bounceEvent(`s${i}`, h(t), 'mailboxfull'));
    // Three soft bounces within 72 h: a watch, due 72 h after the first.
    expect(replayAddress(events, { state: DEFAULT_STATE_POLICY, window: { to: h(61) } }).state).toMatchObject(
      {
        status: 'watch',
        softBounces: 3,
      },
    );
    expect(replayAddress(events, { state: DEFAULT_STATE_POLICY, window: { to: h(72) } }).state).toMatchObject(
      {
        status: 'suppressed',
        reason: 'mailboxfull',
        since: h(72),
      },
    );
    expect(replayAddress(events, { state: DEFAULT_STATE_POLICY, window: { to: h(40) } }).state).toMatchObject(
      {
        status: 'watch',
        softBounces: 2,
      },
    );
  });

  it('re-decides only the bounces at or after `from` (the policy switched on then)', () => {
    const events = [bounceEvent('early', h(0), 'mailboxfull'), bounceEvent('late', h(10), 'mailboxfull')];
    const replay = (from: string) =>
      replayAddress(events, {
        state: DEFAULT_STATE_POLICY,
        decisions: mailboxfullSuppresses.decisions,
        window: { from, to: h(20) },
      }).state;
    expect(replay(h(5))).toMatchObject({ status: 'suppressed', since: h(10) });
    expect(replay(h(0))).toMatchObject({ status: 'suppressed', since: h(0) });
    expect(replay(h(11))).toMatchObject({ status: 'watch', softBounces: 2 });
  });

  it('under the stored decisions gives what the processor derived, for any set of events (property)', () => {
    const event = fc
      .tuple(anyEventWithoutId, fc.nat(1_000_000))
      .map(([e, n]) => ({ ...e, id: `e${n}` }) as AddressEvent);
    fc.assert(
      fc.property(
        fc.uniqueArray(event, { maxLength: 40, selector: (e) => e.id }),
        fc.nat(24 * 70),
        (events, now) => {
          // The store keeps 20 events and folds older ones into a checkpoint; the audit keeps them all.
          const { history, added } = mergeEvents({ events: [] }, events);
          const stored = stateOf(history);
          const to = h(24 * 60 + now);
          const replayed = replayAddress(added as HistoryEvent[], {
            state: DEFAULT_STATE_POLICY,
            window: { to },
          });
          expect(replayed.state).toEqual(effectiveState(stored, new Date(to)));
          expect(replayed.state).toEqual(effectiveState(deriveState(events), new Date(to)));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('simulatePolicy', () => {
  const histories = [
    { address: 'full@example.com', events: [bounceEvent('f1', h(0), 'mailboxfull')] },
    { address: 'gone@example.com', events: [bounceEvent('g1', h(0), 'userunknown')] },
    {
      address: 'back@example.com',
      events: [bounceEvent('k1', h(0), 'mailboxfull'), deliveryEvent('k2', h(5))],
    },
    { address: 'quiet@example.com', events: [deliveryEvent('q1', h(1))] },
  ];
  const window = { to: h(24) };

  it('changes nothing under the same policy', () => {
    const result = simulatePolicy(histories, DEFAULT_RUNTIME_POLICY, DEFAULT_RUNTIME_POLICY, window);
    expect(result).toMatchObject({ addresses: 4, changed: 0, changes: [], transitions: [] });
    expect(result.before).toEqual(result.after);
    expect(result.before).toEqual({ suppressed: 1, 'suppressed-until': 0, watch: 1, clear: 2 });
  });

  it('with mailboxfull suppressing at once, suppresses the watched and the recovered mailbox-full addresses', () => {
    const result = simulatePolicy(histories, DEFAULT_RUNTIME_POLICY, mailboxfullSuppresses, window);
    expect(result.changes).toEqual([
      { emailAddress: 'back@example.com', from: 'clear', to: 'suppressed', reason: 'mailboxfull' },
      { emailAddress: 'full@example.com', from: 'watch', to: 'suppressed', reason: 'mailboxfull' },
    ]);
    expect(result.transitions).toEqual([
      { from: 'clear', to: 'suppressed', reason: 'mailboxfull', count: 1, examples: ['back@example.com'] },
      { from: 'watch', to: 'suppressed', reason: 'mailboxfull', count: 1, examples: ['full@example.com'] },
    ]);
    expect(result.after).toEqual({ suppressed: 3, 'suppressed-until': 0, watch: 0, clear: 1 });
  });

  it('names the old reason when a policy lets suppressed addresses go', () => {
    const lenient = resolvePolicyConfig({ decisions: { userunknown: 'ignore' } });
    const result = simulatePolicy(histories, DEFAULT_RUNTIME_POLICY, lenient, window);
    expect(result.changes).toEqual([
      { emailAddress: 'gone@example.com', from: 'suppressed', to: 'clear', reason: 'userunknown' },
    ]);
  });

  it('applies the candidate escalation rules (state part of the policy) to the same decisions', () => {
    const quick = resolvePolicyConfig({
      escalation: { mailboxfull: { minCount: 1, minSpanHours: 0, outcome: 'suppressed-until' } },
    });
    const result = simulatePolicy(histories, DEFAULT_RUNTIME_POLICY, quick, window);
    expect(result.changes).toEqual([
      { emailAddress: 'back@example.com', from: 'clear', to: 'suppressed-until', reason: 'mailboxfull' },
      { emailAddress: 'full@example.com', from: 'watch', to: 'suppressed-until', reason: 'mailboxfull' },
    ]);
  });

  it('counts addresses whose stored state the baseline replay does not reproduce, when reading at now', () => {
    const stored: AddressHistoryInput[] = [
      {
        address: 'full@example.com',
        events: [bounceEvent('f1', h(0), 'mailboxfull')],
        stored: { status: 'watch', reason: 'mailboxfull' },
      },
      // Stored clear, but its history says suppressed: e.g. the audit trail lost the lift.
      {
        address: 'gone@example.com',
        events: [bounceEvent('g1', h(0), 'userunknown')],
        stored: { status: 'clear' },
      },
    ];
    const at = simulatePolicy(stored, DEFAULT_RUNTIME_POLICY, DEFAULT_RUNTIME_POLICY, window, {
      nowIsTo: true,
    });
    expect(at.unexplained).toBe(1);
    const notNow = simulatePolicy(stored, DEFAULT_RUNTIME_POLICY, DEFAULT_RUNTIME_POLICY, window);
    expect(notNow.unexplained).toBe(0);
  });
});
