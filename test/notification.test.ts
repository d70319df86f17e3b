import { describe, expect, it } from 'vitest';
import { normalizeAddress } from '../shared/core/address';
import { readMessage } from '../shared/core/events';
import {
  identityOf,
  MalformedMessageError,
  parseMessageBody,
  parseSesNotification,
  tenantOf,
} from '../shared/core/notification';
import * as ses from './fixtures/ses-examples';

describe('parseSesNotification on the SES developer guide examples', () => {
  it('reads a bounce with a DSN: type, subtype and each recipient with its status and diagnostic', () => {
    const message = parseSesNotification(ses.bounceWithDsn);
    expect(message.kind).toBe('bounce');
    if (message.kind !== 'bounce') return;
    expect(message.form).toBe('notification');
    expect(message.bounce.bounceType).toBe('Permanent');
    expect(message.bounce.bouncedRecipients).toEqual([
      {
        emailAddress: 'jane@example.com',
        status: '5.1.1',
        action: 'failed',
        diagnosticCode: 'smtp; 550 5.1.1 <jane@example.com>... User',
      },
    ]);
    expect(message.bounce.remoteMtaIp).toBe('127.0.2.0');
  });

  it('reads a bounce without a DSN, where recipients carry only the address', () => {
    const message = parseSesNotification(ses.bounceWithoutDsn);
    expect(message.kind === 'bounce' && message.bounce.bouncedRecipients.map((r) => r.emailAddress)).toEqual([
      'jane@example.com',
      'richard@example.com',
    ]);
  });

  it('reads complaints with and without a feedback report', () => {
    const withReport = parseSesNotification(ses.complaintWithFeedbackReport);
    const without = parseSesNotification(ses.complaintWithoutFeedbackReport);
    expect(withReport.kind === 'complaint' && withReport.complaint.complaintFeedbackType).toBe('abuse');
    expect(without.kind === 'complaint' && without.complaint.complaintFeedbackType).toBeUndefined();
  });

  it('reads a delivery', () => {
    const message = parseSesNotification(ses.delivery);
    expect(message.kind === 'delivery' && message.delivery.recipients).toEqual(['jane@example.com']);
  });

  it('reads the event-publishing form (eventType) of bounce, complaint and delivery, tags included', () => {
    const bounce = parseSesNotification(ses.eventBounce);
    expect(bounce.kind).toBe('bounce');
    expect(bounce.kind === 'bounce' && bounce.form).toBe('event');
    expect(bounce.kind === 'bounce' && bounce.mail.tags?.['ses:configuration-set']).toEqual(['ConfigSet']);
    expect(parseSesNotification(ses.eventComplaint).kind).toBe('complaint');
    expect(parseSesNotification(ses.eventDelivery).kind).toBe('delivery');
  });

  it.each([
    ['Reject', ses.eventReject],
    ['Open', ses.eventOpen],
    ['Click', ses.eventClick],
    ['Rendering Failure', ses.eventRenderingFailure],
    ['DeliveryDelay', ses.eventDeliveryDelay],
    ['Subscription', ses.eventSubscription],
  ])('acknowledges the %s event without acting on it', (eventType, event) => {
    expect(parseSesNotification(event)).toEqual({ kind: 'ignored', eventType, why: 'passive-event' });
  });

  it('reads a Send event (counted for the bounce rate, nothing else)', () => {
    const message = parseSesNotification(ses.eventSend);
    expect(message.kind).toBe('send');
    expect(message.kind === 'send' && message.mail.destination).toEqual(['recipient@example.com']);
  });

  it('acknowledges the SES subscription-succeeded setup message', () => {
    expect(parseSesNotification(ses.subscriptionSucceeded)).toMatchObject({
      kind: 'ignored',
      why: 'setup-message',
    });
  });

  it('acknowledges an event type it has never heard of', () => {
    expect(parseSesNotification({ eventType: 'Teleport', mail: {} })).toEqual({
      kind: 'ignored',
      eventType: 'Teleport',
      why: 'unknown-event-type',
    });
  });

  it('tolerates unknown fields and unknown future subtypes', () => {
    const future = {
      ...ses.bounceWithDsn,
      newTopLevel: { x: 1 },
      bounce: { ...ses.bounceWithDsn.bounce, bounceSubType: 'QuantumEntangled', extra: true },
    };
    const message = parseSesNotification(future);
    expect(message.kind === 'bounce' && message.bounce.bounceSubType).toBe('QuantumEntangled');
  });

  it('normalises timestamps with an offset to UTC', () => {
    const message = parseSesNotification({
      ...ses.delivery,
      delivery: { ...ses.delivery.delivery, timestamp: '2016-01-27T16:59:38.237+02:00' },
    });
    expect(message.kind === 'delivery' && message.delivery.timestamp).toBe('2016-01-27T14:59:38.237Z');
  });
});

