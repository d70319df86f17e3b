/**
 * The SESv2Client guard, end to end: a real SESv2Client (real serialization, real middleware stack)
 * sending to a local HTTP endpoint that records what would have reached SES, with recipients checked
 * against a real DynamoDB engine (dynalite here, DynamoDB Local under `DYNAMODB_ENDPOINT`).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { SESv2Client, SendBulkEmailCommand, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback } from '../../cli/embedded';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import {
  AllRecipientsSuppressedError,
  type DroppedReport,
  SUPPRESSED_ENTRY_ERROR,
  SUPPRESSION_GUARD_NAME,
  SuppressionClient,
  suppressionGuard,
} from '../../shared/client/index';
import type { ManualEvent } from '../../shared/core/events';
import { startTestEngine, type TestEngine } from '../support/engine';
import { bounceEvent } from '../support/events';

interface Recorded {
  path: string;
  body: Record<string, unknown>;
}

let engine: TestEngine;
let suppression: SuppressionClient;
let ses: { server: Server; endpoint: string; requests: Recorded[] };
const NOW = new Date('2026-06-01T00:00:00.000Z');

const manual = (id: string, until?: string): ManualEvent => ({
  type: 'manual',
  id,
  at: '2026-05-01T00:00:00.000Z',
  action: 'suppress',
  source: 'manual',
  reason: 'asked to stop',
  ...(until !== undefined ? { until } : {}),
});

const readBody = async (request: IncomingMessage) => {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
};

/** Stands in for SES v2: records each request, answers as SES does (one result per bulk entry). */
async function startRecordingSes() {
  const requests: Recorded[] = [];
  let id = 0;
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    requests.push({ path: request.url ?? '', body });
    response.setHeader('content-type', 'application/json');
    if (request.url === '/v2/email/outbound-emails') {
      response.end(JSON.stringify({ MessageId: `msg-${++id}` }));
    } else if (request.url === '/v2/email/outbound-bulk-emails') {
      const entries = (body.BulkEmailEntries as unknown[]) ?? [];
      response.end(
        JSON.stringify({
          BulkEmailEntryResults: entries.map(() => ({ Status: 'SUCCESS', MessageId: `msg-${++id}` })),
        }),
      );
    } else {
      response.statusCode = 404;
      response.end(JSON.stringify({ message: `no such path ${request.url}` }));
    }
  });
  const endpoint = await listenOnLoopback(server);
  return { server, endpoint, requests };
}

