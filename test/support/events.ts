import fc from 'fast-check';
import type { Classification } from '../../shared/core/classify/types';
import type { AddressEvent, BounceEvent, ManualEvent } from '../../shared/core/events';

/** Fixed classifications, so state tests do not depend on the classifier's rules. */
export const CLASSIFICATIONS = {
  userunknown: {
    reason: 'userunknown',
    hard: true,
    party: 'recipient',
    decision: 'suppress',
    rule: 'test.userunknown',
  },
  mailboxfull: {
    reason: 'mailboxfull',
    hard: false,
    party: 'recipient',
    decision: 'count-soft',
    rule: 'test.mailboxfull',
  },
  systemerror: {
    reason: 'systemerror',
    hard: false,
    party: 'transient',
    decision: 'count-soft',
    rule: 'test.systemerror',
  },
  blocked: {
    reason: 'blocked',
    hard: false,
    party: 'sender',
    decision: 'alert-sender',
    rule: 'test.blocked',
  },
  vacation: { reason: 'vacation', hard: false, party: 'none', decision: 'ignore', rule: 'test.vacation' },
  suspend: {
    reason: 'suspend',
    hard: false,
    party: 'recipient',
    decision: 'suppress-temporarily',
    rule: 'test.suspend',
  },
} as const satisfies Record<string, Classification>;

export type TestBounceKind = keyof typeof CLASSIFICATIONS;

export function bounceEvent(id: string, at: string, kind: TestBounceKind): BounceEvent {
  return {
    type: 'bounce',
    id,
    at,
    identity: 'example.com',
    classification: CLASSIFICATIONS[kind],
    bounceType: 'Permanent',
    bounceSubType: 'General',
  };
}

export const complaintEvent = (id: string, at: string, feedbackType = 'abuse'): AddressEvent => ({
  type: 'complaint',
  id,
  at,
  identity: 'example.com',
  feedbackType,
});

export const deliveryEvent = (id: string, at: string): AddressEvent => ({
  type: 'delivery',
  id,
  at,
  identity: 'example.com',
});

export const manualEvent = (
  id: string,
  at: string,
  action: ManualEvent['action'],
  until?: string,
): ManualEvent => ({
  type: 'manual',
  id,
  at,
  action,
  source: 'manual',
  reason: `test ${action}`,
  ...(until ? { until } : {}),
});

/** `2026-01-01` plus so many hours, as an ISO time. */
export const hoursAfterStart = (hours: number) =>
  new Date(Date.UTC(2026, 0, 1) + hours * 3_600_000).toISOString();

/**
 * Any one event of an address within its first 60 days, id left to the caller (property tests):
 * bounces of every test kind (three times as likely), complaints (abuse or not-spam), deliveries,
 * manual suppressions and lifts.
 */
export const anyEventWithoutId: fc.Arbitrary<Omit<AddressEvent, 'id'>> = fc
  .record({
    kind: fc.constantFrom('bounce', 'bounce', 'bounce', 'complaint', 'delivery', 'lift', 'manual-suppress'),
    bounce: fc.constantFrom(...(Object.keys(CLASSIFICATIONS) as TestBounceKind[])),
    hour: fc.integer({ min: 0, max: 24 * 60 }),
    feedback: fc.constantFrom('abuse', 'not-spam'),
  })
  .map(({ kind, bounce, hour, feedback }) => {
    const at = hoursAfterStart(hour);
    switch (kind) {
      case 'bounce':
        return bounceEvent('', at, bounce);
      case 'complaint':
        return complaintEvent('', at, feedback);
      case 'delivery':
        return deliveryEvent('', at);
      case 'lift':
        return manualEvent('', at, 'unsuppress');
      default:
        return manualEvent('', at, 'suppress');
    }
  });