describe('parseSesNotification on malformed input', () => {
  it('names the path and the bad value of a wrong type', () => {
    const bad = {
      ...ses.bounceWithDsn,
      bounce: { ...ses.bounceWithDsn.bounce, bouncedRecipients: 'jane@example.com' },
    };
    expect(() => parseSesNotification(bad)).toThrow(/bounce\.bouncedRecipients: .*got "jane@example\.com"/);
  });

  it('names a missing field', () => {
    const { feedbackId: _omit, ...bounce } = ses.bounceWithDsn.bounce;
    expect(() => parseSesNotification({ ...ses.bounceWithDsn, bounce })).toThrow(
      /bounce\.feedbackId: .*\(missing\)/,
    );
  });

  it('rejects a bounce with no recipients', () => {
    const bad = { ...ses.bounceWithDsn, bounce: { ...ses.bounceWithDsn.bounce, bouncedRecipients: [] } };
    expect(() => parseSesNotification(bad)).toThrow(MalformedMessageError);
  });

  it('rejects a bad timestamp, quoting it', () => {
    const bad = { ...ses.delivery, delivery: { ...ses.delivery.delivery, timestamp: 'yesterday' } };
    expect(() => parseSesNotification(bad)).toThrow(/delivery\.timestamp: .*got "yesterday"/);
  });

  it('rejects an object that is no SES notification at all', () => {
    expect(() => parseSesNotification({ hello: 'world' })).toThrow(/no notificationType or eventType/);
    expect(() => parseSesNotification([1, 2])).toThrow(/must be a JSON object/);
  });
});

describe('parseMessageBody (one SQS body)', () => {
  it('unwraps an SNS envelope and keeps its MessageId', () => {
    const message = parseMessageBody(ses.snsEnvelope(ses.delivery, 'sns-1'));
    expect(message.kind === 'delivery' && message.snsMessageId).toBe('sns-1');
  });

  it('accepts raw message delivery (no envelope)', () => {
    const message = parseMessageBody(JSON.stringify(ses.bounceWithDsn));
    expect(message.kind === 'bounce' && message.snsMessageId).toBeUndefined();
  });

  it('acknowledges the plain-text event destination validation message', () => {
    const body = ses.snsEnvelope('Successfully validated SNS topic for Amazon SES event publishing.');
    expect(parseMessageBody(body)).toMatchObject({ kind: 'ignored', why: 'setup-message' });
  });

  it('acknowledges SNS subscription confirmations', () => {
    const body = JSON.stringify({
      Type: 'SubscriptionConfirmation',
      MessageId: 'x',
      Token: 't',
      Message: 'confirm',
    });
    expect(parseMessageBody(body)).toMatchObject({ kind: 'ignored', why: 'setup-message' });
  });

  it('fails a body that is not JSON, quoting it', () => {
    expect(() => parseMessageBody('{"Type": "Notification", ')).toThrow(
      /message body is not JSON.*"\{\\"Type\\": \\"Notification\\", "/,
    );
  });

  it('fails an envelope whose Message is not JSON', () => {
    expect(() => parseMessageBody(ses.snsEnvelope('hello there'))).toThrow(
      /SNS Message is not JSON.*"hello there"/,
    );
  });

  it('fails an unknown SNS Type', () => {
    expect(() => parseMessageBody(JSON.stringify({ Type: 'Gossip', Message: '{}' }))).toThrow(
      /unknown SNS message Type "Gossip"/,
    );
  });
});

