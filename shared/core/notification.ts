import * as z from 'zod';
import { boundIdentity, clip, TEXT_BOUNDS } from './bounds';
import { quote, shortPath, valueAt } from './quote';
import { isTenantName } from './tenant-name';

/**
 * Schemas for what SES publishes through SNS (identity notifications and configuration-set event
 * publishing) and the parser that turns one SQS message body into a typed message.
 * Objects are loose: SES reserves the right to add fields, so unknown ones pass through untouched.
 */

export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

// What SES has really sent besides `2016-01-27T14:59:38.237Z`: a zone offset with a space before it and
// no colon (`2018-10-08T14:05:45 +0000`, in the Developer Guide's own mail object example). Only that
// is rewritten (to `+00:00`); everything else goes to the ISO-8601 check unchanged.
const SPACED_OR_COMPACT_OFFSET = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?) ?([+-])(\d{2}):?(\d{2})$/;
const canonicalTimestamp = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  const match = SPACED_OR_COMPACT_OFFSET.exec(value.trim());
  return match ? `${match[1]}${match[2]}${match[3]}:${match[4]}` : value;
};

// Bounded so a garbage year cannot pin an address's event order forever (9999-… sorts after everything).
const Timestamp = z.preprocess(
  canonicalTimestamp,
  z.iso
    .datetime({ offset: true, error: 'expected an ISO-8601 timestamp with a zone (Z or ±hh:mm)' })
    .transform((value) => new Date(value).toISOString())
    .refine((iso) => iso >= '2000' && iso < '2100', { error: 'expected a timestamp in years 2000..2099' }),
);

/**
 * An optional text field: SES omits some, and some captured payloads carry `null` or `""` instead;
 * all three read as absent. `tidy` rewrites a present value.
 */
const optionalText = (max: number, tidy: (value: string) => string = (value) => value) =>
  z
    .preprocess(
      (value) => clip(value, max),
      z
        .string()
        .nullish()
        .transform((value) =>
          value === null || value === undefined || value.trim() === '' ? undefined : tidy(value),
        ),
    )
    .optional();
const ShortText = optionalText(TEXT_BOUNDS.shortField);
const MtaText = optionalText(TEXT_BOUNDS.mtaField);

/** A required text field, cut at `max` before it is checked. */
const requiredText = (max: number) => z.preprocess((value) => clip(value, max), z.string().min(1));

/** DSN `Action` (RFC 3464 §2.3.3 says case-insensitive; `Failed` and `failed` both occur): lower-cased. */
const DsnAction = optionalText(TEXT_BOUNDS.shortField, (value) => value.trim().toLowerCase());

// A run of blanks that holds a line break. Runs are maximal, so the scan is linear (a pattern such
// as `\s*\r?\n\s*` retries every start in a run of blanks without one: quadratic).
const BLANK_RUN = /\s+/g;

/**
 * DSN `Diagnostic-Code` as SES copies it: lines of a folded header or a multi-line SMTP reply may
 * come with their CR/LF (and continuation blanks) in, and some MTAs write `smtp;550 …` with no
 * space after the type. Folded to one line and `type; text`, which is what the classifier reads.
 */
const DiagnosticCode = optionalText(TEXT_BOUNDS.diagnosticCode, (value) =>
  value
    .replace(BLANK_RUN, (run) => (run.includes('\n') ? ' ' : run))
    .trim()
    .replace(/^([A-Za-z][A-Za-z0-9-]*);\s*/, '$1; '),
);

// Ids go into keys (an audit item's sort key holds the feedbackId and the address: at most 1 KB), so
// they are printable ASCII, as SES's and SNS's are; the length is checked first, before the pattern.
const SesId = z
  .string()
  .min(1)
  .max(256, { error: 'expected an SES id of at most 256 characters', abort: true })
  .regex(/^[\x21-\x7e]+$/, { error: 'expected an SES id of printable ASCII characters' });

/**
 * `mail.tags` cut to what SES can send (50 tags, names and values of 256 characters, a few values
 * each) before the schema reads it: a 250 KB tag name costs nothing and does not flood an error.
 * Not an object: left for the schema to refuse.
 */
function boundedTags(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const bounded: Record<string, unknown> = {};
  let count = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (count++ >= TEXT_BOUNDS.tagCount) break;
    const values = (value as Record<string, unknown>)[key];
    bounded[clip(key, TEXT_BOUNDS.tagText)] = Array.isArray(values)
      ? values.slice(0, TEXT_BOUNDS.tagValues).map((v) => clip(v, TEXT_BOUNDS.tagText))
      : values;
  }
  return bounded;
}

