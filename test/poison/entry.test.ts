import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toSqsEvent, toSqsRecord } from '../../cli/sqs';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import { normalizeAddress } from '../../shared/core/address';
import { snsEnvelope } from '../fixtures/ses-examples';
import { runBounce } from '../support/cli';
import { startTestEngine, type TestEngine } from '../support/engine';
import { localLambdaEnv } from '../support/lambda';

/**
 * Issue 20's poison inputs, all in one batch of ten through the real Lambda entry
 * as it ships (the prebuilt dist/functions/processor/index.mjs the construct deploys, built by the
 * test setup) and through `bounce replay`, on the test engine (DynamoDB Local in
 * CI's second run): only the record nobody can read fails, alone and with a short error; every
 * readable recipient of every other record lands; an address hit by sender-side bounces with
 * oversized identities can still be suppressed.
 */
let engine: TestEngine;
let work: string;
beforeAll(async () => {
  engine = await startTestEngine();
  work = mkdtempSync(join(tmpdir(), 'bounce-poison-'));
});
afterAll(async () => {
  await engine.close();
  rmSync(work, { recursive: true, force: true });
});

const KB = 1024;
const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString();
const mail = (id: string, to: string[], extra: Record<string, unknown> = {}) => ({
  timestamp: at(0),
  source: 'news@poison.example',
  sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/poison.example',
  messageId: id,
  destination: to,
  ...extra,
});
const bounce = (
  id: string,
  minute: number,
  recipients: { emailAddress: string; status?: string; diagnosticCode?: string }[],
  mailExtra: Record<string, unknown> = {},
  bounceType = 'Permanent',
) =>
  snsEnvelope(
    {
      notificationType: 'Bounce',
      mail: mail(
        id,
        recipients.map((r) => r.emailAddress),
        mailExtra,
      ),
      bounce: {
        feedbackId: `fb-${id}`,
        bounceType,
        bounceSubType: 'General',
        timestamp: at(minute),
        bouncedRecipients: recipients.map((r) => ({ action: 'failed', status: '5.1.1', ...r })),
      },
    },
    `sns-${id}`,
  );
const unknown = (emailAddress: string) => ({
  emailAddress,
  status: '5.1.1',
  diagnosticCode: 'smtp; 550 5.1.1 <x> user unknown',
});
const blocked = (emailAddress: string) => ({
  emailAddress,
  status: '5.7.1',
  diagnosticCode:
    'smtp; 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
});

/** Ten records: what each must do. */
const records: { body: string; mustFail?: true; suppressed: string[] }[] = [
  {
    // 250 KB of blanks in the diagnostic code (the folding regex used to run on all of it).
    body: bounce('blanks-1', 1, [
      {
        ...unknown('blanks1@example.com'),
        diagnosticCode: `smtp; 550 5.1.1${' '.repeat(250 * KB)}user unknown`,
      },
      unknown('co1@example.com'),
    ]),
    suppressed: ['co1@example.com'],
  },
  {
    body: bounce('blanks-2', 2, [
      { ...unknown('blanks2@example.com'), diagnosticCode: ` \t`.repeat(125 * KB) },
      unknown('co2@example.com'),
    ]),
    suppressed: ['co2@example.com'],
  },
  {
    // mail.source of 250 KB of `<` and no identity in sourceArn.
    body: bounce('source', 3, [unknown('co3@example.com')], {
      source: '<'.repeat(250 * KB),
      sourceArn: 'arn:aws:ses:eu-west-1:123456789012:configuration-set/none',
    }),
    suppressed: ['co3@example.com'],
  },
  {
    // A 250 KB tag key.
    body: bounce('tags', 4, [unknown('co4@example.com')], { tags: { ['k'.repeat(250 * KB)]: ['v'] } }),
    suppressed: ['co4@example.com'],
  },
  {
    // 100k-deep nesting: nobody can read it; it fails alone.
    body: snsEnvelope(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'sns-deep'),
    mustFail: true,
    suppressed: [],
  },
  {
    // Odd recipients SES can deliver to, beside a plain one.
    body: bounce('odd', 5, [
      unknown('"john doe"@example.com'),
      unknown('jane@example.com.'),
      unknown('jane@[192.0.2.1]'),
      unknown('co6@example.com'),
    ]),
    suppressed: ['co6@example.com', 'jane@example.com.', '"john doe"@example.com', 'jane@[192.0.2.1]'],
  },
  {
    // Sender-side bounces with huge identities on one address, then its hard bounce.
    body: bounce('huge-id-1', 6, [blocked('target@example.com')], {
      sourceArn: `arn:aws:ses:eu-west-1:123456789012:identity/${'a'.repeat(250 * KB)}.example`,
    }),
    suppressed: [],
  },
  {
    body: bounce('huge-id-2', 7, [blocked('target@example.com')], {
      sourceArn: `arn:aws:ses:eu-west-1:123456789012:identity/${'b'.repeat(159 * KB)}.example`,
    }),
    suppressed: [],
  },
  { body: bounce('target-hard', 8, [unknown('target@example.com')]), suppressed: ['target@example.com'] },
  { body: bounce('plain', 9, [unknown('co10@example.com')]), suppressed: ['co10@example.com'] },
];

async function expectLanded(table: string) {
  const store = new DynamoDbSuppressionStore(engine.connection.documentClient, table);
  for (const address of records.flatMap((record) => record.suppressed)) {
    expect((await store.get(normalizeAddress(address)))?.state, address).toMatchObject({
      status: 'suppressed',
    });
  }
}

describe('poison inputs in one batch', () => {
  it('through the Lambda entry: only the unreadable record fails, with a short error; every readable recipient lands', async () => {
    const table = await engine.newTable();
    const saved = { ...process.env };
    Object.assign(process.env, localLambdaEnv(engine, table));
    vi.resetModules();
    try {
      // The shipped bundle reads its environment once, at import: this file imports it once.
      const asset = new URL('../../dist/functions/processor/index.mjs', import.meta.url).href;
      const { handler } = (await import(/* @vite-ignore */ asset)) as {
        handler: (event: SQSEvent, context: Context, cb: () => void) => Promise<SQSBatchResponse>;
      };
      const deadline = Date.now() + 30_000;
      const context = {
        functionName: 'processor',
        awsRequestId: 'poison',
        getRemainingTimeInMillis: () => deadline - Date.now(),
      } as unknown as Context;
      const event = toSqsEvent(records.map((record, i) => toSqsRecord(record.body, `r${i}`)));
      const { batchItemFailures } = await handler(event, context, () => undefined);
      expect(batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
        records.flatMap((record, i) => (record.mustFail ? [`r${i}`] : [])),
      );
    } finally {
      process.env = saved;
    }
    await expectLanded(table);
  });

  it('through bounce replay: the unreadable line is reported with a short error naming it, the rest lands', async () => {
    const table = await engine.newTable();
    const file = join(work, 'poison.jsonl');
    writeFileSync(file, `${records.map((record) => record.body).join('\n')}\n`);
    const result = await runBounce([
      'replay',
      file,
      '--endpoint',
      engine.endpoint,
      '--table',
      table,
      '--region',
      'us-east-1',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(1);
    const summary = JSON.parse(result.stdout) as {
      records: number;
      failed: { line: number; error: string }[];
    };
    expect(summary.records).toBe(records.length);
    expect(summary.failed.map((failure) => failure.line)).toEqual(
      records.flatMap((record, i) => (record.mustFail ? [i + 1] : [])),
    );
    for (const failure of summary.failed) expect(failure.error.length).toBeLessThan(400);
    await expectLanded(table);
  });
});
