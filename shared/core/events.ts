import { hashAddress, InvalidAddressError, normalizeAddress } from './address';
import type { Classification, RecipientBounce } from './classify/types';
import { type Delivery, type InboundMessage, identityOf, type Mail, tenantOf } from './notification';

/** Longest diagnostic text kept per event: enough to audit, small enough for a 1 KB-ish item. */
export const MAX_DIAGNOSTIC_LENGTH = 1024;

interface EventBase {
  /** Idempotency key: SES feedbackId (for deliveries, see deliveryKey) + recipient. */
  id: string;
  /** When it happened, per SES (ISO-8601 UTC); events are ordered by this, never by arrival. */
  at: string;
  /** The SES identity that sent the mail (see identityOf). */
  identity: string;
  /** The SES tenant the mail was sent through (see tenantOf); absent: none. */
  tenant?: string;
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
  /** Suppress or lift for this SES tenant only (see `TenantSuppression`); absent: account-wide. */
  tenant?: string;
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
  | Pick<ComplaintEvent, 'type' | 'id' | 'at' | 'feedbackType' | 'tenant'>
  | Pick<DeliveryEvent, 'type' | 'id' | 'at'>
  | ManualEvent
  | WatchElapsedEvent;

export type Classifier = (input: RecipientBounce) => Classification;

/**
 * A recipient whose address cannot be read (not even in the forms SES delivers to): kept, not
 * dropped, under the hash of its raw text (the text itself is PII and never stored or logged), so
 * `bounce lookup` of the same text finds it and its co-recipients are applied as usual.
 */
export interface UnreadableRecipient {
  /** `hashAddress` of the raw value as SES sent it. */
  hash: string;
  /** Idempotency key: the message's key (feedbackId, or as for deliveries) + `#` + hash. */
  id: string;
  at: string;
  kind: 'bounce' | 'complaint' | 'delivery';
  identity: string;
  /** The SES tenant the mail was sent through; absent: none. */
  tenant?: string;
  /** Why it is unreadable (InvalidAddressError's message: it names the value by hash and length only). */
  problem: string;
  /** For a bounce, what the recipient was classified as (the DSN fields do not need the address). */
  classification?: Classification;
}

/** A message's events by normalised address, and the recipients that could not be read. */
export interface MessageEvents {
  byAddress: Map<string, AddressEvent[]>;
  unreadable: UnreadableRecipient[];
  /** Each readable recipient's normalised address, by the raw value SES sent. */
  addresses: Map<string, string>;
}

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
 * A delivery's idempotency key: `<mail.messageId>@<delivery.timestamp>` (the timestamp as the
 * schema canonicalised it). Path-independent: SNS and EventBridge carry the same SES event.
 */
export const deliveryKey = (mail: Pick<Mail, 'messageId'>, delivery: Pick<Delivery, 'timestamp'>) =>
  `${mail.messageId}@${delivery.timestamp}`;

type ActionableMessage = Exclude<InboundMessage, { kind: 'ignored' } | { kind: 'send' }>;

/**
 * Turns one parsed SES message into per-address events, strictly: one recipient that cannot be read
 * throws InvalidAddressError (naming it by hash). The processor uses `readMessage`, which keeps it apart.
 */
export function eventsFromMessage(
  message: ActionableMessage,
  classify: Classifier,
): Map<string, AddressEvent[]> {
  const { byAddress, unreadable } = readMessage(message, classify);
  const first = unreadable[0];
  if (first) throw new InvalidAddressError(first.problem);
  return byAddress;
}

/**
 * Turns one parsed SES message into per-address events. Each recipient stands alone: one whose
 * address cannot be read goes to `unreadable` (by hash) and never blocks its co-recipients.
 */
export function readMessage(message: ActionableMessage, classify: Classifier): MessageEvents {
  const identity = identityOf(message.mail);
  const tenant = tenantOf(message.mail);
  const withTenant = <T extends object>(event: T): T => (tenant === undefined ? event : { ...event, tenant });
  const byAddress = new Map<string, AddressEvent[]>();
  const unreadable: UnreadableRecipient[] = [];
  const addresses = new Map<string, string>();
  const add = (address: string, event: AddressEvent) => {
    const list = byAddress.get(address);
    if (list) list.push(event);
    else byAddress.set(address, [event]);
  };
  /** The normalised address, or undefined after recording the recipient as unreadable. */
  const read = (
    raw: string,
    kind: UnreadableRecipient['kind'],
    key: string,
    at: string,
    classification?: Classification,
  ): string | undefined => {
    try {
      const address = normalizeAddress(raw);
      addresses.set(raw, address);
      return address;
    } catch (error) {
      if (!(error instanceof InvalidAddressError)) throw error;
      const hash = hashAddress(raw);
      unreadable.push({
        hash,
        id: `${key}:#${hash}`,
        at,
        kind,
        identity,
        ...(tenant === undefined ? {} : { tenant }),
        problem: error.message,
        ...(classification ? { classification } : {}),
      });
      return undefined;
    }
  };

  switch (message.kind) {
    case 'bounce': {
      const { bounce } = message;
      for (const recipient of bounce.bouncedRecipients) {
        const input: RecipientBounce = {
          emailAddress: recipient.emailAddress,
          bounceType: bounce.bounceType,
          bounceSubType: bounce.bounceSubType,
          action: recipient.action,
          status: recipient.status ?? undefined,
          diagnosticCode: recipient.diagnosticCode,
          remoteMtaIp: bounce.remoteMtaIp,
          reportingMTA: bounce.reportingMTA,
        };
        const classification = classify(input);
        const address = read(
          recipient.emailAddress,
          'bounce',
          bounce.feedbackId,
          bounce.timestamp,
          classification,
        );
        if (address === undefined) continue;
        const base: BounceEvent = withTenant({
          type: 'bounce',
          id: `${bounce.feedbackId}:${address}`,
          at: bounce.timestamp,
          identity,
          classification,
          bounceType: bounce.bounceType,
          bounceSubType: bounce.bounceSubType,
        });
        add(
          address,
          withOptional(base, {
            status: recipient.status ?? undefined,
            diagnosticCode: bounded(recipient.diagnosticCode),
          }),
        );
      }
      return { byAddress, unreadable, addresses };
    }
    case 'complaint': {
      const { complaint } = message;
      for (const recipient of complaint.complainedRecipients) {
        const address = read(recipient.emailAddress, 'complaint', complaint.feedbackId, complaint.timestamp);
        if (address === undefined) continue;
        const base: ComplaintEvent = withTenant({
          type: 'complaint',
          id: `${complaint.feedbackId}:${address}`,
          at: complaint.timestamp,
          identity,
        });
        add(address, withOptional(base, { feedbackType: complaint.complaintFeedbackType }));
      }
      return { byAddress, unreadable, addresses };
    }
    case 'delivery': {
      const { delivery } = message;
      // Deliveries carry no feedbackId. The key is the delivery's own (SES message id and delivery
      // time), never the carrier's (an SNS MessageId, an EventBridge id): the same delivery through
      // SNS, EventBridge, raw delivery or an identity notification is then one event, stored and
      // counted once. See docs/ingest.md ("Idempotency keys") for stores written before this key.
      const messageKey = deliveryKey(message.mail, delivery);
      for (const recipient of delivery.recipients) {
        const address = read(recipient, 'delivery', messageKey, delivery.timestamp);
        if (address === undefined) continue;
        add(
          address,
          withTenant({ type: 'delivery', id: `${messageKey}:${address}`, at: delivery.timestamp, identity }),
        );
      }
      return { byAddress, unreadable, addresses };
    }
    default:
      return message satisfies never;
  }
}
