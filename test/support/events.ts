import type { Classification } from '../../shared/core/classify/types';
import type { AddressEvent, BounceEvent } from '../../shared/core/events';

const classifications: Record<string, Classification> = {
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
};

/** A bounce event with a fixed classification, for state tests that must not depend on the classifier. */
export function bounceEvent(id: string, at: string, kind: keyof typeof classifications): BounceEvent {
  const classification = classifications[kind];
  if (!classification) throw new Error(`no test classification ${kind}`);
  return {
    type: 'bounce',
    id,
    at,
    identity: 'example.com',
    classification,
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
