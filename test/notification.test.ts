import { describe, expect, it } from 'vitest';
import {
  identityOf,
  MalformedMessageError,
  parseMessageBody,
  parseSesNotification,
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
