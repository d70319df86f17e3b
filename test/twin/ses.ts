/** What SES publishes (configuration-set event publishing), at the twin's clock. */
export interface SesMail {
  identity: string;
  n: number;
  at: string;
  configurationSet?: string;
  /** The recipient (default: `recipient(identity, n)`). */
  to?: string;
  /** The SES tenant it was sent through (SES tags the mail `ses:tenant-name`). */
  tenant?: string;
}

export const recipient = (identity: string, n: number) => `r${n}@${identity.replace(/\./g, '-')}.example.org`;

const to = (m: SesMail) => m.to ?? recipient(m.identity, m.n);

const mail = ({ identity, n, at, configurationSet, tenant, ...m }: SesMail) => {
  const tags = {
    ...(configurationSet ? { 'ses:configuration-set': [configurationSet] } : {}),
    ...(tenant ? { 'ses:tenant-name': [tenant] } : {}),
  };
  return {
    timestamp: at,
    source: `news@${identity}`,
    sourceArn: `arn:aws:ses:us-east-1:123456789012:identity/${identity}`,
    sendingAccountId: '123456789012',
    messageId: `m-${identity}-${n}`,
    destination: [to({ identity, n, at, ...m })],
    ...(Object.keys(tags).length > 0 ? { tags } : {}),
  };
};

export const sendEvent = (m: SesMail) => ({ eventType: 'Send', mail: mail(m), send: {} });

export const permanentBounce = (
  m: SesMail,
  diagnosticCode = 'smtp; 550 5.1.1 <user>: user unknown',
  bounceSubType = 'General',
) => ({
  eventType: 'Bounce',
  mail: mail(m),
  bounce: {
    bounceType: 'Permanent',
    bounceSubType,
    timestamp: m.at,
    feedbackId: `fb-${m.identity}-${m.n}`,
    reportingMTA: 'dns; a1-2.smtp-out.amazonses.com',
    bouncedRecipients: [
      {
        emailAddress: to(m),
        action: 'failed',
        status: /\d\.\d\.\d+/.exec(diagnosticCode)?.[0] ?? '5.0.0',
        diagnosticCode,
      },
    ],
  },
});

export const complaint = (m: SesMail) => ({
  eventType: 'Complaint',
  mail: mail(m),
  complaint: {
    complainedRecipients: [{ emailAddress: recipient(m.identity, m.n) }],
    timestamp: m.at,
    feedbackId: `fc-${m.identity}-${m.n}`,
    complaintFeedbackType: 'abuse',
    userAgent: 'Yahoo!-Mail-Feedback/2.0',
  },
});

/** A delivery as SES publishes it: the receiver's SMTP reply (`smtpResponse`) names who accepted it. */
export const delivery = (m: SesMail, smtpResponse = '250 2.0.0 Ok: queued as 4XyZ') => ({
  eventType: 'Delivery',
  mail: mail(m),
  delivery: {
    timestamp: m.at,
    processingTimeMillis: 812,
    recipients: [to(m)],
    smtpResponse,
    reportingMTA: 'a1-2.smtp-out.amazonses.com',
    remoteMtaIp: '203.0.113.7',
  },
});
