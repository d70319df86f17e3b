import { snsEnvelope } from '../fixtures/ses-examples';

/** Small deterministic PRNG (mulberry32), so generated streams are the same on every run. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}

const BOUNCES = [
  [
    'Permanent',
    'General',
    '5.1.1',
    'smtp; 550-5.1.1 The email account that you tried to reach does not exist. - gsmtp',
  ],
  ['Permanent', 'NoEmail', '5.1.2', 'smtp; 550 5.1.2 Host or domain name not found. Name service error'],
  [
    'Transient',
    'MailboxFull',
    '4.2.2',
    'smtp; 452 4.2.2 The email account that you tried to reach is over quota. - gsmtp',
  ],
  ['Transient', 'General', '4.4.7', 'smtp; 421 4.4.7 Message expired, connection timed out'],
  [
    'Permanent',
    'General',
    '5.7.1',
    'smtp; 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
  ],
  [
    'Permanent',
    'General',
    '5.2.1',
    'smtp; 550 5.2.1 The email account that you tried to reach is disabled. - gsmtp',
  ],
] as const;

const START = Date.UTC(2026, 9, 1);

export interface StreamOptions {
  /**
   * Hot addresses (`hot0@example.com` …): that share of the notifications names one of them (as its
   * first recipient), the way a campaign mailing one address many times or a storm does.
   */
  hot?: { addresses: number; share: number };
  /**
   * `random` (default): event times anywhere in 30 days, in no order. `ascending`: the n-th
   * notification a minute after the (n-1)-th, give or take 30 s, as a storm arrives.
   */
  times?: 'random' | 'ascending';
}

/**
 * A realistic stream of SNS-enveloped SES notifications over 30 days: hard and soft bounces (some
 * with several recipients), sender-side blocks, complaints (a few not-spam), deliveries.
 */
export function notificationStream(
  count: number,
  addressCount: number,
  seed = 1,
  options: StreamOptions = {},
): string[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const cold = () => `user${Math.floor(random() * addressCount)}@example${Math.floor(random() * 3)}.com`;
  const { hot } = options;
  // Per notification: with probability `hot.share` its (first) recipient is one of the hot addresses.
  let hotNext = false;
  const address = () => {
    if (!hotNext || hot === undefined) return cold();
    hotNext = false;
    return `hot${Math.floor(random() * hot.addresses)}@example.com`;
  };
  let n = 0;
  const at =
    options.times === 'ascending'
      ? () => new Date(START + n * 60_000 + Math.floor(random() * 60) * 1000).toISOString()
      : () => new Date(START + Math.floor(random() * 30 * 24 * 3600) * 1000).toISOString();
  const mail = (timestamp: string, destination: string[]) => ({
    timestamp,
    source: 'news@mail.example.com',
    sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/mail.example.com',
    messageId: `mail-${Math.floor(random() * 1e12)}`,
    destination,
  });
  const bodies: string[] = [];
  for (; n < count; n++) {
    if (hot !== undefined) hotNext = random() < hot.share;
    const timestamp = at();
    const roll = random();
    const id = `n${seed}-${n}`;
    if (roll < 0.55) {
      const [bounceType, bounceSubType, status, diagnosticCode] = pick(BOUNCES);
      const recipients = Array.from({ length: random() < 0.2 ? 3 : 1 }, address);
      bodies.push(
        snsEnvelope(
          {
            notificationType: 'Bounce',
            mail: mail(timestamp, recipients),
            bounce: {
              feedbackId: `fb-${id}`,
              bounceType,
              bounceSubType,
              timestamp,
              bouncedRecipients: [...new Set(recipients)].map((emailAddress) => ({
                emailAddress,
                action: 'failed',
                status,
                diagnosticCode,
              })),
            },
          },
          `sns-${id}`,
        ),
      );
    } else if (roll < 0.7) {
      const who = address();
      bodies.push(
        snsEnvelope(
          {
            notificationType: 'Complaint',
            mail: mail(timestamp, [who]),
            complaint: {
              feedbackId: `fb-${id}`,
              timestamp,
              complainedRecipients: [{ emailAddress: who }],
              complaintFeedbackType: random() < 0.2 ? 'not-spam' : 'abuse',
            },
          },
          `sns-${id}`,
        ),
      );
    } else {
      const who = address();
      bodies.push(
        snsEnvelope(
          {
            eventType: 'Delivery',
            mail: mail(timestamp, [who]),
            delivery: { timestamp, recipients: [who], smtpResponse: '250 2.0.0 OK' },
          },
          `sns-${id}`,
        ),
      );
    }
  }
  return bodies;
}
