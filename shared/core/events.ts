import { normalizeAddress } from './address';
import type { Classification, RecipientBounce } from './classify/types';
import { type InboundMessage, identityOf } from './notification';

/** Longest diagnostic text kept per event: enough to audit, small enough for a 1 KB-ish item. */
export const MAX_DIAGNOSTIC_LENGTH = 1024;

interface EventBase {
  /** Idempotency key: SES feedbackId (or SNS MessageId for deliveries) + recipient. */
  id: string;
  /** When it happened, per SES (ISO-8601 UTC); events are ordered by this, never by arrival. */
  at: string;
  /** The SES identity that sent the mail (see identityOf). */
  identity: string;
}

export interface BounceEvent extends EventBase {
  type: 'bounce';
  classification: Classification;
  bounceType: string;
  bounceSubType: string;
  status?: string;
  diagnosticCode?: string;
}

export interface ComplaintEvent extends EventBase {
  type: 'complaint';
  feedbackType?: string;
}

export interface DeliveryEvent extends EventBase {
  type: 'delivery';
}

/** An operator's (or an import's, or the SES list sync's) decision about one address. */
export interface ManualEvent {
  type: 'manual';
  id: string;
  at: string;
  action: 'suppress' | 'unsuppress';
  source: 'manual' | 'import' | 'ses-sync';
  reason: string;
  until?: string;
}

export type AddressEvent = BounceEvent | ComplaintEvent | DeliveryEvent | ManualEvent;

/** The rule name the hygiene run records when it escalates a watch whose window has passed. */
export const WATCH_ELAPSED_RULE = 'hygiene.watch-elapsed';

/**
 * The hygiene run's record that an address's soft-bounce watch reached its due time (`at`) with no
 * delivery or lift before it. It carries no decision of its own: folding it only applies what the
 * soft bounces before it already imply at `at` (see `applyEvent`), so its presence never changes
 * an address's effective state at any time after `at` — it makes the escalation durable and audited.
 */
export interface WatchElapsedEvent {
  type: 'watch-elapsed';
  /** `hygiene.watch-elapsed:<group>:<at>`: a rerun (or a concurrent one) is a duplicate. */
  id: string;
  /** The due time: first soft bounce of the streak + the rule's `minSpanHours`. */
  at: string;
  rule: typeof WATCH_ELAPSED_RULE;
  /** The escalation group (`mailboxfull`, `default`, …) and the reason the escalation carries. */
  group: string;
  reason: string;
  /** What the rule escalates to. */
  outcome: 'suppressed' | 'suppressed-until';
}

/** Every event an address's history (and audit trail) can hold: what came in, plus the hygiene run's records. */
export type HistoryEvent = AddressEvent | WatchElapsedEvent;

/** The compact event kept on an address's state item (the full one goes to the audit item). */
export type StoredEvent =
  | Pick<BounceEvent, 'type' | 'id' | 'at' | 'identity' | 'classification'>
  | Pick<ComplaintEvent, 'type' | 'id' | 'at' | 'feedbackType'>
  | Pick<DeliveryEvent, 'type' | 'id' | 'at'>
  | ManualEvent
  | WatchElapsedEvent;

export type Classifier = (input: RecipientBounce) => Classification;

function bounded(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text.length > MAX_DIAGNOSTIC_LENGTH ? `${text.slice(0, MAX_DIAGNOSTIC_LENGTH - 1)}…` : text;
}

function withOptional<T extends object>(base: T, optional: Record<string, string | undefined>): T {
  const result = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) result[key] = value;
  return result as unknown as T;
}

/**
 * Turns one parsed SES message into per-address events. Every recipient is normalised first, so
 * one invalid address fails the whole message before anything is written.
 */
export function eventsFromMessage(
  message: Exclude<InboundMessage, { kind: 'ignored' } | { kind: 'send' }>,
  classify: Classifier,
): Map<string, AddressEvent[]> {
  const identity = identityOf(message.mail);
  const byAddress = new Map<string, AddressEvent[]>();
  const add = (address: string, event: AddressEvent) => {
    const list = byAddress.get(address);
    if (list) list.push(event);
    else byAddress.set(address, [event]);
  };

  switch (message.kind) {
    case 'bounce': {
      const { bounce } = message;
      for (const recipient of bounce.bouncedRecipients) {
        const address = normalizeAddress(recipient.emailAddress);
        const input: RecipientBounce = {
          bounceType: bounce.bounceType,
          bounceSubType: bounce.bounceSubType,
          action: recipient.action,
          status: recipient.status ?? undefined,
          diagnosticCode: recipient.diagnosticCode,
          remoteMtaIp: bounce.remoteMtaIp,
          reportingMTA: bounce.reportingMTA,
        };
        const base: BounceEvent = {
          type: 'bounce',
          id: `${bounce.feedbackId}:${address}`,
          at: bounce.timestamp,
          identity,
          classification: classify(input),
          bounceType: bounce.bounceType,
          bounceSubType: bounce.bounceSubType,
        };
        add(
          address,
          withOptional(base, {
            status: recipient.status ?? undefined,
            diagnosticCode: bounded(recipient.diagnosticCode),
          }),
        );
      }
      return byAddress;
    }
    case 'complaint': {
      const { complaint } = message;
      for (const recipient of complaint.complainedRecipients) {
        const address = normalizeAddress(recipient.emailAddress);
        const base: ComplaintEvent = {
          type: 'complaint',
          id: `${complaint.feedbackId}:${address}`,
          at: complaint.timestamp,
          identity,
        };
        add(address, withOptional(base, { feedbackType: complaint.complaintFeedbackType }));
      }
      return byAddress;
    }
    case 'delivery': {
      const { delivery } = message;
      // Deliveries carry no feedbackId; the SNS MessageId (or, with raw delivery, the mail's id) is stable.
      const messageKey = message.snsMessageId ?? `${message.mail.messageId}@${delivery.timestamp}`;
      for (const recipient of delivery.recipients) {
        const address = normalizeAddress(recipient);
        add(address, { type: 'delivery', id: `${messageKey}:${address}`, at: delivery.timestamp, identity });
      }
      return byAddress;
    }
    default:
      return message satisfies never;
  }
}