describe('identityOf', () => {
  it('takes the identity from sourceArn', () => {
    expect(
      identityOf({
        ...ses.bounceWithDsn.mail,
        sourceArn: 'arn:aws:ses:us-east-1:1:identity/Mail.Example.com',
      }),
    ).toBe('mail.example.com');
  });

  it('falls back to the domain of the source address', () => {
    const { sourceArn: _omit, ...mail } = ses.bounceWithDsn.mail;
    expect(identityOf({ ...mail, source: 'Shop <news@Shop.Example>' })).toBe('shop.example');
  });
});

describe('tenantOf', () => {
  const tagged = (values: string[]) => ({
    ...ses.eventBounce.mail,
    tags: { ...ses.eventBounce.mail.tags, 'ses:tenant-name': values },
  });

  it('takes the first value of the ses:tenant-name tag', () => {
    expect(tenantOf(tagged(['Acme_shop-1', 'other']))).toBe('Acme_shop-1');
  });

  it('gives no tenant when the tag is absent', () => {
    expect(tenantOf(ses.eventBounce.mail)).toBeUndefined();
    expect(tenantOf(tagged([]))).toBeUndefined();
  });

  it('ignores a value SES could not have written (not a tenant name)', () => {
    expect(tenantOf(tagged(['acme shop']))).toBeUndefined();
    expect(tenantOf(tagged(['a'.repeat(65)]))).toBeUndefined();
    expect(tenantOf(tagged(['a'.repeat(64)]))).toBe('a'.repeat(64));
  });

  it('puts the tenant on every event of the message, and on none without the tag', () => {
    const classify = () => ({ reason: 'userunknown', hard: true }) as never;
    const message = parseSesNotification({ ...ses.eventBounce, mail: tagged(['acme']) }, undefined);
    if (message.kind !== 'bounce') throw new Error('expected a bounce');
    const [event] = readMessage(message, classify).byAddress.get('recipient@example.com') ?? [];
    expect(event).toMatchObject({ type: 'bounce', tenant: 'acme' });
    const plain = parseSesNotification(ses.eventBounce, undefined);
    if (plain.kind !== 'bounce') throw new Error('expected a bounce');
    const [untagged] = readMessage(plain, classify).byAddress.get('recipient@example.com') ?? [];
    expect(untagged).not.toHaveProperty('tenant');
  });
});