export const MailSchema = z.looseObject({
  timestamp: Timestamp,
  messageId: SesId,
  source: requiredText(TEXT_BOUNDS.source),
  sourceArn: optionalText(TEXT_BOUNDS.sourceArn),
  sendingAccountId: ShortText,
  /** As sent: display names (`"Jane" <jane@example.com>`, RFC 2047 words) included; only counted. */
  destination: z.array(z.string()).optional(),
  /** Bounded before it is checked (see boundedTags): only `ses:tenant-name` is read. */
  tags: z.preprocess(boundedTags, z.record(z.string(), z.array(z.string()))).optional(),
});
export type Mail = z.infer<typeof MailSchema>;

/** One bounced recipient. Only `emailAddress` is always there: SES omits the DSN fields when no DSN came back. */
export const BouncedRecipientSchema = z.looseObject({
  /** May carry a display name (`Name <a@b>`, `=?UTF-8?B?…?= <a@b>`): normalizeAddress strips it. */
  emailAddress: z.string().min(1),
  action: DsnAction,
  status: optionalText(TEXT_BOUNDS.shortField, (value) => value.trim()),
  diagnosticCode: DiagnosticCode,
});

export const BounceSchema = z.looseObject({
  bounceType: requiredText(TEXT_BOUNDS.shortField),
  bounceSubType: requiredText(TEXT_BOUNDS.shortField),
  bouncedRecipients: z.array(BouncedRecipientSchema).min(1),
  timestamp: Timestamp,
  feedbackId: SesId,
  remoteMtaIp: MtaText,
  /** `dns; host` per RFC 3464, but `dsn; host` and a bare host occur too; kept as sent. */
  reportingMTA: MtaText,
});
export type Bounce = z.infer<typeof BounceSchema>;

export const ComplaintSchema = z.looseObject({
  complainedRecipients: z.array(z.looseObject({ emailAddress: z.string().min(1) })).min(1),
  timestamp: Timestamp,
  feedbackId: SesId,
  complaintFeedbackType: ShortText,
  complaintSubType: ShortText,
  userAgent: MtaText,
  arrivalDate: MtaText,
});
export type Complaint = z.infer<typeof ComplaintSchema>;

export const DeliverySchema = z.looseObject({
  timestamp: Timestamp,
  recipients: z.array(z.string().min(1)).min(1),
  processingTimeMillis: z.number().nullish(),
  smtpResponse: MtaText,
  reportingMTA: MtaText,
  remoteMtaIp: MtaText,
});
export type Delivery = z.infer<typeof DeliverySchema>;

const BounceNotification = z.looseObject({ mail: MailSchema, bounce: BounceSchema });
const ComplaintNotification = z.looseObject({ mail: MailSchema, complaint: ComplaintSchema });
const DeliveryNotification = z.looseObject({ mail: MailSchema, delivery: DeliverySchema });
const SendEvent = z.looseObject({ mail: MailSchema });

/**
 * The SNS envelope, as SQS receives it (`SigningCertURL`, `UnsubscribeURL`) or as Lambda's SNS event
 * shows it (`SigningCertUrl`, `UnsubscribeUrl`, `Subject: null`, `MessageAttributes`): only what is
 * read is checked, the rest passes through.
 */
