/**
 * Malformed and hostile SQS message bodies, beyond the 23 kinds of test/processor.test.ts. Each
 * case says what must happen: the record fails alone with an error naming the problem, is
 * acknowledged and ignored, or is applied with a checked effect on the store.
 */
import type { SuppressionStore } from '../../shared/ports';
import { lambdaSnsEvent, simulatorBounce, snsEnvelope } from '../fixtures/ses-examples';

export type Expectation =
  /**
   * Every body of the case fails, each with an error matching this; `untouched` addresses stay
   * absent, `landed` ones are suppressed (co-recipients applied before the record failed).
   */
  | { fails: RegExp; untouched?: string[]; landed?: string[] }
  /** Every body is acknowledged without touching the store. */
  | { ignored: true }
  /** Every body is processed; `check` asserts the effect (throws when wrong). */
  | { applied: (store: SuppressionStore) => Promise<void> };

export interface BadInputCase {
  name: string;
  /** One or more bodies, delivered in this order in the same batch (duplicates, reordering). */
  bodies: string[];
  expect: Expectation;
}

const mail = (overrides: Record<string, unknown> = {}) => ({
  timestamp: '2026-03-01T10:00:00.000Z',
  messageId: '0100018e-bad-input-000000',
  source: 'news@mail.example.com',
  sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/mail.example.com',
  destination: ['someone@example.com'],
  ...overrides,
});

let serial = 0;
/** A valid hard bounce (5.1.1 user unknown) for `recipients`, with overrides at the bounce level. */
const bounce = (recipients: unknown[], overrides: Record<string, unknown> = {}, mailOverrides = {}) => ({
  notificationType: 'Bounce',
  mail: mail(mailOverrides),
  bounce: {
    bounceType: 'Permanent',
    bounceSubType: 'General',
    bouncedRecipients: recipients,
    timestamp: '2026-03-01T10:00:05.000Z',
    feedbackId: `0100018e-feedback-${++serial}`,
    reportingMTA: 'dns; a1-2.smtp-out.eu-west-1.amazonses.com',
    ...overrides,
  },
});
const hard = (emailAddress: unknown) => ({
  emailAddress,
  action: 'failed',
  status: '5.1.1',
  diagnosticCode: 'smtp; 550 5.1.1 user unknown',
});
const complaint = (emailAddress: unknown, overrides: Record<string, unknown> = {}) => ({
  notificationType: 'Complaint',
  mail: mail(),
  complaint: {
    complainedRecipients: [{ emailAddress }],
    timestamp: '2026-03-01T11:00:00.000Z',
    feedbackId: `0100018e-complaint-${++serial}`,
    complaintFeedbackType: 'abuse',
    ...overrides,
  },
});
const delivery = (recipients: unknown, timestamp = '2026-03-01T09:00:00.000Z') => ({
  eventType: 'Delivery',
  mail: mail(),
  delivery: { timestamp, recipients, smtpResponse: '250 2.0.0 OK' },
});
const env = (message: unknown, id = `sns-${++serial}`) => snsEnvelope(message, id);

function expectEqual(actual: unknown, expected: unknown, what: string) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

async function statusOf(store: SuppressionStore, address: string) {
  return (await store.get(address))?.state.status;
}

/** The address is stored under exactly this key with this status (and as nothing else). */
const storedAs =
  (address: string, status: string, events = 1) =>
  async (store: SuppressionStore) => {
    const record = await store.get(address);
    expectEqual(record?.state.status, status, `status of ${address}`);
    expectEqual(record?.events.length, events, `events of ${address}`);
  };

const KB = 1024;
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

