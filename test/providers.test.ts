import { describe, expect, it } from 'vitest';
import { classify } from '../shared/core/classify';
import { readMessage } from '../shared/core/events';
import { parseSesNotification } from '../shared/core/notification';
import {
  PROVIDERS,
  providerFromFingerprints,
  providerOf,
  providerOfDomain,
  providersOfMessage,
} from '../shared/core/providers';

const mail = {
  timestamp: '2026-12-07T10:00:00.000Z',
  messageId: '0100018c-aaaa-bbbb-cccc-000000000001',
  source: 'news@mail.example.com',
  sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/mail.example.com',
  destination: ['jane@corp.example'],
};

const delivery = (
  recipients: string[],
  smtpResponse: string,
  reportingMTA = 'a7-12.smtp-out.eu-west-1.amazonses.com',
) => {
  const message = parseSesNotification({
    eventType: 'Delivery',
    mail,
    delivery: {
      timestamp: '2026-12-07T10:00:02.000Z',
      processingTimeMillis: 1500,
      recipients,
      smtpResponse,
      reportingMTA,
      remoteMtaIp: '203.0.113.25',
    },
  });
  if (message.kind !== 'delivery') throw new Error(`expected a delivery, got ${message.kind}`);
  return message;
};

const bounce = (
  recipients: { emailAddress: string; diagnosticCode?: string; status?: string }[],
  reportingMTA = 'dns; a7-14.smtp-out.eu-west-1.amazonses.com',
  bounceType = 'Permanent',
) => {
  const message = parseSesNotification({
    eventType: 'Bounce',
    mail,
    bounce: {
      bounceType,
      bounceSubType: 'General',
      reportingMTA,
      remoteMtaIp: '203.0.113.25',
      timestamp: '2026-12-07T10:00:03.000Z',
      feedbackId: '0100018c-feed-0000-0000-000000000001-000000',
      bouncedRecipients: recipients.map((r) => ({ action: 'failed', ...r })),
    },
  });
  if (message.kind !== 'bounce') throw new Error(`expected a bounce, got ${message.kind}`);
  return message;
};

describe('provider of a consumer domain', () => {
  it.each([
    ['gmail.com', 'google'],
    ['googlemail.com', 'google'],
    ['outlook.com', 'microsoft'],
    ['hotmail.co.uk', 'microsoft'],
    ['live.fr', 'microsoft'],
    ['msn.com', 'microsoft'],
    ['yahoo.com', 'yahoo'],
    ['yahoo.co.uk', 'yahoo'],
    ['aol.com', 'yahoo'],
    ['ymail.com', 'yahoo'],
    ['icloud.com', 'apple'],
    ['me.com', 'apple'],
    ['web.de', 'gmx'],
    ['gmx.net', 'gmx'],
    ['comcast.net', 'comcast'],
    ['mail.ru', 'mailru'],
    ['yandex.ru', 'yandex'],
    ['zohomail.com', 'zoho'],
  ])('%s is %s', (domain, provider) => {
    expect(providerOfDomain(domain)).toBe(provider);
  });

  it.each([
    'yahoo.co.jp', // Yahoo Japan: another company and platform
    'gmail.com.evil.example',
    'notgmail.com',
    'corp-hotmail.com',
    'example.com',
  ])('%s is no provider’s consumer domain', (domain) => {
    expect(providerOfDomain(domain)).toBeUndefined();
  });
});