const SnsEnvelopeSchema = z.looseObject({
  Type: z.string(),
  MessageId: SesId,
  Message: z.string(),
  TopicArn: MtaText,
  Timestamp: MtaText,
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
    const where = issue.path.length > 0 ? shortPath(issue.path) : '(root)';
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
/** The identity-notification types SES sends (`notificationType`); any other value is a bad message. */
const NOTIFICATION_TYPES = ['Bounce', 'Complaint', 'Delivery', 'AmazonSnsSubscriptionSucceeded'] as const;
const KNOWN_TYPES = [...NOTIFICATION_TYPES, 'Send', ...PASSIVE_EVENT_TYPES];

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
  // SES spells its types exactly; `bounce` or `BOUNCE` is a broken producer, not a future event type
  // to ignore (ignoring it would acknowledge a bounce that is never applied).
  const field = form === 'notification' ? 'notificationType' : 'eventType';
  if (
    !(KNOWN_TYPES as readonly string[]).includes(type) &&
    (form === 'notification' || KNOWN_TYPES.some((known) => known.toLowerCase() === type.toLowerCase()))
  ) {
    throw new MalformedMessageError(
      `unknown ${field} ${quote(type)}: SES sends ${(form === 'notification' ? NOTIFICATION_TYPES : KNOWN_TYPES).join(', ')}`,
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
 * Parses one SQS message body: an SNS envelope whose Message is an SES notification, an EventBridge
 * event whose `detail` is one (an EventBridge rule's SQS target), or the notification itself (raw
 * message delivery). Throws MalformedMessageError naming the bad value.
 */
export function parseMessageBody(body: unknown): InboundMessage {
  if (typeof body !== 'string') {
    throw new MalformedMessageError(`SQS message body must be a string, got ${quote(body)}`);
  }
  const decoded = unwrapLambdaSnsEvent(parseJson(withoutBom(body), 'message body'));
  if (isRecord(decoded) && typeof decoded.Type === 'string' && !('notificationType' in decoded)) {
    return parseSnsEnvelope(decoded);
  }
  if (isEventBridgeEvent(decoded)) return parseEventBridgeEvent(decoded);
  return parseSesNotification(decoded);
}

/**
 * The `detail-type` of each SES email sending event SES publishes to EventBridge (a configuration
 * set's EventBridge destination, default bus), and the `eventType` of the SES event in its `detail`.
 * Source: the EventBridge events reference for Amazon SES and SES's "Monitoring SES events using
 * Amazon EventBridge".
 */
export const EVENTBRIDGE_DETAIL_TYPES = {
  'Email Sent': 'Send',
  'Email Delivered': 'Delivery',
  'Email Bounced': 'Bounce',
  'Email Complaint Received': 'Complaint',
  'Email Rejected': 'Reject',
  'Email Delivery Delayed': 'DeliveryDelay',
  'Email Rendering Failed': 'Rendering Failure',
  'Email Opened': 'Open',
  'Email Clicked': 'Click',
  'Email Subscribed': 'Subscription',
} as const satisfies Record<string, string>;
export type EventBridgeDetailType = keyof typeof EVENTBRIDGE_DETAIL_TYPES;

/** The detail-types whose events the processor acts on (what the stack's EventBridge rule sends to the queue). */
export const ACTIONABLE_DETAIL_TYPES = [
  'Email Sent',
  'Email Delivered',
  'Email Bounced',
  'Email Complaint Received',
] as const satisfies readonly EventBridgeDetailType[];

/** SES's own events on the default bus that are not email sending events: counted and ignored here. */
const SES_SERVICE_DETAIL_TYPES = [
  'Sending Status Enabled',
  'Sending Status Disabled',
  'Advisor Recommendation Status Open',
  'Advisor Recommendation Status Resolved',
];

/** An EventBridge event: the envelope's own keys, `detail-type` and `detail` (SES events never have them). */
const isEventBridgeEvent = (value: unknown): value is Record<string, unknown> =>
  isRecord(value) &&
  'detail-type' in value &&
  'detail' in value &&
  !('notificationType' in value) &&
  !('eventType' in value);

/**
 * The EventBridge envelope: every text is cut to its bound before it is checked. Its `id` is
 * EventBridge's own, different on every path, so it keys nothing (see readMessage's delivery key).
 */
const EventBridgeEnvelopeSchema = z.looseObject({
  id: optionalText(TEXT_BOUNDS.shortField),
  'detail-type': requiredText(TEXT_BOUNDS.shortField),
  source: requiredText(TEXT_BOUNDS.shortField),
  account: ShortText,
  time: ShortText,
  region: ShortText,
  detail: z.record(z.string(), z.unknown(), { error: 'expected the SES event as a JSON object' }),
});

function parseEventBridgeEvent(decoded: Record<string, unknown>): InboundMessage {
  const event = parseWith(EventBridgeEnvelopeSchema, decoded, 'EventBridge event');
  if (event.source !== 'aws.ses') {
    throw new MalformedMessageError(
      `EventBridge event from source ${quote(event.source)} (detail-type ${quote(event['detail-type'])}): expected "aws.ses"`,
    );
  }
  const detailType = event['detail-type'];
  const eventType = (EVENTBRIDGE_DETAIL_TYPES as Record<string, string>)[detailType];
  if (eventType === undefined) {
    // As with eventType: SES spells its detail-types exactly; `email bounced` is a broken producer.
    const misspelt = Object.keys(EVENTBRIDGE_DETAIL_TYPES).find(
      (known) => known.toLowerCase() === detailType.toLowerCase(),
    );
    if (misspelt !== undefined) {
      throw new MalformedMessageError(
        `unknown EventBridge detail-type ${quote(detailType)}: SES sends ${quote(misspelt)}`,
      );
    }
    return {
      kind: 'ignored',
      eventType: detailType,
      why: SES_SERVICE_DETAIL_TYPES.includes(detailType) ? 'passive-event' : 'unknown-event-type',
    };
  }
  const { detail } = event;
  // The detail-type decides what the event is: a detail that also names a notificationType (the
  // other form, which parseSesNotification would prefer) could make an "Email Sent" a bounce.
  if (detail.notificationType !== undefined) {
    throw new MalformedMessageError(
      `EventBridge detail-type ${quote(detailType)} carries detail.notificationType ${quote(detail.notificationType)}: SES events name eventType only`,
    );
  }
  if (detail.eventType !== undefined && detail.eventType !== eventType) {
    throw new MalformedMessageError(
      `EventBridge detail-type ${quote(detailType)} carries detail.eventType ${quote(detail.eventType)}: expected ${quote(eventType)}`,
    );
  }
  // The detail is the SES event as SES publishes it to SNS: the same schema, the same keys.
  return parseSesNotification({ ...detail, eventType });
}

/** A UTF-8 byte-order mark, as some tools write before JSON (and some captured payloads keep). */
const withoutBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/**
 * A notification captured from a Lambda subscribed to the topic (what many projects keep as their
 * sample): Lambda's SNS event `{"Records":[{"EventSource":"aws:sns","Sns":{…}}]}`, or one record of
 * it. Unwrapped to the `Sns` envelope; an event of several records is refused (one body, one message).
 */
function unwrapLambdaSnsEvent(decoded: unknown): unknown {
  if (!isRecord(decoded)) return decoded;
  const isSnsRecord = (value: unknown): value is { Sns: Record<string, unknown> } =>
    isRecord(value) && value.EventSource === 'aws:sns' && isRecord(value.Sns);
  if (isSnsRecord(decoded)) return decoded.Sns;
  const records = decoded.Records;
  if (Array.isArray(records) && records.length > 0 && records.every(isSnsRecord)) {
    if (records.length > 1) {
      throw new MalformedMessageError(
        `a Lambda SNS event of ${records.length} records in one message body: expected one notification per message`,
      );
    }
    return records[0]?.Sns;
  }
  return decoded;
}

function parseSnsEnvelope(decoded: Record<string, unknown>): InboundMessage {
  if (decoded.Type === 'SubscriptionConfirmation' || decoded.Type === 'UnsubscribeConfirmation') {
    return { kind: 'ignored', eventType: decoded.Type, why: 'setup-message' };
  }
  if (decoded.Type !== 'Notification') {
    throw new MalformedMessageError(`unknown SNS message Type ${quote(decoded.Type)}`);
  }
  const envelope = parseWith(SnsEnvelopeSchema, decoded, 'SNS envelope');
  // The JSON check first: a notification (up to 256 KB) is never searched for the setup text.
  if (!envelope.Message.trimStart().startsWith('{') && EVENT_DESTINATION_VALIDATION.test(envelope.Message)) {
    return { kind: 'ignored', eventType: 'EventDestinationValidation', why: 'setup-message' };
  }
  const message = parseJson(withoutBom(envelope.Message), 'SNS Message');
  // An EventBridge rule may target a topic too: the event is then the Message.
  if (isEventBridgeEvent(message)) return parseEventBridgeEvent(message);
  return parseSesNotification(message, envelope.MessageId);
}

/** The tag SES adds to every send made through a tenant (the `ses:` tag namespace is SES's own). */
export const TENANT_TAG = 'ses:tenant-name';

/**
 * The tenant the mail was sent through: the first value of `mail.tags["ses:tenant-name"]`; none when
 * the tag is absent. A value SES could not have written (not a valid tenant name) is not a tenant:
 * it would otherwise become a key and a metric dimension, so it is ignored like a missing tag.
 */
export function tenantOf(mail: Mail): string | undefined {
  const value = mail.tags?.[TENANT_TAG]?.[0];
  return value !== undefined && isTenantName(value) ? value : undefined;
}

/** The SES identity that sent the mail: the name after `identity/` in sourceArn, else the source domain. */
export function identityOf(mail: Mail): string {
  const arn = mail.sourceArn ?? '';
  const marker = arn.indexOf(':identity/');
  const fromArn = marker < 0 ? '' : arn.slice(marker + ':identity/'.length).split(':identity/')[0];
  if (fromArn) return boundIdentity(fromArn.toLowerCase());
  // The address inside the last `<…>` (`Name <news@example.com>`), found by index, not by a regex
  // (`^.*<([^>]*)>.*$` on a run of `<` is quadratic).
  let source = mail.source;
  const close = source.lastIndexOf('>');
  const open = close > 0 ? source.lastIndexOf('<', close) : -1;
  if (open >= 0) source = source.slice(open + 1, source.indexOf('>', open));
  return boundIdentity(source.slice(source.lastIndexOf('@') + 1).toLowerCase());
}