export const BAD_INPUT: readonly BadInputCase[] = [
  // --- Not JSON, or JSON of the wrong kind -------------------------------------------------------
  {
    name: 'trailing comma',
    bodies: ['{"Type":"Notification","MessageId":"x",}'],
    expect: { fails: /message body is not JSON/ },
  },
  {
    name: 'single-quoted JSON',
    bodies: ["{'Type':'Notification'}"],
    expect: { fails: /message body is not JSON/ },
  },
  {
    name: 'byte-order mark before JSON (read: some tools write one)',
    bodies: [`\uFEFF${env(bounce([hard('bom@example.com')]))}`],
    expect: { applied: storedAs('bom@example.com', 'suppressed') },
  },
  {
    name: 'byte-order mark inside the body, after a blank',
    bodies: [` \uFEFF${env(bounce([hard('bom2@example.com')]))}`],
    expect: { fails: /message body is not JSON/, untouched: ['bom2@example.com'] },
  },
  {
    name: 'body truncated mid-string',
    bodies: [env(bounce([hard('cut@example.com')])).slice(0, 300)],
    expect: { fails: /message body is not JSON/ },
  },
  { name: 'JSON null', bodies: ['null'], expect: { fails: /must be a JSON object, got null/ } },
  { name: 'JSON string', bodies: ['"Bounce"'], expect: { fails: /must be a JSON object, got "Bounce"/ } },
  { name: 'JSON true', bodies: ['true'], expect: { fails: /must be a JSON object, got true/ } },
  { name: 'NaN literal', bodies: ['{"notificationType":"Bounce","x":NaN}'], expect: { fails: /not JSON/ } },
  {
    name: 'SQS event pasted as a body',
    bodies: [JSON.stringify({ Records: [{ body: '{}' }] })],
    expect: { fails: /no notificationType or eventType in \["Records"\]/ },
  },
  {
    name: 'Message double-encoded (a JSON string of JSON)',
    bodies: [env(JSON.stringify(JSON.stringify(bounce([hard('x@example.com')]))))],
    expect: { fails: /must be a JSON object, got "\{/ },
  },
  { name: 'Message JSON null', bodies: [env('null')], expect: { fails: /must be a JSON object, got null/ } },
  {
    name: 'Message deeply nested (10 000 levels)',
    bodies: [env(nested(10_000))],
    expect: { fails: /no notificationType or eventType in \["a"\]/ },
  },
  {
    name: 'deep nesting in a loose field of a valid bounce',
    bodies: [env({ ...bounce([hard('deep@example.com')]), extra: JSON.parse(nested(2000)) })],
    expect: { applied: storedAs('deep@example.com', 'suppressed') },
  },

  // --- Envelope problems -------------------------------------------------------------------------
  {
    name: 'envelope Message a number',
    bodies: [JSON.stringify({ Type: 'Notification', MessageId: 'm', Message: 42 })],
    expect: { fails: /SNS envelope.*Message/s },
  },
  {
    name: 'envelope MessageId empty',
    bodies: [JSON.stringify({ Type: 'Notification', MessageId: '', Message: '{}' })],
    expect: { fails: /SNS envelope.*MessageId/s },
  },
  {
    name: 'envelope Type lower-case',
    bodies: [JSON.stringify({ Type: 'notification', MessageId: 'm', Message: '{}' })],
    expect: { fails: /unknown SNS message Type "notification"/ },
  },
  {
    name: 'SNS SubscriptionConfirmation (SubscribeURL never fetched)',
    bodies: [
      JSON.stringify({
        Type: 'SubscriptionConfirmation',
        MessageId: 'sc',
        Token: 't',
        TopicArn: 'arn:aws:sns:eu-west-1:123456789012:ses',
        Message: 'You have chosen to subscribe…',
        SubscribeURL: 'http://127.0.0.1:9/never',
      }),
    ],
    expect: { ignored: true },
  },
  {
    name: 'SNS UnsubscribeConfirmation',
    bodies: [
      JSON.stringify({
        Type: 'UnsubscribeConfirmation',
        MessageId: 'uc',
        Message: 'unsubscribed',
        SubscribeURL: 'http://127.0.0.1:9/never',
      }),
    ],
    expect: { ignored: true },
  },
  {
    name: 'event destination validation text',
    bodies: [env('Successfully validated SNS topic for Amazon SES event publishing.')],
    expect: { ignored: true },
  },

  // --- Event types -------------------------------------------------------------------------------
  {
    name: 'unknown future event type',
    bodies: [env({ eventType: 'Quarantine', mail: mail(), quarantine: {} })],
    expect: { ignored: true },
  },
  {
    name: 'notificationType in lower case (not an SES type) fails, naming it',
    bodies: [env({ ...bounce([hard('lower@example.com')]), notificationType: 'bounce' })],
    expect: { fails: /unknown notificationType "bounce"/, untouched: ['lower@example.com'] },
  },
  {
    name: 'eventType of a known type in the wrong case fails, naming it',
    bodies: [
      env({ ...bounce([hard('lowerevent@example.com')]), notificationType: undefined, eventType: 'BOUNCE' }),
    ],
    expect: { fails: /unknown eventType "BOUNCE"/, untouched: ['lowerevent@example.com'] },
  },
  {
    name: 'DeliveryDelay event',
    bodies: [
      env({
        eventType: 'DeliveryDelay',
        mail: mail(),
        deliveryDelay: {
          delayType: 'TransientCommunicationFailure',
          delayedRecipients: [{ emailAddress: 'delay@example.com' }],
          timestamp: '2026-03-01T10:00:00Z',
        },
      }),
    ],
    expect: { ignored: true },
  },
  {
    name: 'Reject event',
    bodies: [env({ eventType: 'Reject', mail: mail(), reject: { reason: 'Bad content' } })],
    expect: { ignored: true },
  },
  {
    name: 'notificationType and eventType disagree (notificationType wins)',
    bodies: [env({ ...complaint('both@example.com'), eventType: 'Delivery' })],
    expect: { applied: storedAs('both@example.com', 'suppressed') },
  },

  // --- Wrong types and missing fields ------------------------------------------------------------
  {
    name: 'bounceType a number',
    bodies: [env(bounce([hard('t1@example.com')], { bounceType: 5 }))],
    expect: { fails: /bounce\.bounceType/ },
  },
  {
    name: 'bounce timestamp an epoch number',
    bodies: [env(bounce([hard('t2@example.com')], { timestamp: 1_772_359_205_000 }))],
    expect: { fails: /bounce\.timestamp/ },
  },
  {
    name: 'bounce timestamp without zone',
    bodies: [env(bounce([hard('t3@example.com')], { timestamp: '2026-03-01T10:00:05' }))],
    expect: { fails: /bounce\.timestamp.*"2026-03-01T10:00:05"/s },
  },
  {
    name: 'feedbackId an object',
    bodies: [env(bounce([hard('t4@example.com')], { feedbackId: { id: 1 } }))],
    expect: { fails: /bounce\.feedbackId/ },
  },
  {
    name: 'mail.messageId missing',
    bodies: [env(bounce([hard('t5@example.com')], {}, { messageId: undefined }))],
    expect: { fails: /mail\.messageId/ },
  },
  {
    name: 'mail.source empty',
    bodies: [env(bounce([hard('t6@example.com')], {}, { source: '' }))],
    expect: { fails: /mail\.source/ },
  },
  {
    name: 'recipient emailAddress null',
    bodies: [env(bounce([hard(null)]))],
    expect: { fails: /bouncedRecipients\.0\.emailAddress/ },
  },
  {
    name: 'recipient emailAddress a number',
    bodies: [env(bounce([hard(12345)]))],
    expect: { fails: /bouncedRecipients\.0\.emailAddress/ },
  },
  {
    name: 'recipient a string instead of an object',
    bodies: [env(bounce(['t7@example.com']))],
    expect: { fails: /bouncedRecipients\.0/ },
  },
  {
    name: 'one unreadable recipient among good ones: the good ones land, the record fails without a store to keep it',
    bodies: [env(bounce([hard('first@example.com'), hard('not an address'), hard('third@example.com')]))],
    expect: {
      fails: /invalid address #[0-9a-f]{12} \(14 characters\): expected local@domain/,
      landed: ['first@example.com', 'third@example.com'],
    },
  },
  {
    name: 'complaint feedbackId missing',
    bodies: [env(complaint('t8@example.com', { feedbackId: undefined }))],
    expect: { fails: /complaint\.feedbackId/ },
  },
  {
    name: 'delivery recipients empty',
    bodies: [env(delivery([]))],
    expect: { fails: /delivery\.recipients/ },
  },

  // --- Hostile addresses ---------------------------------------------------------------------------
  {
    name: 'NUL byte in address',
    bodies: [env(bounce([hard('nul\u0000@example.com')]))],
    expect: { fails: /control characters/ },
  },
  {
    name: 'LF + header in complaint address',
    bodies: [env(complaint('jane@example.com\nBcc: all@example.com'))],
    expect: { fails: /control characters/ },
  },
  {
    name: 'U+2028 line separator in delivery recipient',
    bodies: [env(delivery(['ls\u2028x@example.com']))],
    expect: { fails: /control characters/ },
  },
  {
    name: 'tab inside address',
    bodies: [env(bounce([hard('ta\tb@example.com')]))],
    expect: { fails: /control characters/ },
  },
  {
    name: 'ANSI escape in address',
    bodies: [env(bounce([hard('\u001b[31mred@example.com')]))],
    expect: { fails: /control characters/ },
  },
  {
    name: 'two addresses in one field',
    bodies: [env(bounce([hard('a@example.com, b@example.com')]))],
    expect: { fails: /invalid address #[0-9a-f]{12} \(28 characters\): bad local part/ },
  },
  {
    name: 'quoted local part with @ (valid in RFC 5321) is its own address',
    bodies: [env(bounce([hard('"a@b"@example.com')]))],
    expect: { applied: storedAs('"a@b"@example.com', 'suppressed') },
  },
  {
    name: 'local part of 65 characters',
    bodies: [env(bounce([hard(`${'l'.repeat(65)}@example.com`)]))],
    expect: { fails: /bad local part/ },
  },
  {
    name: 'domain without a dot',
    bodies: [env(bounce([hard('root@localhost')]))],
    expect: { fails: /bad domain/ },
  },
  {
    name: 'domain with empty label',
    bodies: [env(bounce([hard('jane@example..com')]))],
    expect: { fails: /bad domain/ },
  },
  // Not a valid host name (labels are ≤ 63 octets), but node's domainToASCII accepts it; storing a
  // suppression for an undeliverable address is harmless, so this documents the behaviour.
  {
    name: 'domain label of 64 characters (accepted as is)',
    bodies: [env(bounce([hard(`jane@${'d'.repeat(64)}.com`)]))],
    expect: { applied: storedAs(`jane@${'d'.repeat(64)}.com`, 'suppressed') },
  },
  {
    name: 'address of 255 characters',
    bodies: [
      env(bounce([hard(`${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.example`)])),
    ],
    expect: { fails: /255 octets, at most 254/ },
  },
  {
    name: '100 KB address is refused by its length, before any regex',
    bodies: [env(bounce([hard(`${'x'.repeat(100 * KB)}@example.com`)]))],
    expect: { fails: /longer than 1024 characters, not read/ },
  },

  // --- Addresses that are fine once normalised --------------------------------------------------
  {
    name: 'IDN domain stored in punycode',
    bodies: [env(bounce([hard('anna@bücher.example')]))],
    expect: { applied: storedAs('anna@xn--bcher-kva.example', 'suppressed') },
  },
  {
    name: 'IDN domain in capitals folds onto the same address',
    bodies: [env(complaint('Anna@BÜCHER.example'))],
    expect: {
      applied: async (store) => {
        expectEqual(await statusOf(store, 'anna@xn--bcher-kva.example'), 'suppressed', 'status');
        expectEqual(await store.get('Anna@BÜCHER.example'), undefined, 'raw key');
      },
    },
  },
  {
    name: 'unicode local part and IDN TLD (EAI)',
    bodies: [env(bounce([hard('用户@例子.广告')]))],
    expect: { applied: storedAs('用户@xn--fsqu00a.xn--4rr70v', 'suppressed') },
  },
  {
    name: 'display name stripped',
    bodies: [env(bounce([hard('"Doe, Jane" <Jane.Doe@Example.COM>')]))],
    expect: { applied: storedAs('jane.doe@example.com', 'suppressed') },
  },
  {
    name: 'surrounding whitespace trimmed',
    bodies: [env(delivery(['  spaced@example.com  ']))],
    expect: { applied: storedAs('spaced@example.com', 'clear') },
  },

  // --- What SES has really sent (real captured payloads) -------------------------------------------
  {
    name: 'mailbox simulator bounce in Lambda’s SNS event shape (SigningCertUrl, Subject null)',
    bodies: [JSON.stringify(lambdaSnsEvent(simulatorBounce({}, { feedbackId: 'fb-lambda-shape' })))],
    expect: { applied: storedAs('bounce@simulator.amazonses.com', 'suppressed') },
  },
  {
    name: 'one record of a Lambda SNS event as the body',
    bodies: [
      JSON.stringify(
        lambdaSnsEvent(simulatorBounce({ emailAddress: 'record@example.com' }, { feedbackId: 'fb-one' }))
          .Records[0],
      ),
    ],
    expect: { applied: storedAs('record@example.com', 'suppressed') },
  },
  {
    name: 'Lambda SNS event of two records in one body',
    bodies: [
      JSON.stringify({
        Records: [
          ...lambdaSnsEvent(simulatorBounce({ emailAddress: 'two1@example.com' })).Records,
          ...lambdaSnsEvent(simulatorBounce({ emailAddress: 'two2@example.com' })).Records,
        ],
      }),
    ],
    expect: { fails: /Lambda SNS event of 2 records/, untouched: ['two1@example.com', 'two2@example.com'] },
  },
  {
    name: 'timestamps `2018-10-08T14:05:45 +0000` (space, no colon) in mail and bounce',
    bodies: [
      env(
        simulatorBounce(
          { emailAddress: 'spaced@example.com' },
          { timestamp: '2018-10-08T14:05:45 +0000', feedbackId: 'fb-spaced' },
          { timestamp: '2018-10-08T14:05:44 +0000' },
        ),
      ),
    ],
    expect: {
      applied: async (store) => {
        expectEqual((await store.get('spaced@example.com'))?.events[0]?.at, '2018-10-08T14:05:45.000Z', 'at');
      },
    },
  },
  {
    name: 'timestamp with -07:00 and no milliseconds',
    bodies: [env(complaint('pacific@example.com', { timestamp: '2026-03-01T03:00:00-07:00' }))],
    expect: {
      applied: async (store) => {
        expectEqual(
          (await store.get('pacific@example.com'))?.events[0]?.at,
          '2026-03-01T10:00:00.000Z',
          'at',
        );
      },
    },
  },
  {
    name: 'timestamp as an RFC 2822 date (the Date header’s form) fails, quoted',
    bodies: [env(bounce([hard('rfc2822@example.com')], { timestamp: 'Mon, 08 Oct 2018 14:05:45 +0000' }))],
    expect: {
      fails: /bounce\.timestamp: .*got "Mon, 08 Oct 2018 14:05:45 \+0000"/,
      untouched: ['rfc2822@example.com'],
    },
  },
  {
    name: 'display name on the bounced recipient (the simulator’s “Test Hard Bounce Recipient”)',
    bodies: [
      env(
        simulatorBounce(
          { emailAddress: 'Test Hard Bounce Recipient <Hard.Named@example.com>' },
          { feedbackId: 'fb-named' },
        ),
      ),
    ],
    expect: { applied: storedAs('hard.named@example.com', 'suppressed') },
  },
  {
    name: 'RFC 2047 encoded display names on bounced and complained recipients and mail.destination',
    bodies: [
      env(
        bounce(
          [hard('=?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <juergen@example.com>')],
          {},
          {
            destination: ['=?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <juergen@example.com>'],
          },
        ),
      ),
      env(complaint('=?ISO-8859-1?Q?Andr=E9?= <andre@example.com>')),
    ],
    expect: {
      applied: async (store) => {
        await storedAs('juergen@example.com', 'suppressed')(store);
        await storedAs('andre@example.com', 'suppressed')(store);
      },
    },
  },
  {
    name: 'capitalised DSN action `Failed`',
    bodies: [env(bounce([{ ...hard('capital@example.com'), action: 'Failed' }]))],
    expect: { applied: storedAs('capital@example.com', 'suppressed') },
  },
  {
    name: 'recipients with no action, status or diagnosticCode (no DSN), or with them null',
    bodies: [
      env(
        bounce(
          [
            { emailAddress: 'nodsn@example.com' },
            { emailAddress: 'nulldsn@example.com', action: null, status: null, diagnosticCode: null },
          ],
          { bounceSubType: 'NoEmail', reportingMTA: undefined },
        ),
      ),
    ],
    expect: {
      applied: async (store) => {
        // Permanent/NoEmail with nothing else: the address does not exist.
        await storedAs('nodsn@example.com', 'suppressed')(store);
        await storedAs('nulldsn@example.com', 'suppressed')(store);
      },
    },
  },
  {
    name: 'diagnosticCode with embedded CRLF, and `smtp;550` with no space, classify as the tidy form',
    bodies: [
      env(
        bounce([
          {
            ...hard('folded@example.com'),
            diagnosticCode:
              'smtp; 550-5.1.1 The email account that you tried to reach does not exist.\r\n 550 5.1.1 - gsmtp',
          },
          {
            ...hard('tight@example.com'),
            diagnosticCode: 'smtp;550 5.1.1 <tight@example.com>: user unknown',
          },
        ]),
      ),
    ],
    expect: {
      applied: async (store) => {
        for (const address of ['folded@example.com', 'tight@example.com']) {
          const record = await store.get(address);
          expectEqual(record?.state.reason, 'userunknown', `reason of ${address}`);
        }
      },
    },
  },
  {
    name: 'reportingMTA with `dns;`, `dsn;` or no prefix',
    bodies: ['dns; mx.example.net', 'dsn; mx.example.net', 'mx.example.net'].map((reportingMTA, i) =>
      env(bounce([hard(`mta${i}@example.com`)], { reportingMTA })),
    ),
    expect: {
      applied: async (store) => {
        for (const i of [0, 1, 2]) await storedAs(`mta${i}@example.com`, 'suppressed')(store);
      },
    },
  },
  {
    name: 'Message with trailing newlines',
    bodies: [env(`${JSON.stringify(bounce([hard('trailing@example.com')]))}\n\n`)],
    expect: { applied: storedAs('trailing@example.com', 'suppressed') },
  },
  {
    name: 'DSN action a number fails, quoted',
    bodies: [env(bounce([{ ...hard('numaction@example.com'), action: 5 }]))],
    expect: { fails: /bouncedRecipients\.0\.action: .*got 5/, untouched: ['numaction@example.com'] },
  },

  // --- Sizes -----------------------------------------------------------------------------------------
  {
    name: '250 KB diagnostic text (SQS limit is 256 KB) is bounded, not stored whole',
    bodies: [
      env(
        bounce([
          {
            ...hard('big@example.com'),
            diagnosticCode: `smtp; 550 5.1.1 user unknown ${'x'.repeat(250 * KB)}`,
          },
        ]),
      ),
    ],
    expect: {
      applied: async (store) => {
        await storedAs('big@example.com', 'suppressed')(store);
        const [entry] = await store.auditTrail('big@example.com', 1);
        const text = entry?.event.type === 'bounce' ? (entry.event.diagnosticCode ?? '') : '';
        if (text.length > 1024) throw new Error(`diagnostic kept at ${text.length} characters`);
      },
    },
  },
  {
    name: '250 KB of whitespace around a valid body',
    bodies: [`${' '.repeat(125 * KB)}${env(bounce([hard('padded@example.com')]))}${'\n'.repeat(125 * KB)}`],
    expect: { applied: storedAs('padded@example.com', 'suppressed') },
  },
  {
    name: '200 unknown fields of 1 KB each',
    bodies: [
      env({
        ...bounce([hard('wide@example.com')]),
        ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x${i}`, 'y'.repeat(KB)])),
      }),
    ],
    expect: { applied: storedAs('wide@example.com', 'suppressed') },
  },
  {
    name: '100 recipients in one bounce',
    bodies: [env(bounce(Array.from({ length: 100 }, (_, i) => hard(`many${i}@example.com`))))],
    expect: {
      applied: async (store) => {
        for (const i of [0, 57, 99])
          expectEqual(await statusOf(store, `many${i}@example.com`), 'suppressed', `many${i}`);
      },
    },
  },

  // --- Poison sizes: every text field bounded before any regex or schema; each record lands alone --
  {
    name: '250 KB of blanks in a diagnostic code: folded in linear time, its co-recipient applied',
    bodies: [
      env(
        bounce([
          {
            ...hard('blanks@example.com'),
            diagnosticCode: `smtp; 550 5.1.1 user unknown${' '.repeat(250 * KB)}x`,
          },
          hard('blanks-co@example.com'),
        ]),
      ),
    ],
    expect: {
      applied: async (store) => {
        await storedAs('blanks@example.com', 'suppressed')(store);
        await storedAs('blanks-co@example.com', 'suppressed')(store);
      },
    },
  },
  {
    name: '250 KB of blanks with line breaks in a diagnostic code',
    bodies: [
      env(
        bounce([
          {
            ...hard('crlf@example.com'),
            diagnosticCode: `smtp; 550 5.1.1 user unknown${' \r\n'.repeat(80 * KB)}`,
          },
        ]),
      ),
    ],
    expect: { applied: storedAs('crlf@example.com', 'suppressed') },
  },
  {
    name: 'mail.source of 250 KB of `<` and no identity in sourceArn',
    bodies: [
      env(bounce([hard('source@example.com')], {}, { source: '<'.repeat(250 * KB), sourceArn: undefined })),
    ],
    expect: { applied: storedAs('source@example.com', 'suppressed') },
  },
  {
    name: 'a 250 KB mail.tags key is bounded; a bad tag value fails with a short path',
    bodies: [env(bounce([hard('tags@example.com')], {}, { tags: { ['k'.repeat(250 * KB)]: 'not a list' } }))],
    expect: { fails: /mail\.tags\.k{40}…: .*expected array/, untouched: ['tags@example.com'] },
  },
  {
    name: 'a 250 KB mail.tags key with a list value is applied',
    bodies: [
      env(bounce([hard('tags-ok@example.com')], {}, { tags: { ['k'.repeat(250 * KB)]: ['v'.repeat(KB)] } })),
    ],
    expect: { applied: storedAs('tags-ok@example.com', 'suppressed') },
  },
  {
    name: '100,000-deep nesting as the Message fails with a clear error',
    bodies: [env(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)],
    expect: { fails: /SES notification must be a JSON object, got \[\[\[/ },
  },
  {
    name: '100,000-deep nesting as a recipient address fails with a clear error',
    bodies: [
      `{"Type":"Notification","MessageId":"deep-1","Message":${JSON.stringify(
        JSON.stringify(bounce([])).replace(
          '"bouncedRecipients":[]',
          `"bouncedRecipients":[{"emailAddress":${'['.repeat(100_000)}${']'.repeat(100_000)}}]`,
        ),
      )}}`,
    ],
    expect: { fails: /bouncedRecipients\.0\.emailAddress: .*got \[\[\[/ },
  },
  {
    name: '250 KB reporting MTA, status, feedback fields and SMTP response are bounded',
    bodies: [
      env(
        bounce([{ ...hard('fields@example.com'), status: `5.1.1${' '.repeat(250 * KB)}` }], {
          reportingMTA: `dns; ${'m'.repeat(250 * KB)}`,
          remoteMtaIp: 'r'.repeat(250 * KB),
        }),
      ),
      env(
        complaint('feedback@example.com', {
          complaintFeedbackType: `abuse${'f'.repeat(250 * KB)}`,
          userAgent: 'u'.repeat(250 * KB),
        }),
      ),
    ],
    expect: {
      applied: async (store) => {
        await storedAs('fields@example.com', 'suppressed')(store);
        await storedAs('feedback@example.com', 'suppressed')(store);
        const [entry] = await store.auditTrail('feedback@example.com', 1);
        const kept = JSON.stringify(entry).length;
        if (kept > 4 * KB) throw new Error(`audit entry of ${kept} characters`);
      },
    },
  },
  {
    name: 'sender-side bounces with 250 KB and 159 KB identities leave the item small: a later hard bounce lands',
    bodies: [250, 159]
      .map((size) =>
        env(
          bounce(
            [
              {
                ...hard('identity@example.com'),
                status: '5.7.1',
                diagnosticCode:
                  'smtp; 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
              },
            ],
            {},
            { sourceArn: `arn:aws:ses:eu-west-1:123456789012:identity/${'i'.repeat(size * KB)}.example` },
          ),
        ),
      )
      .concat([env(bounce([hard('identity@example.com')], { timestamp: '2026-03-01T10:00:09.000Z' }))]),
    expect: {
      applied: async (store) => {
        await storedAs('identity@example.com', 'suppressed', 3)(store);
        const record = await store.get('identity@example.com');
        const identities = (record?.events ?? []).map((e) => ('identity' in e ? e.identity : ''));
        if (identities.some((identity) => identity.length > 300))
          throw new Error(`identity stored at ${Math.max(...identities.map((i) => i.length))} characters`);
      },
    },
  },

  // --- Prototype pollution -------------------------------------------------------------------------
  {
    name: '__proto__ and constructor keys',
    bodies: [
      `{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},${env(bounce([hard('proto@example.com')])).slice(1)}`,
    ],
    expect: {
      applied: async (store) => {
        await storedAs('proto@example.com', 'suppressed')(store);
        if (({} as { polluted?: unknown }).polluted !== undefined)
          throw new Error('Object.prototype polluted');
      },
    },
  },

  // --- Duplicates and reordering (one batch) -------------------------------------------------------
  (() => {
    const body = env(bounce([hard('dup@example.com')]), 'sns-dup');
    return {
      name: 'same message twice in one batch',
      bodies: [body, body],
      expect: {
        applied: async (store: SuppressionStore) => {
          await storedAs('dup@example.com', 'suppressed', 1)(store);
          expectEqual((await store.auditTrail('dup@example.com', 10)).length, 1, 'audit entries');
        },
      },
    };
  })(),
  (() => {
    const message = bounce([hard('resent@example.com')]);
    return {
      name: 'same feedbackId under two SNS MessageIds',
      bodies: [env(message, 'sns-a'), env(message, 'sns-b')],
      expect: { applied: storedAs('resent@example.com', 'suppressed', 1) },
    };
  })(),
  {
    name: 'same recipient twice in one bounce',
    bodies: [env(bounce([hard('twice@example.com'), hard('TWICE@example.com')]))],
    expect: { applied: storedAs('twice@example.com', 'suppressed', 1) },
  },
  {
    name: 'older delivery arriving after a newer hard bounce',
    bodies: [
      env(bounce([hard('late@example.com')])),
      env(delivery(['late@example.com'], '2026-02-01T00:00:00Z')),
    ],
    expect: { applied: storedAs('late@example.com', 'suppressed', 2) },
  },
  {
    name: 'timestamp with an offset is stored in UTC',
    bodies: [env(complaint('offset@example.com', { timestamp: '2026-03-01T12:00:00+02:00' }))],
    expect: {
      applied: async (store) => {
        expectEqual(
          (await store.get('offset@example.com'))?.events[0]?.at,
          '2026-03-01T10:00:00.000Z',
          'event time',
        );
      },
    },
  },
  {
    name: "feedbackId of 2 KB (audit sort key over DynamoDB's 1024 bytes)",
    // Refused by the schema (before any write), naming the field: it would not fit a DynamoDB sort key.
    bodies: [env(bounce([hard('longid@example.com')], { feedbackId: `fb-${'f'.repeat(2 * KB)}` }))],
    expect: {
      fails: /bounce\.feedbackId.*at most 256 characters/s,
      untouched: ['longid@example.com'],
    },
  },
  {
    name: 'disabled mailbox bounced in year 9999',
    bodies: [
      env(
        bounce(
          [
            {
              emailAddress: 'future@example.com',
              action: 'failed',
              status: '5.2.1',
              diagnosticCode: 'smtp; 550 5.2.1 The email account that you tried to reach is disabled.',
            },
          ],
          { timestamp: '9999-12-31T23:59:59.000Z' },
        ),
      ),
    ],
    // Refused: a year-9999 event would sort after every real one and pin the address forever.
    expect: { fails: /bounce\.timestamp.*years 2000\.\.2099/s, untouched: ['future@example.com'] },
  },
];