describe('provider of a hosted domain from what SES reports', () => {
  it('reads Gmail’s delivery reply (Workspace-hosted domain)', () => {
    const m = delivery(
      ['ceo@acme.example'],
      '250 2.0.0 OK  1733565602 5b1f17b1804b1-434d52a9c2dsi123456f9.152 - gsmtp',
    );
    expect(providersOfMessage(m).get('ceo@acme.example')).toBe('google');
  });

  it('reads Exchange Online’s host in a 365 delivery reply', () => {
    const m = delivery(
      ['buyer@contoso.example'],
      '250 2.6.0 <0100018c-aaaa@eu-west-1.amazonses.com> [InternalId=1234567890, Hostname=AM9PR01MB1234.eurprd01.prod.exchangelabs.com] 24817 bytes in 0.152, 159.2 KB/sec Queued mail for delivery',
    );
    expect(providersOfMessage(m).get('buyer@contoso.example')).toBe('microsoft');
  });

  it('reads Microsoft’s 5.7.515 rejection of a 365-hosted recipient', () => {
    const m = bounce([
      {
        emailAddress: 'ops@fabrikam.example',
        status: '5.7.515',
        diagnosticCode:
          "smtp; 550 5.7.515 Access denied, sending domain mail.example.com doesn't meet the required authentication level. [DB1PEPF000509F4.eurprd03.prod.outlook.com 2026-12-07T10:00:03.000Z 08DD1234ABCD]",
      },
    ]);
    expect(providersOfMessage(m).get('ops@fabrikam.example')).toBe('microsoft');
  });

  it('reads Outlook.com’s S3150 block-list reply', () => {
    expect(
      providerFromFingerprints([
        "smtp; 550 5.7.1 Unfortunately, messages from [54.240.3.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [AM4PEPF00027A5F.eurprd04.prod.outlook.com 2026-12-07T10:00:03.000Z]",
      ]),
    ).toBe('microsoft');
  });

  it('reads Yahoo’s deferral codes and its MX hosts', () => {
    expect(
      providerFromFingerprints([
        'smtp; 421 4.7.0 [TSS04] Messages from 54.240.3.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes',
      ]),
    ).toBe('yahoo');
    expect(providerFromFingerprints(['dns; mta7.am0.yahoodns.net'])).toBe('yahoo');
  });

  it('reads the receiver’s reporting MTA of an asynchronous DSN, never SES’s own', () => {
    const fromGoogle = bounce(
      [{ emailAddress: 'x@acme.example', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
      'dns; mx.google.com',
    );
    expect(providersOfMessage(fromGoogle).get('x@acme.example')).toBe('google');
    const fromSes = bounce(
      [{ emailAddress: 'x@acme.example', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
      'dsn; a7-13.smtp-out.eu-west-1.amazonses.com',
    );
    expect(providersOfMessage(fromSes).get('x@acme.example')).toBe('other');
  });

  it('does not take a provider from an address quoted in the reply', () => {
    const m = bounce([
      {
        emailAddress: 'jane@corp.example',
        status: '5.1.1',
        diagnosticCode:
          'smtp; 550 5.1.1 <jane@corp.example>: mail forwarded to <jane.doe@hotmail.com> refused',
      },
    ]);
    expect(providersOfMessage(m).get('jane@corp.example')).toBe('other');
  });

  it('keeps each co-recipient’s own provider', () => {
    const m = bounce([
      {
        emailAddress: 'A@Gmail.com',
        status: '5.1.1',
        diagnosticCode: 'smtp; 550-5.1.1 The email account that you tried to reach does not exist. - gsmtp',
      },
      {
        emailAddress: 'b@hotmail.com',
        status: '5.5.0',
        diagnosticCode: 'smtp; 550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302)',
      },
      {
        emailAddress: 'c@gateway.example',
        status: '5.0.0',
        diagnosticCode: 'smtp; 550 Rejected by Mimecast',
      },
    ]);
    expect(Object.fromEntries(providersOfMessage(m))).toEqual({
      'a@gmail.com': 'google',
      'b@hotmail.com': 'microsoft',
      'c@gateway.example': 'other',
    });
  });

  it('gives no provider to a recipient that cannot be read, and keys the others as readMessage does', () => {
    const m = bounce([
      {
        emailAddress: 'not an address',
        status: '5.1.1',
        diagnosticCode: 'smtp; 550 5.1.1 no such user - gsmtp',
      },
      {
        emailAddress: 'Jane@Example.COM.',
        status: '5.1.1',
        diagnosticCode: 'smtp; 550 5.1.1 no such user - gsmtp',
      },
    ]);
    const { addresses } = readMessage(m, (input) => classify(input));
    expect(Object.fromEntries(providersOfMessage(m))).toEqual({ 'jane@example.com': 'google' });
    expect(providersOfMessage(m, (raw) => addresses.get(raw))).toEqual(providersOfMessage(m));
  });

  it('reads a complaint’s feedback agent', () => {
    const m = parseSesNotification({
      notificationType: 'Complaint',
      mail,
      complaint: {
        complainedRecipients: [{ emailAddress: 'reader@custom-aol.example' }],
        timestamp: '2026-12-07T11:00:00.000Z',
        feedbackId: '0100018c-cccc-0000-0000-000000000001-000000',
        userAgent: 'Yahoo!-Mail-Feedback/2.0',
        complaintFeedbackType: 'abuse',
      },
    });
    if (m.kind !== 'complaint') throw new Error(m.kind);
    expect(providersOfMessage(m).get('reader@custom-aol.example')).toBe('yahoo');
  });

  it('the consumer domain decides over a fingerprint of another provider', () => {
    expect(providerOf('a@gmail.com', ['dns; mx.example.outlook.com'])).toBe('google');
  });

  it('reads only the bounded start of a long reply', () => {
    expect(providerFromFingerprints([`${'x '.repeat(600)} - gsmtp`])).toBeUndefined();
    expect(providerFromFingerprints([`550 no ${'x'.repeat(10)} - gsmtp`])).toBe('google');
  });

  it('host fingerprints need whole labels (corp-mail.com is not mail.com)', () => {
    expect(providerFromFingerprints(['dns; mx1.corp-mail.com'])).toBeUndefined();
    expect(providerFromFingerprints(['dns; mx00.mail.com'])).toBe('gmx');
  });
});

describe('provider set', () => {
  it('is bounded and ends in other (a metric dimension and one alarm set each)', () => {
    expect(PROVIDERS.length).toBeLessThanOrEqual(12);
    expect(PROVIDERS[PROVIDERS.length - 1]).toBe('other');
    expect(new Set(PROVIDERS).size).toBe(PROVIDERS.length);
  });

  it('every answer is in the set, whatever the input', () => {
    const inputs = ['a@b', 'x@gmail.com', 'y@-.example', 'z@yahoo.co.jp'];
    for (const address of inputs)
      expect(PROVIDERS).toContain(providerOf(address, ['garbage ™ ✓', undefined, '']));
  });
});