describe('real SES payloads: what SES has really sent is read', () => {
  const bounceOf = (body: unknown) => {
    const message = typeof body === 'string' ? parseMessageBody(body) : parseSesNotification(body);
    if (message.kind !== 'bounce') throw new Error(`expected a bounce, got ${message.kind}`);
    return message;
  };

  it.each([
    [
      'a space before a colon-less offset (the guide’s mail example)',
      '2018-10-08T14:05:45 +0000',
      '2018-10-08T14:05:45.000Z',
    ],
    ['a colon-less offset', '2018-10-08T14:05:45+0000', '2018-10-08T14:05:45.000Z'],
    ['a negative offset', '2018-10-08T07:05:45-07:00', '2018-10-08T14:05:45.000Z'],
    ['a negative colon-less offset after a space', '2018-10-08T07:05:45 -0700', '2018-10-08T14:05:45.000Z'],
    ['no milliseconds', '2018-10-08T14:05:45Z', '2018-10-08T14:05:45.000Z'],
    ['microseconds', '2018-10-08T14:05:45.123456Z', '2018-10-08T14:05:45.123Z'],
  ])('reads a timestamp with %s', (_what, timestamp, utc) => {
    const message = bounceOf(ses.simulatorBounce({}, { timestamp }, { timestamp }));
    expect(message.bounce.timestamp).toBe(utc);
    expect(message.mail.timestamp).toBe(utc);
  });

  it('reads the guide’s mail object example whose timestamp is `2018-10-08T14:05:45 +0000`', () => {
    const message = parseSesNotification({ ...ses.delivery, mail: ses.guideMailWithSpacedOffset });
    expect(message.kind === 'delivery' && message.mail.timestamp).toBe('2018-10-08T14:05:45.000Z');
  });

  it.each([
    ['a plain display name', 'Test Hard Bounce Recipient <bounce@simulator.amazonses.com>'],
    ['a quoted display name with a comma and brackets', '"Bounce, <Test>" <bounce@simulator.amazonses.com>'],
    ['an RFC 2047 encoded word', '=?UTF-8?B?VGVzdCBIw6RyZCBCb3VuY2U=?= <Bounce@Simulator.AmazonSES.com>'],
    ['a Q-encoded word', '=?iso-8859-1?Q?J=FCrgen_M=FCller?= <bounce@simulator.amazonses.com>'],
  ])('keeps a bounced recipient with %s, which normalises to the bare address', (_what, emailAddress) => {
    const message = bounceOf(ses.simulatorBounce({ emailAddress }));
    const recipient = message.bounce.bouncedRecipients[0];
    expect(recipient?.emailAddress).toBe(emailAddress);
    expect(normalizeAddress(recipient?.emailAddress ?? '')).toBe('bounce@simulator.amazonses.com');
  });

  it('reads display names in complainedRecipients and mail.destination', () => {
    const message = parseSesNotification({
      ...ses.complaintWithFeedbackReport,
      mail: { ...ses.complaintWithFeedbackReport.mail, destination: ['"Richard Doe" <richard@example.com>'] },
      complaint: {
        ...ses.complaintWithFeedbackReport.complaint,
        complainedRecipients: [{ emailAddress: '=?UTF-8?Q?Richard_D=C3=B6e?= <Richard@Example.com>' }],
      },
    });
    if (message.kind !== 'complaint') throw new Error(message.kind);
    expect(message.mail.destination).toEqual(['"Richard Doe" <richard@example.com>']);
    expect(normalizeAddress(message.complaint.complainedRecipients[0]?.emailAddress ?? '')).toBe(
      'richard@example.com',
    );
  });

  it.each(['Failed', 'FAILED', ' failed '])(
    'lower-cases the DSN action %j (RFC 3464: case-insensitive)',
    (action) => {
      expect(bounceOf(ses.simulatorBounce({ action })).bounce.bouncedRecipients[0]?.action).toBe('failed');
    },
  );

  it('reads recipients with no action, status or diagnosticCode, and with them null or empty', () => {
    const message = bounceOf(
      ses.simulatorBounce(
        {},
        {
          bouncedRecipients: [
            { emailAddress: 'a@example.com' },
            { emailAddress: 'b@example.com', action: null, status: null, diagnosticCode: null },
            { emailAddress: 'c@example.com', action: '', status: '', diagnosticCode: '' },
          ],
        },
      ),
    );
    for (const recipient of message.bounce.bouncedRecipients) {
      expect(recipient.action).toBeUndefined();
      expect(recipient.status).toBeUndefined();
      expect(recipient.diagnosticCode).toBeUndefined();
    }
  });

  it('folds a diagnosticCode with embedded CR/LF (a multi-line SMTP reply) onto one line', () => {
    const diagnosticCode =
      "smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n 550-5.1.1 double-checking the recipient's email address for typos or\n550 5.1.1 unnecessary spaces. - gsmtp";
    expect(
      bounceOf(ses.simulatorBounce({ diagnosticCode })).bounce.bouncedRecipients[0]?.diagnosticCode,
    ).toBe(
      "smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550 5.1.1 unnecessary spaces. - gsmtp",
    );
  });

  it('reads `smtp;550 …` (no space after the type) as `smtp; 550 …`, and classifies it the same', () => {
    const tight = bounceOf(ses.simulatorBounce({ diagnosticCode: 'smtp;550 5.1.1 user unknown' }));
    expect(tight.bounce.bouncedRecipients[0]?.diagnosticCode).toBe('smtp; 550 5.1.1 user unknown');
  });

  it.each([
    'dns; a8-37.smtp-out.amazonses.com',
    'dsn; a8-37.smtp-out.amazonses.com',
    'a8-37.smtp-out.amazonses.com',
  ])('reads reportingMTA %j as sent', (reportingMTA) => {
    expect(bounceOf(ses.simulatorBounce({}, { reportingMTA })).bounce.reportingMTA).toBe(reportingMTA);
  });

  it('unwraps Lambda’s SNS event shape (SigningCertUrl, UnsubscribeUrl, Subject: null), whole or one record', () => {
    const event = ses.lambdaSnsEvent(ses.simulatorBounce());
    const whole = bounceOf(JSON.stringify(event));
    expect(whole.snsMessageId).toBe('483eae4c-4fb0-57e5-a5f9-ff9b08612bef');
    const one = bounceOf(JSON.stringify(event.Records[0]));
    expect(one.bounce.bouncedRecipients[0]?.emailAddress).toBe('bounce@simulator.amazonses.com');
    // And just its Sns object: the envelope with Lambda's spelling of the fields.
    expect(bounceOf(JSON.stringify(event.Records[0]?.Sns)).snsMessageId).toBe(
      '483eae4c-4fb0-57e5-a5f9-ff9b08612bef',
    );
  });

  it('reads a Message with trailing newlines and a body or Message with a UTF-8 BOM', () => {
    const message = `${JSON.stringify(ses.simulatorBounce())}\n\n`;
    expect(bounceOf(ses.snsEnvelope(message)).bounce.bouncedRecipients).toHaveLength(1);
    expect(bounceOf(`\uFEFF${ses.snsEnvelope(message)}`).bounce.bouncedRecipients).toHaveLength(1);
    expect(bounceOf(ses.snsEnvelope(`\uFEFF${message}`)).bounce.bouncedRecipients).toHaveLength(1);
  });
});

