import * as z from 'zod';
import { normalizeAddress } from '../../shared/core/address';
import { classify, DEFAULT_POLICY, type DecisionPolicy, explain } from '../../shared/core/classify';
import type { Classification, RecipientBounce } from '../../shared/core/classify/types';
import { describeZodError, MalformedMessageError, parseMessageBody } from '../../shared/core/notification';
import { createOutput, readLineBatches } from '../jsonl';

const RecipientLine = z.object({
  emailAddress: z.string().optional(),
  action: z.string().nullish(),
  status: z.string().nullish(),
  diagnosticCode: z.string().nullish(),
  bounceType: z.string().nullish(),
  bounceSubType: z.string().nullish(),
  remoteMtaIp: z.string().nullish(),
  reportingMTA: z.string().nullish(),
});

const isMessage = (value: Record<string, unknown>) =>
  'Type' in value || 'notificationType' in value || 'eventType' in value || 'detail-type' in value;

/** The fields of a recipient line the classifier reads (besides `emailAddress`). */
export const INPUT_FIELDS = [
  'action',
  'status',
  'diagnosticCode',
  'bounceType',
  'bounceSubType',
  'remoteMtaIp',
  'reportingMTA',
] as const;

function recipientInput(line: z.infer<typeof RecipientLine>): RecipientBounce {
  const input: RecipientBounce = line.emailAddress === undefined ? {} : { emailAddress: line.emailAddress };
  for (const key of INPUT_FIELDS) {
    const value = line[key];
    if (value !== null && value !== undefined) input[key] = value;
  }
  return input;
}

/**
 * What `RecipientLine` makes of a line whose fields are all strings or absent — nearly every line —
 * without running the schema (a measurable share of `bounce classify`); undefined for anything
 * else, which goes through the schema (and its error). test/cli-classify.test.ts checks that the two
 * agree on arbitrary objects.
 */
export function plainRecipientLine(value: Record<string, unknown>): LineRecipient | undefined {
  const emailAddress = value.emailAddress;
  if (emailAddress !== undefined && typeof emailAddress !== 'string') return undefined;
  const input: RecipientBounce = emailAddress === undefined ? {} : { emailAddress };
  for (const key of INPUT_FIELDS) {
    const field = value[key];
    if (typeof field === 'string') input[key] = field;
    else if (field !== undefined && field !== null) return undefined;
  }
  return emailAddress === undefined ? { input } : { emailAddress, input };
}

/** A recipient line through the schema: the reference for {@link plainRecipientLine}, and the error. */
export function schemaRecipientLine(value: unknown): LineRecipient {
  const result = RecipientLine.safeParse(value);
  if (!result.success)
    throw new MalformedMessageError(describeZodError(result.error, value, 'bounced recipient'));
  return result.data.emailAddress === undefined
    ? { input: recipientInput(result.data) }
    : { emailAddress: result.data.emailAddress, input: recipientInput(result.data) };
}

/** A bounced recipient of an input line: its address as given (if any) and what the classifier reads. */
export interface LineRecipient {
  emailAddress?: string;
  input: RecipientBounce;
}

/**
 * The address fields of an output line: `emailAddress` normalised as the processor stores it (display
 * name stripped, lower case, IDN in punycode) and, when that differs from what the line said, the
 * line's form as `input`. Throws InvalidAddressError (quoting it) for what is not an address.
 */
export function addressFields(emailAddress: string | undefined): { emailAddress?: string; input?: string } {
  if (emailAddress === undefined) return {};
  const normalised = normalizeAddress(emailAddress);
  return normalised === emailAddress ? { emailAddress } : { emailAddress: normalised, input: emailAddress };
}

