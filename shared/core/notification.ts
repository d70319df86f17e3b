import * as z from 'zod';
import { quote, valueAt } from './quote';

/**
 * Schemas for what SES publishes through SNS (identity notifications and configuration-set event
 * publishing) and the parser that turns one SQS message body into a typed message.
 * Objects are loose: SES reserves the right to add fields, so unknown ones pass through untouched.
 */

export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

// Bounded so a garbage year cannot pin an address's event order forever (9999-… sorts after everything).
const Timestamp = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString())
  .refine((iso) => iso >= '2000' && iso < '2100', { error: 'expected a timestamp in years 2000..2099' });

/**
 * SES ids are ~60 characters. Bounded because they become part of DynamoDB sort keys (audit items,
 * at most 1,024 bytes together with the address and time): a longer one is an error, not a lost write.
 */
const SesId = z.string().min(1).max(256, { error: 'expected an SES id of at most 256 characters' });

export const MailSchema = z.looseObject({
  timestamp: Timestamp,
  messageId: SesId,
  source: z.string().min(1),
  sourceArn: z.string().optional(),
  sendingAccountId: z.string().optional(),
  destination: z.array(z.string()).optional(),
  tags: z.record(z.string(), z.array(z.string())).optional(),
});
export type Mail = z.infer<typeof MailSchema>;

export const BouncedRecipientSchema = z.looseObject({
  emailAddress: z.string().min(1),
  action: z.string().optional(),
  status: z.string().nullish(),
  diagnosticCode: z.string().optional(),
});

export const BounceSchema = z.looseObject({
  bounceType: z.string().min(1),
  bounceSubType: z.string().min(1),
  bouncedRecipients: z.array(BouncedRecipientSchema).min(1),
  timestamp: Timestamp,
  feedbackId: SesId,
  remoteMtaIp: z.string().optional(),
  reportingMTA: z.string().optional(),
});
export type Bounce = z.infer<typeof BounceSchema>;

export const ComplaintSchema = z.looseObject({
  complainedRecipients: z.array(z.looseObject({ emailAddress: z.string().min(1) })).min(1),
  timestamp: Timestamp,
  feedbackId: SesId,
  complaintFeedbackType: z.string().optional(),
  complaintSubType: z.string().nullish(),
  userAgent: z.string().optional(),
  arrivalDate: z.string().optional(),
});
export type Complaint = z.infer<typeof ComplaintSchema>;

export const DeliverySchema = z.looseObject({
  timestamp: Timestamp,
  recipients: z.array(z.string().min(1)).min(1),
  processingTimeMillis: z.number().optional(),
  smtpResponse: z.string().optional(),
  reportingMTA: z.string().optional(),
  remoteMtaIp: z.string().optional(),
});
export type Delivery = z.infer<typeof DeliverySchema>;

const BounceNotification = z.looseObject({ mail: MailSchema, bounce: BounceSchema });
const ComplaintNotification = z.looseObject({ mail: MailSchema, complaint: ComplaintSchema });
const DeliveryNotification = z.looseObject({ mail: MailSchema, delivery: DeliverySchema });
const SendEvent = z.looseObject({ mail: MailSchema });

const SnsEnvelopeSchema = z.looseObject({
  Type: z.string(),
  MessageId: z.string().min(1),
  Message: z.string(),
  TopicArn: z.string().optional(),
  Timestamp: z.string().optional(),
});

/** Event types of configuration-set event publishing that this handler counts but does not act on. */
export const PASSIVE_EVENT_TYPES = [
  'Reject',
  'DeliveryDelay',
  'Open',
  'Click',
  'Rendering Failure',
  'Subscription',
] as const;

/** Where the message came from: SES identity notifications or configuration-set event publishing. */
export type NotificationForm = 'notification' | 'event';

interface Common {
  form: NotificationForm;
  mail: Mail;
  /** SNS MessageId when the message came in an SNS envelope (absent with raw message delivery). */
  snsMessageId: string | undefined;
}

export type InboundMessage =
  | (Common & { kind: 'bounce'; bounce: Bounce })
  | (Common & { kind: 'complaint'; complaint: Complaint })
  | (Common & { kind: 'delivery'; delivery: Delivery })
  /** A configuration-set Send event: counted per identity for the bounce rate's denominator. */
  | (Common & { kind: 'send' })
  | { kind: 'ignored'; eventType: string; why: 'setup-message' | 'passive-event' | 'unknown-event-type' };