function guardedSes(options: Omit<Parameters<typeof suppressionGuard>[0], 'client'> = {}) {
  const client = new SESv2Client({
    endpoint: ses.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const reports: DroppedReport[] = [];
  client.middlewareStack.use(
    suppressionGuard({ client: suppression, onDropped: (report) => void reports.push(report), ...options }),
  );
  return { client, reports };
}

const content = { Simple: { Subject: { Data: 'hello' }, Body: { Text: { Data: 'hi' } } } };

beforeAll(async () => {
  engine = await startTestEngine();
  const tableName = await engine.newTable();
  const store = new DynamoDbSuppressionStore(engine.connection.documentClient, tableName);
  await store.applyEvents('gone@example.com', [bounceEvent('b1', '2026-01-01T00:00:00.000Z', 'userunknown')]);
  await store.applyEvents('stop@example.com', [manual('m1')]);
  // A temporary suppression that has ended before NOW: mailable again.
  await store.applyEvents('back@example.com', [manual('m2', '2026-05-15T00:00:00.000Z')]);
  suppression = new SuppressionClient({
    client: engine.connection.documentClient,
    tableName,
    now: () => NOW,
  });
  ses = await startRecordingSes();
});

afterAll(async () => {
  await new Promise((resolve) => ses?.server.close(resolve));
  await engine?.close();
});

describe('suppressionGuard on SendEmail', () => {
  it('drops suppressed recipients from To, Cc and Bcc, sends the rest, and reports why', async () => {
    const { client, reports } = guardedSes();
    ses.requests.length = 0;
    const input = {
      FromEmailAddress: 'news@sender.example',
      Destination: {
        ToAddresses: ['Gone Person <Gone@Example.com>', 'ok@example.com'],
        CcAddresses: ['stop@example.com', 'back@example.com'],
        BccAddresses: ['audit@example.com'],
      },
      Content: content,
    };
    const output = await client.send(new SendEmailCommand(input));

    expect(output.MessageId).toMatch(/^msg-/);
    expect(ses.requests).toHaveLength(1);
    expect(ses.requests[0]?.body.Destination).toEqual({
      ToAddresses: ['ok@example.com'],
      CcAddresses: ['back@example.com'],
      BccAddresses: ['audit@example.com'],
    });
    // The caller's input is left as it was.
    expect(input.Destination.ToAddresses).toHaveLength(2);
    expect(reports).toEqual([
      {
        command: 'SendEmail',
        sent: true,
        dropped: [
          {
            input: 'Gone Person <Gone@Example.com>',
            address: 'gone@example.com',
            field: 'ToAddresses',
            status: 'suppressed',
            reason: 'userunknown',
            source: 'bounce',
          },
          {
            input: 'stop@example.com',
            address: 'stop@example.com',
            field: 'CcAddresses',
            status: 'suppressed',
            reason: 'asked to stop',
            source: 'manual',
          },
        ],
      },
    ]);
  });

  it('does not call SES when every recipient is suppressed, and resolves without a MessageId', async () => {
    const { client, reports } = guardedSes();
    ses.requests.length = 0;
    const output = await client.send(
      new SendEmailCommand({
        FromEmailAddress: 'news@sender.example',
        Destination: { ToAddresses: ['gone@example.com'], BccAddresses: ['stop@example.com'] },
        Content: content,
      }),
    );
    expect(ses.requests).toHaveLength(0);
    expect(output.MessageId).toBeUndefined();
    expect(reports).toHaveLength(1);
    expect(reports[0]?.sent).toBe(false);
    expect(reports[0]?.dropped.map((d) => d.address)).toEqual(['gone@example.com', 'stop@example.com']);
  });

  it("rejects with AllRecipientsSuppressedError under whenAllSuppressed: 'throw'", async () => {
    const { client } = guardedSes({ whenAllSuppressed: 'throw' });
    ses.requests.length = 0;
    const sending = client.send(
      new SendEmailCommand({ Destination: { ToAddresses: ['gone@example.com'] }, Content: content }),
    );
    await expect(sending).rejects.toBeInstanceOf(AllRecipientsSuppressedError);
    await expect(sending).rejects.toThrow(/SendEmail not sent: all 1 recipient/);
    expect(ses.requests).toHaveLength(0);
  });

  it('sends an all-clear call untouched and reports nothing; invalid addresses are left to SES', async () => {
    const { client, reports } = guardedSes();
    ses.requests.length = 0;
    await client.send(
      new SendEmailCommand({
        Destination: { ToAddresses: ['ok@example.com', 'not an address'] },
        Content: content,
      }),
    );
    expect(ses.requests[0]?.body.Destination).toEqual({ ToAddresses: ['ok@example.com', 'not an address'] });
    expect(reports).toEqual([]);
  });

  it('fails the send when the table cannot be read, or sends unchecked with onCheckError: send', async () => {
    const broken = new SuppressionClient({
      client: engine.connection.documentClient,
      tableName: 'no-such-table',
      now: () => NOW,
    });
    const make = (onCheckError: 'throw' | 'send') => {
      const client = new SESv2Client({
        endpoint: ses.endpoint,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      client.middlewareStack.use(suppressionGuard({ client: broken, onCheckError }));
      return client;
    };
    const command = () =>
      new SendEmailCommand({ Destination: { ToAddresses: ['gone@example.com'] }, Content: content });
    ses.requests.length = 0;
    await expect(make('throw').send(command())).rejects.toThrow(/no-such-table|non-existent|not found/i);
    expect(ses.requests).toHaveLength(0);
    await make('send').send(command());
    expect(ses.requests).toHaveLength(1);
  });

  it('is added once however often it is used, and leaves other commands alone', async () => {
    const { client } = guardedSes();
    client.middlewareStack.use(suppressionGuard({ client: suppression }));
    const names = client.middlewareStack.identify().filter((n) => n.startsWith(SUPPRESSION_GUARD_NAME));
    expect(names).toHaveLength(1);
  });

  it('refuses bad options, naming the value', () => {
    expect(() =>
      suppressionGuard({ client: suppression, whenAllSuppressed: 'drop' as unknown as 'skip' }),
    ).toThrow(/whenAllSuppressed.*"drop"/);
    expect(() => suppressionGuard({ client: {} as SuppressionClient })).toThrow(/client/);
  });
});

describe('suppressionGuard on SendBulkEmail', () => {
  it('filters each entry, removes entries left empty, and keeps results in the caller’s entry order', async () => {
    const { client, reports } = guardedSes();
    ses.requests.length = 0;
    const output = await client.send(
      new SendBulkEmailCommand({
        FromEmailAddress: 'news@sender.example',
        DefaultContent: { Template: { TemplateName: 'news', TemplateData: '{}' } },
        BulkEmailEntries: [
          { Destination: { ToAddresses: ['a@example.com'] } },
          { Destination: { ToAddresses: ['gone@example.com'] } },
          { Destination: { ToAddresses: ['stop@example.com', 'b@example.com'] } },
        ],
      }),
    );
    expect(ses.requests).toHaveLength(1);
    expect(ses.requests[0]?.body.BulkEmailEntries).toEqual([
      { Destination: { ToAddresses: ['a@example.com'] } },
      { Destination: { ToAddresses: ['b@example.com'] } },
    ]);
    const results = output.BulkEmailEntryResults ?? [];
    expect(results).toHaveLength(3);
    expect(results[0]).toMatchObject({ Status: 'SUCCESS' });
    expect(results[1]).toEqual({ Status: 'MESSAGE_REJECTED', Error: SUPPRESSED_ENTRY_ERROR });
    expect(results[2]).toMatchObject({ Status: 'SUCCESS' });
    expect(results[0]?.MessageId).not.toBe(results[2]?.MessageId);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ command: 'SendBulkEmail', sent: true, skippedEntries: [1] });
    expect(reports[0]?.dropped.map((d) => [d.entry, d.address])).toEqual([
      [1, 'gone@example.com'],
      [2, 'stop@example.com'],
    ]);
  });

  it('does not call SES when every entry is suppressed; every result is MESSAGE_REJECTED', async () => {
    const { client, reports } = guardedSes();
    ses.requests.length = 0;
    const output = await client.send(
      new SendBulkEmailCommand({
        DefaultContent: { Template: { TemplateName: 'news', TemplateData: '{}' } },
        BulkEmailEntries: [
          { Destination: { ToAddresses: ['gone@example.com'] } },
          { Destination: { CcAddresses: ['stop@example.com'] } },
        ],
      }),
    );
    expect(ses.requests).toHaveLength(0);
    expect(output.BulkEmailEntryResults?.map((r) => r.Status)).toEqual([
      'MESSAGE_REJECTED',
      'MESSAGE_REJECTED',
    ]);
    expect(reports[0]).toMatchObject({ sent: false, skippedEntries: [0, 1] });
  });
});