describe('real SES payloads: strict on everything else', () => {
  it.each([
    ['no zone', '2018-10-08T14:05:45'],
    ['a space instead of T', '2018-10-08 14:05:45Z'],
    ['an offset of 25 hours', '2018-10-08T14:05:45+2500'],
    ['an RFC 2822 date', 'Mon, 08 Oct 2018 14:05:45 +0000'],
    ['no seconds', '2018-10-08T14:05Z'],
  ])('fails a timestamp with %s, quoting it', (_what, timestamp) => {
    expect(() => parseSesNotification(ses.simulatorBounce({}, { timestamp }))).toThrow(
      new RegExp(`bounce\\.timestamp: .*got ${JSON.stringify(timestamp).replace(/[+.]/g, '\\$&')}`),
    );
  });

  it('fails a DSN action, status or diagnosticCode that is not text, quoting the value', () => {
    expect(() => parseSesNotification(ses.simulatorBounce({ action: 5 }))).toThrow(
      /bouncedRecipients\.0\.action: .*got 5/,
    );
    expect(() => parseSesNotification(ses.simulatorBounce({ status: ['5.1.1'] }))).toThrow(
      /bouncedRecipients\.0\.status: .*got \["5\.1\.1"\]/,
    );
    expect(() => parseSesNotification(ses.simulatorBounce({ diagnosticCode: { smtp: 550 } }))).toThrow(
      /bouncedRecipients\.0\.diagnosticCode: .*got \{"smtp":550\}/,
    );
  });

  it('fails a Lambda SNS event of several records in one body', () => {
    const event = ses.lambdaSnsEvent(ses.simulatorBounce());
    const two = { Records: [event.Records[0], event.Records[0]] };
    expect(() => parseMessageBody(JSON.stringify(two))).toThrow(/Lambda SNS event of 2 records/);
  });

  it('fails a BOM in the middle of the body', () => {
    expect(() => parseMessageBody(` \uFEFF${ses.snsEnvelope(ses.simulatorBounce())}`)).toThrow(/not JSON/);
  });
});