/** One output object per bounced recipient on an input line (none for complaints, deliveries, setup messages). */
export function classifyLine(text: string): LineRecipient[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new MalformedMessageError(`not JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new MalformedMessageError(`expected a JSON object, got ${JSON.stringify(parsed).slice(0, 100)}`);
  }
  if (isMessage(parsed as Record<string, unknown>)) {
    const message = parseMessageBody(text);
    if (message.kind !== 'bounce') return [];
    const { bounce } = message;
    return bounce.bouncedRecipients.map((recipient) => ({
      emailAddress: recipient.emailAddress,
      input: recipientInput({
        ...recipient,
        bounceType: bounce.bounceType,
        bounceSubType: bounce.bounceSubType,
        remoteMtaIp: bounce.remoteMtaIp,
        reportingMTA: bounce.reportingMTA,
      }),
    }));
  }
  return [plainRecipientLine(parsed as Record<string, unknown>) ?? schemaRecipientLine(parsed)];
}

/** The verdict part of an output line, per rule: recipients that share a verdict share its JSON. */
const verdicts = new Map<string, { verdict: Classification; json: string }>();

/**
 * An output line of `bounce classify`: exactly `JSON.stringify({ line, emailAddress, input, reason,
 * hard, party, decision, rule })` (undefined fields left out), with the verdict's part written once
 * per distinct verdict rather than stringified on every line. test/cli-classify.test.ts checks both agree.
 */
export function classifiedRow(
  line: number,
  emailAddress: string | undefined,
  given: string | undefined,
  c: Classification,
): string {
  let known = verdicts.get(c.rule);
  const v = known?.verdict;
  if (
    known === undefined ||
    v?.reason !== c.reason ||
    v.hard !== c.hard ||
    v.party !== c.party ||
    v.decision !== c.decision
  ) {
    const { reason, hard, party, decision, rule } = c;
    known = {
      verdict: { reason, hard, party, decision, rule },
      json: JSON.stringify({ reason, hard, party, decision, rule }).slice(1),
    };
    // A few hundred rules at most; bounded all the same.
    if (verdicts.size >= 4096) verdicts.clear();
    verdicts.set(c.rule, known);
  }
  let row = `{"line":${JSON.stringify(line)}`;
  if (emailAddress !== undefined) row += `,"emailAddress":${JSON.stringify(emailAddress)}`;
  if (given !== undefined) row += `,"input":${JSON.stringify(given)}`;
  return `${row},${known.json}`;
}

/**
 * `bounce classify`: JSONL in, JSONL out, input order kept; bad lines reported, the rest goes on.
 * With `explain`, each line also has `matched` (every rule that matched, best first: the first is
 * `rule`), `demoted` (a suppressing rule the evidence ladder overruled), `missing` (what a
 * suppression lacked) and `structure` (stage, codes, receiver, the masked text the phrases read).
 */
export async function runClassify(
  file: string | undefined,
  decisions: DecisionPolicy = DEFAULT_POLICY,
  options: { explain?: boolean } = {},
): Promise<{ lines: number; failed: number }> {
  const output = createOutput();
  let lines = 0;
  let failed = 0;
  let line = 0;
  for await (const batch of readLineBatches(file)) {
    for (const text of batch) {
      line++;
      if (text.trim() === '') continue;
      lines++;
      let out = '';
      try {
        // Every address of the line is read before anything is printed: a bad one fails the whole line,
        // as it fails the whole message in the processor.
        const recipients = classifyLine(text);
        const addresses = recipients.map((recipient) => addressFields(recipient.emailAddress));
        for (let i = 0; i < recipients.length; i++) {
          const input = (recipients[i] as LineRecipient).input;
          const { emailAddress, input: given } = addresses[i] ?? {};
          let row: string;
          if (options.explain === true) {
            const { reason, hard, party, decision, rule, matched, demoted, missing, structure } = explain(
              input,
              decisions,
            );
            // JSON.stringify leaves out the undefined fields (no address, or no other input form).
            row = JSON.stringify({
              line,
              emailAddress,
              input: given,
              reason,
              hard,
              party,
              decision,
              rule,
              matched,
              demoted,
              missing,
              structure,
            });
          } else row = classifiedRow(line, emailAddress, given, classify(input, decisions));
          out = out === '' ? row : `${out}\n${row}`;
        }
      } catch (error) {
        failed++;
        out = JSON.stringify({ line, error: (error as Error).message });
      }
      if (out !== '' && output.line(out)) await output.flush();
    }
  }
  await output.flush();
  return { lines, failed };
}
