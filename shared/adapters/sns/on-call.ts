import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

/** Tells the on-call engineer something happened (the brake pulled, …). */
export interface OnCallNotifier {
  notify(subject: string, message: string): Promise<void>;
}

/** SNS allows subjects shorter than 100 characters. */
export const MAX_SUBJECT_LENGTH = 99;
/** SNS messages are at most 256 KiB (UTF-8 bytes); keep a margin. */
export const MAX_MESSAGE_BYTES = 256 * 1024 - 1024;

const FALLBACK_SUBJECT = 'SES bounce handler';

/**
 * An SNS Subject: ASCII only (accents dropped, anything else `?`), no line breaks or control
 * characters (whitespace runs become one space), starting with a printable character, at most
 * 99 characters (cut with `...`).
 */
export function snsSubject(subject: string): string {
  const ascii = subject
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  if (ascii === '') return FALLBACK_SUBJECT;
  return ascii.length > MAX_SUBJECT_LENGTH ? `${ascii.slice(0, MAX_SUBJECT_LENGTH - 3).trimEnd()}...` : ascii;
}

/** The message cut to SNS's size limit (on a character boundary), saying so when it was cut. */
export function snsMessage(message: string): string {
  if (Buffer.byteLength(message, 'utf8') <= MAX_MESSAGE_BYTES) return message;
  const note = '\n… (truncated)';
  let cut = Buffer.from(message, 'utf8')
    .subarray(0, MAX_MESSAGE_BYTES - Buffer.byteLength(note, 'utf8'))
    .toString('utf8');
  // A multi-byte character cut in half decodes to U+FFFD: drop it.
  cut = cut.replace(/\uFFFD$/, '');
  return `${cut}${note}`;
}

/**
 * Publishes to the on-call SNS topic (built once by the caller). Needs `sns:Publish` on the topic
 * (and `kms:GenerateDataKey*`/`kms:Decrypt` on its key when the topic is encrypted with a CMK).
 */
export class SnsOnCallNotifier implements OnCallNotifier {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async notify(subject: string, message: string): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: snsSubject(subject),
        Message: snsMessage(message),
      }),
    );
  }
}
