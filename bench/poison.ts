/**
 * Worst-case parse + classify time per record over adversarial inputs up to 256 KB (an SNS message's
 * limit): each SQS body goes through what the processor runs before it writes anything
 * (`parseMessageBody`, then `readMessage`: address normalisation and the classifier per recipient).
 * Every text field is bounded before any regex reads it and every pass is linear, so none of these
 * may cost more than an ordinary record by much. Goal: ≤ 50 ms each. Standalone: `npx tsx bench/poison.ts`.
 */
import { classify } from '../shared/core/classify/index';
import { readMessage } from '../shared/core/events';
import { parseMessageBody } from '../shared/core/notification';
import { redactAddresses } from '../shared/core/redact';

const KB = 1024;
/** Leaves room for the rest of the body within 256 KB. */
const BIG = 250 * KB;

const mail = (overrides: Record<string, unknown> = {}) => ({
  timestamp: '2026-03-01T10:00:00.000Z',
  messageId: 'poison-mail',
  source: 'news@mail.example.com',
  sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/mail.example.com',
  ...overrides,
});
const recipient = (overrides: Record<string, unknown> = {}) => ({
  emailAddress: 'jane@example.com',
  action: 'failed',
  status: '5.1.1',
  diagnosticCode: 'smtp; 550 5.1.1 user unknown',
  ...overrides,
});
const bounce = (
  recipients: unknown[],
  bounceOverrides: Record<string, unknown> = {},
  mailOverrides: Record<string, unknown> = {},
) =>
  JSON.stringify({
    Type: 'Notification',
    MessageId: 'poison-sns',
    Message: JSON.stringify({
      notificationType: 'Bounce',
      mail: mail(mailOverrides),
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: recipients,
        timestamp: '2026-03-01T10:00:05.000Z',
        feedbackId: 'poison-feedback',
        reportingMTA: 'dns; mta.example.com',
        ...bounceOverrides,
      },
    }),
  });

/** The adversarial inputs: the poison records and their relatives. */
export const POISON_INPUTS: readonly { name: string; body: string; recipients?: number }[] = [
  {
    name: 'ordinary bounce (reference)',
    body: bounce([recipient(), recipient({ emailAddress: 'co@example.com' })]),
  },
  {
    name: '250 KB of blanks in a diagnostic code',
    body: bounce([recipient({ diagnosticCode: `x${' '.repeat(BIG)}y` })]),
  },
  {
    name: '250 KB of blanks and CR in a diagnostic code',
    body: bounce([recipient({ diagnosticCode: `smtp; 550${' \r'.repeat(BIG / 2)}` })]),
  },
  {
    name: '250 KB of digits and dots in a diagnostic code',
    body: bounce([recipient({ diagnosticCode: '5.5'.repeat(BIG / 3) })]),
  },
  {
    name: 'mail.source of 250 KB of <, no sourceArn',
    body: bounce([recipient()], {}, { source: '<'.repeat(BIG), sourceArn: undefined }),
  },
  {
    name: 'sourceArn identity of 250 KB',
    body: bounce([recipient()], {}, { sourceArn: `arn:aws:ses:eu-west-1:1:identity/${'i'.repeat(BIG)}` }),
  },
  {
    name: 'mail.tags key of 250 KB',
    body: bounce([recipient()], {}, { tags: { ['k'.repeat(BIG)]: ['v'] } }),
  },
  {
    name: 'mail.tags key of 250 KB, bad value (error path)',
    body: bounce([recipient()], {}, { tags: { ['k'.repeat(BIG)]: 7 } }),
  },
  {
    name: 'address of 250 KB',
    body: bounce([recipient({ emailAddress: `${'a'.repeat(BIG)}@example.com` })]),
  },
  { name: 'address of 250 KB of <', body: bounce([recipient({ emailAddress: `${'<'.repeat(BIG)}` })]) },
  {
    name: 'address of 250 KB of quoted text',
    body: bounce([recipient({ emailAddress: `"${'\\"'.repeat(BIG / 2)}@example.com` })]),
  },
  {
    name: '2,000 recipients of 120-character addresses',
    // Not a poison field but the most work one body can ask for (SES itself sends at most 50): linear in recipients.
    recipients: 2000,
    body: bounce(
      Array.from({ length: 2000 }, (_, i) =>
        recipient({ emailAddress: `${'r'.repeat(100)}${i}@example.com`, diagnosticCode: '' }),
      ),
    ),
  },
  {
    name: 'reporting MTA, status and bounce type of 80 KB each',
    body: bounce([recipient({ status: 's'.repeat(80 * KB) })], {
      reportingMTA: 'm'.repeat(80 * KB),
      bounceType: 't'.repeat(80 * KB),
    }),
  },
  {
    name: '100,000-deep nesting as the Message',
    body: JSON.stringify({
      Type: 'Notification',
      MessageId: 'deep',
      Message: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    }),
  },
  {
    name: '100,000-deep nesting as a recipient',
    body: bounce([recipient()]).replace(
      '\\"emailAddress\\":\\"jane@example.com\\"',
      `\\"emailAddress\\":${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    ),
  },
];

export interface PoisonFigure {
  inputs: number;
  largestKb: number;
  /** The slowest input of one recipient. */
  worst: { name: string; ms: number };
  /** The many-recipient body: its time, and per recipient. */
  many: { name: string; ms: number; perRecipientMs: number };
  reference: number;
  /** Per input, the best of the runs (ms). */
  times: { name: string; ms: number }[];
}

/** What the processor does with one body before writing: parse, normalise, classify; an error is redacted as it would be logged. */
function planOne(body: string): void {
  try {
    const message = parseMessageBody(body);
    if (message.kind === 'bounce' || message.kind === 'complaint' || message.kind === 'delivery')
      readMessage(message, (input) => classify(input));
  } catch (error) {
    redactAddresses((error as Error).message);
  }
}

export function measurePoison(runs = 5): PoisonFigure {
  const times = POISON_INPUTS.map(({ name, body, recipients = 1 }) => {
    planOne(body); // warm-up
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      planOne(body);
      best = Math.min(best, performance.now() - t0);
    }
    return { name, ms: best, recipients };
  });
  const single = times.filter((t) => t.recipients === 1);
  const worst = single.reduce((a, b) => (b.ms > a.ms ? b : a));
  const manyTime = times.find((t) => t.recipients > 1) ?? { name: '', ms: Number.NaN, recipients: 1 };
  return {
    inputs: times.length,
    largestKb: Math.round(Math.max(...POISON_INPUTS.map((p) => Buffer.byteLength(p.body))) / KB),
    worst,
    many: { name: manyTime.name, ms: manyTime.ms, perRecipientMs: manyTime.ms / manyTime.recipients },
    reference: times[0]?.ms ?? Number.NaN,
    times,
  };
}

export function describePoisonFigure(figure: PoisonFigure): string {
  return (
    `worst ${figure.worst.ms.toFixed(1)} ms (${figure.worst.name}); ordinary bounce ${figure.reference.toFixed(2)} ms; ` +
    `${figure.many.name}: ${figure.many.ms.toFixed(0)} ms (${(figure.many.perRecipientMs * 1000).toFixed(0)} µs per recipient)`
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figure = measurePoison();
  for (const { name, ms } of figure.times) console.log(`${ms.toFixed(2).padStart(8)} ms  ${name}`);
  console.log(describePoisonFigure(figure));
}