/** One line per problem: where, what, and the value that was there. */
export function describeZodError(error: z.ZodError, input: unknown, what: string): string {
  const problems = error.issues.slice(0, 5).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    const found = valueAt(input, issue.path);
    return `${where}: ${issue.message}${found === undefined ? ' (missing)' : `, got ${quote(found)}`}`;
  });
  const more = error.issues.length > 5 ? `; and ${error.issues.length - 5} more` : '';
  return `invalid ${what}: ${problems.join('; ')}${more}`;
}

function parseWith<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new MalformedMessageError(describeZodError(result.error, input, what));
  return result.data;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MalformedMessageError(`${what} is not JSON (${(error as Error).message}): ${quote(text)}`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

// SES sends this plain-text Message when a configuration set's SNS destination is created.
const EVENT_DESTINATION_VALIDATION = /successfully validated sns topic/i;

/**
 * Parses an SES notification (already JSON-decoded), in either the `notificationType` or the
 * `eventType` form. Setup messages and events this handler does not act on come back as `ignored`.
 */
export function parseSesNotification(input: unknown, snsMessageId?: string): InboundMessage {
  if (!isRecord(input))
    throw new MalformedMessageError(`SES notification must be a JSON object, got ${quote(input)}`);
  const form: NotificationForm = input.notificationType !== undefined ? 'notification' : 'event';
  const type = input.notificationType ?? input.eventType;
  if (typeof type !== 'string' || type === '') {
    throw new MalformedMessageError(
      `not an SES notification: no notificationType or eventType in ${quote(Object.keys(input))}`,
    );
  }
  switch (type) {
    case 'Bounce': {
      const { mail, bounce } = parseWith(BounceNotification, input, 'Bounce notification');
      return { kind: 'bounce', form, mail, bounce, snsMessageId };
    }
    case 'Complaint': {
      const { mail, complaint } = parseWith(ComplaintNotification, input, 'Complaint notification');
      return { kind: 'complaint', form, mail, complaint, snsMessageId };
    }
    case 'Delivery': {
      const { mail, delivery } = parseWith(DeliveryNotification, input, 'Delivery notification');
      return { kind: 'delivery', form, mail, delivery, snsMessageId };
    }
    case 'Send': {
      const { mail } = parseWith(SendEvent, input, 'Send event');
      return { kind: 'send', form, mail, snsMessageId };
    }
    case 'AmazonSnsSubscriptionSucceeded':
      return { kind: 'ignored', eventType: type, why: 'setup-message' };
    default:
      return {
        kind: 'ignored',
        eventType: type,
        why: (PASSIVE_EVENT_TYPES as readonly string[]).includes(type)
          ? 'passive-event'
          : 'unknown-event-type',
      };
  }
}

/**
 * Parses one SQS message body: an SNS envelope whose Message is an SES notification, or the
 * notification itself (raw message delivery). Throws MalformedMessageError naming the bad value.
 */
export function parseMessageBody(body: string): InboundMessage {
  const decoded = parseJson(body, 'message body');
  if (isRecord(decoded) && typeof decoded.Type === 'string' && !('notificationType' in decoded)) {
    return parseSnsEnvelope(decoded);
  }
  return parseSesNotification(decoded);
}

function parseSnsEnvelope(decoded: Record<string, unknown>): InboundMessage {
  if (decoded.Type === 'SubscriptionConfirmation' || decoded.Type === 'UnsubscribeConfirmation') {
    return { kind: 'ignored', eventType: decoded.Type, why: 'setup-message' };
  }
  if (decoded.Type !== 'Notification') {
    throw new MalformedMessageError(`unknown SNS message Type ${quote(decoded.Type)}`);
  }
  const envelope = parseWith(SnsEnvelopeSchema, decoded, 'SNS envelope');
  if (EVENT_DESTINATION_VALIDATION.test(envelope.Message) && !envelope.Message.trimStart().startsWith('{')) {
    return { kind: 'ignored', eventType: 'EventDestinationValidation', why: 'setup-message' };
  }
  return parseSesNotification(parseJson(envelope.Message, 'SNS Message'), envelope.MessageId);
}

/** The SES identity that sent the mail: the name after `identity/` in sourceArn, else the source domain. */
export function identityOf(mail: Mail): string {
  const fromArn = mail.sourceArn?.split(':identity/')[1];
  if (fromArn) return fromArn.toLowerCase();
  const source = mail.source.replace(/^.*<([^>]*)>.*$/, '$1');
  return source.slice(source.lastIndexOf('@') + 1).toLowerCase();
}