describe('poison sizes: every text field is bounded before any regex or schema reads it', () => {
  const KB = 1024;
  const bounceWith = (recipient: Record<string, unknown>, mail: Record<string, unknown> = {}) =>
    parseSesNotification({
      ...ses.bounceWithDsn,
      mail: { ...ses.bounceWithDsn.mail, ...mail },
      bounce: { ...ses.bounceWithDsn.bounce, bouncedRecipients: [{ ...recipient }] },
    });

  it('cuts a diagnostic code before folding it: blanks and a line break past the bound are never scanned', () => {
    const message = bounceWith({
      emailAddress: 'jane@example.com',
      diagnosticCode: `smtp; 550 5.1.1 user unknown${' '.repeat(5 * KB)}\ntail`,
    });
    const recipient = message.kind === 'bounce' ? message.bounce.bouncedRecipients[0] : undefined;
    // Folding the whole text would have joined `tail` on; the bound (4,096) cuts it off first.
    expect(recipient?.diagnosticCode).toBe('smtp; 550 5.1.1 user unknown');
  });

  it('bounds mail.source, sourceArn, tags, status, types and MTAs', () => {
    const message = parseSesNotification({
      ...ses.bounceWithDsn,
      mail: {
        ...ses.bounceWithDsn.mail,
        source: '<'.repeat(250 * KB),
        sourceArn: `arn:aws:ses:us-east-1:123456789012:identity/${'i'.repeat(250 * KB)}`,
        tags: Object.fromEntries(
          Array.from({ length: 60 }, (_, i) => [`${i}${'k'.repeat(250 * KB)}`, ['v'.repeat(2 * KB)]]),
        ),
      },
      bounce: {
        ...ses.bounceWithDsn.bounce,
        bounceSubType: 's'.repeat(250 * KB),
        reportingMTA: 'm'.repeat(250 * KB),
        bouncedRecipients: [{ emailAddress: 'jane@example.com', status: 's'.repeat(250 * KB) }],
      },
    });
    if (message.kind !== 'bounce') throw new Error(message.kind);
    expect(message.mail.source).toHaveLength(1024);
    expect(message.mail.sourceArn).toHaveLength(2048);
    const tags = Object.entries(message.mail.tags ?? {});
    expect(tags).toHaveLength(50);
    expect(Math.max(...tags.flatMap(([key, values]) => [key.length, ...values.map((v) => v.length)]))).toBe(
      256,
    );
    expect(message.bounce.bounceSubType).toHaveLength(64);
    expect(message.bounce.reportingMTA).toHaveLength(1024);
    expect(message.bounce.bouncedRecipients[0]?.status).toHaveLength(64);
  });

  it('keeps an identity over 256 bytes as a 64-character prefix and a hash (an item and a key stay small)', () => {
    const mail = (sourceArn: string) => ({ ...ses.bounceWithDsn.mail, sourceArn });
    const long = identityOf(mail(`arn:aws:ses:us-east-1:1:identity/${'i'.repeat(2000)}.example`));
    expect(long).toMatch(/^i{64}#[0-9a-f]{12}$/);
    expect(identityOf(mail(`arn:aws:ses:us-east-1:1:identity/${'i'.repeat(1999)}.example`))).not.toBe(long);
    expect(identityOf(mail('arn:aws:ses:us-east-1:1:identity/Mail.Example.com'))).toBe('mail.example.com');
    expect(
      identityOf({
        ...ses.bounceWithDsn.mail,
        sourceArn: undefined,
        source: `${'<'.repeat(900)}News <n@x.example>`,
      }),
    ).toBe('x.example');
  });

  it('shortens a 250 KB key in an error path and names a 100,000-deep value without overflowing the stack', () => {
    expect(() =>
      parseSesNotification({
        ...ses.bounceWithDsn,
        mail: { ...ses.bounceWithDsn.mail, tags: { ['k'.repeat(250 * KB)]: 7 } },
      }),
    ).toThrow(/^invalid Bounce notification: mail\.tags\.k{40}…: [^\n]{0,200}$/);
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(() => parseSesNotification(deep)).toThrow(MalformedMessageError);
    expect(() => parseSesNotification(deep)).toThrow(/must be a JSON object, got \[{200}…$/);
  });

  it('fails a body that is not a string, naming what it is', () => {
    expect(() => parseMessageBody({ Type: 'Notification' })).toThrow(
      'SQS message body must be a string, got {"Type":"Notification"}',
    );
  });
});

describe('parseMessageBody: SES events as EventBridge delivers them (SQS target of a rule)', () => {
  const body = (event: unknown) => JSON.stringify(event);
  const viaEventBridge = (detailType: string, detail: unknown) =>
    parseMessageBody(body(ses.eventBridgeEvent(detailType, detail)));

  it.each([
    ['Email Bounced', 'bounce', ses.eventBounce],
    ['Email Complaint Received', 'complaint', ses.eventComplaint],
    ['Email Delivered', 'delivery', ses.eventDelivery],
    ['Email Sent', 'send', ses.eventSend],
  ] as const)('reads %s (a %s) as the same message as the SES event via SNS', (detailType, kind, detail) => {
    const viaBus = viaEventBridge(detailType, detail);
    const viaSns = parseMessageBody(ses.snsEnvelope(detail, 'sns-1'));
    expect(viaBus.kind).toBe(kind);
    expect({ ...viaBus, snsMessageId: 'sns-1' }).toEqual(viaSns);
    expect(viaBus.kind !== 'ignored' && viaBus.form).toBe('event');
  });

  it.each([
    ['Email Rejected', 'Reject', ses.eventReject],
    ['Email Delivery Delayed', 'DeliveryDelay', ses.eventDeliveryDelay],
    ['Email Rendering Failed', 'Rendering Failure', ses.eventRenderingFailure],
    ['Email Opened', 'Open', ses.eventOpen],
    ['Email Clicked', 'Click', ses.eventClick],
    ['Email Subscribed', 'Subscription', ses.eventSubscription],
  ] as const)('counts and ignores %s like the passive %s event', (detailType, eventType, detail) => {
    expect(viaEventBridge(detailType, detail)).toEqual({ kind: 'ignored', eventType, why: 'passive-event' });
  });

  it('counts and ignores SES service events and detail-types it does not know', () => {
    expect(viaEventBridge('Sending Status Disabled', { status: 'DISABLED' })).toEqual({
      kind: 'ignored',
      eventType: 'Sending Status Disabled',
      why: 'passive-event',
    });
    expect(viaEventBridge('Email Teleported', ses.eventSend)).toEqual({
      kind: 'ignored',
      eventType: 'Email Teleported',
      why: 'unknown-event-type',
    });
  });

  it('reads an EventBridge event that a rule sent through an SNS topic (the event as the Message)', () => {
    const viaTopic = parseMessageBody(
      ses.snsEnvelope(ses.eventBridgeEvent('Email Bounced', ses.eventBounce)),
    );
    expect(viaTopic).toEqual(viaEventBridge('Email Bounced', ses.eventBounce));
    expect(viaTopic.kind).toBe('bounce');
  });

  it('takes the event type from the detail-type when the detail has no eventType', () => {
    const { eventType: _eventType, ...bare } = ses.eventBounce;
    const message = viaEventBridge('Email Bounced', bare);
    expect(message.kind === 'bounce' && message.bounce.feedbackId).toBe(ses.eventBounce.bounce.feedbackId);
  });

  it('refuses an event from another source, naming it', () => {
    const event = { ...ses.eventBridgeEvent('Email Bounced', ses.eventBounce), source: 'my.app' };
    expect(() => parseMessageBody(body(event))).toThrow(
      /EventBridge event from source "my\.app" \(detail-type "Email Bounced"\): expected "aws\.ses"/,
    );
  });

  it('refuses a misspelt detail-type, a detail-type contradicting the detail, and a detail that is not an object', () => {
    expect(() => viaEventBridge('email bounced', ses.eventBounce)).toThrow(
      /unknown EventBridge detail-type "email bounced": SES sends "Email Bounced"/,
    );
    expect(() => viaEventBridge('Email Delivered', ses.eventBounce)).toThrow(
      /detail-type "Email Delivered" carries detail\.eventType "Bounce": expected "Delivery"/,
    );
    expect(() => viaEventBridge('Email Bounced', 'a bounce')).toThrow(
      /invalid EventBridge event: detail: expected the SES event as a JSON object, got "a bounce"/,
    );
    // The other form's notificationType must not decide over the detail-type ("Email Sent" read as a bounce).
    const { eventType: _, ...bounceWithoutType } = ses.eventBounce as Record<string, unknown>;
    expect(() => viaEventBridge('Email Sent', { ...bounceWithoutType, notificationType: 'Bounce' })).toThrow(
      /detail-type "Email Sent" carries detail\.notificationType "Bounce": SES events name eventType only/,
    );
  });

  it('reports a bad SES event inside the detail as the SES schema does', () => {
    const broken = { ...ses.eventBounce, bounce: { ...ses.eventBounce.bounce, feedbackId: '' } };
    expect(() => viaEventBridge('Email Bounced', broken)).toThrow(
      /invalid Bounce notification: bounce\.feedbackId/,
    );
  });

  it('bounds the envelope before checking it: a 100,000-character source or detail-type costs a cut, and is quoted short', () => {
    const huge = 'x'.repeat(100_000);
    const event = { ...ses.eventBridgeEvent(huge, ses.eventBounce), source: huge };
    let message = '';
    try {
      parseMessageBody(body(event));
    } catch (error) {
      message = (error as Error).message;
    }
    // Both cut to 64 characters before they were read.
    expect(message).toBe(
      `EventBridge event from source "${'x'.repeat(64)}" (detail-type "${'x'.repeat(64)}"): expected "aws.ses"`,
    );
    expect(message.length).toBeLessThan(400);
    const ignored = viaEventBridge(huge, ses.eventBounce);
    expect(ignored.kind === 'ignored' && ignored.eventType.length).toBe(64);
  });

  it('gives a delivery the same key whichever way it came: SNS, EventBridge, raw, and another SNS copy', () => {
    const keys = [
      parseMessageBody(ses.snsEnvelope(ses.eventDelivery, 'sns-1')),
      parseMessageBody(ses.snsEnvelope(ses.eventDelivery, 'sns-2')),
      viaEventBridge('Email Delivered', ses.eventDelivery),
      parseMessageBody(JSON.stringify(ses.eventDelivery)),
    ].map((message) => {
      if (message.kind !== 'delivery') throw new Error(`not a delivery: ${message.kind}`);
      return [...readMessage(message, () => ({}) as never).byAddress.values()].flat().map((e) => e.id);
    });
    expect(new Set(keys.map((k) => JSON.stringify(k))).size).toBe(1);
    expect(keys[0]).toEqual([`${ses.eventMail.messageId}@2016-10-19T23:21:04.133Z:recipient@example.com`]);
  });
});
