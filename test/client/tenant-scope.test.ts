/**
 * Readers in suppression scope `tenant`: the SuppressionClient answers as a tenant sees an address,
 * and the SESv2Client guard reads `TenantName` from the call itself (a real SESv2Client sending to a
 * local HTTP endpoint that records what would have reached SES; the table on a real engine).
 */
import { createServer, type Server } from 'node:http';
import { SESv2Client, SendBulkEmailCommand, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback } from '../../cli/embedded';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import { type DroppedReport, SuppressionClient, suppressionGuard } from '../../shared/client/index';
import type { AddressEvent } from '../../shared/core/events';
import { DEFAULT_STATE_POLICY } from '../../shared/core/state';
import { startTestEngine, type TestEngine } from '../support/engine';
import { bounceEvent, complaintEvent } from '../support/events';

let engine: TestEngine;
let suppression: SuppressionClient;
let ses: { server: Server; endpoint: string; bodies: Record<string, unknown>[] };
const NOW = new Date('2026-06-01T00:00:00.000Z');
const by = <E extends AddressEvent>(event: E, tenant: string): E => ({ ...event, tenant });

beforeAll(async () => {
  engine = await startTestEngine();
  const tableName = await engine.newTable();
  const store = new DynamoDbSuppressionStore(engine.connection.documentClient, tableName, {
    ...DEFAULT_STATE_POLICY,
    suppressionScope: 'tenant',
  });
  await store.applyEvents('person@example.com', [
    by(complaintEvent('c1', '2026-05-01T00:00:00.000Z'), 'acme'),
  ]);
  await store.applyEvents('gone@example.com', [
    by(bounceEvent('b1', '2026-05-01T00:00:00.000Z', 'userunknown'), 'globex'),
  ]);
  suppression = new SuppressionClient({
    client: engine.connection.documentClient,
    tableName,
    now: () => NOW,
  });
  const bodies: Record<string, unknown>[] = [];
  const server = createServer(async (request, response) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    const body = JSON.parse(text || '{}') as Record<string, unknown>;
    bodies.push(body);
    response.setHeader('content-type', 'application/json');
    const entries = (body.BulkEmailEntries as unknown[] | undefined) ?? [];
    response.end(
      JSON.stringify(
        request.url === '/v2/email/outbound-bulk-emails'
          ? { BulkEmailEntryResults: entries.map(() => ({ Status: 'SUCCESS', MessageId: 'm' })) }
          : { MessageId: 'm' },
      ),
    );
  });
  ses = { server, endpoint: await listenOnLoopback(server), bodies };
});

afterAll(async () => {
  await new Promise((resolve) => ses?.server.close(resolve));
  await engine?.close();
});

describe('SuppressionClient.check(recipients, { tenant })', () => {
  it('refuses an address suppressed for the tenant, allows it for another tenant and for the account', async () => {
    const recipients = ['Person@Example.com', 'gone@example.com', 'new@example.com'];
    const allowed = async (tenant?: string) =>
      (await suppression.check(recipients, tenant === undefined ? {} : { tenant })).map((r) => r.allowed);
    expect(await allowed('acme')).toEqual([false, false, true]);
    expect(await allowed('globex')).toEqual([true, false, true]);
    expect(await allowed()).toEqual([true, false, true]);
    expect(await suppression.checkOne('person@example.com', { tenant: 'acme' })).toEqual({
      address: 'person@example.com',
      input: 'person@example.com',
      allowed: false,
      status: 'suppressed',
      reason: 'feedback',
      since: '2026-05-01T00:00:00.000Z',
      source: 'complaint',
    });
  });

  it('throws a TypeError naming a tenant SES would refuse', async () => {
    await expect(suppression.check(['a@example.com'], { tenant: 'no spaces' })).rejects.toThrow(
      /options\.tenant.*"no spaces"/,
    );
  });
});

describe('suppressionGuard reads TenantName from the call', () => {
  function guarded() {
    const client = new SESv2Client({
      endpoint: ses.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const reports: DroppedReport[] = [];
    client.middlewareStack.use(
      suppressionGuard({ client: suppression, onDropped: (r) => void reports.push(r) }),
    );
    return { client, reports };
  }
  const send = (tenant?: string) =>
    new SendEmailCommand({
      FromEmailAddress: 'news@sender.example',
      Destination: { ToAddresses: ['person@example.com', 'other@example.com'] },
      Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } },
      ...(tenant === undefined ? {} : { TenantName: tenant }),
    });

  it("SendEmail: drops the tenant's suppressed recipient for that tenant only", async () => {
    const { client, reports } = guarded();
    ses.bodies.length = 0;
    await client.send(send('acme'));
    await client.send(send('globex'));
    await client.send(send());
    expect(
      ses.bodies.map((body) => [
        body.TenantName,
        (body.Destination as { ToAddresses: string[] }).ToAddresses,
      ]),
    ).toEqual([
      ['acme', ['other@example.com']],
      ['globex', ['person@example.com', 'other@example.com']],
      [undefined, ['person@example.com', 'other@example.com']],
    ]);
    expect(reports).toEqual([
      {
        command: 'SendEmail',
        tenant: 'acme',
        sent: true,
        dropped: [
          {
            input: 'person@example.com',
            address: 'person@example.com',
            field: 'ToAddresses',
            status: 'suppressed',
            reason: 'feedback',
            source: 'complaint',
          },
        ],
      },
    ]);
  });

  it("SendBulkEmail: checks every entry as the call's tenant sees it", async () => {
    const { client } = guarded();
    ses.bodies.length = 0;
    const bulk = (tenant: string) =>
      new SendBulkEmailCommand({
        FromEmailAddress: 'news@sender.example',
        TenantName: tenant,
        DefaultContent: { Template: { TemplateName: 't', TemplateData: '{}' } },
        BulkEmailEntries: [
          { Destination: { ToAddresses: ['person@example.com'] } },
          { Destination: { ToAddresses: ['other@example.com'] } },
        ],
      });
    const acme = await client.send(bulk('acme'));
    await client.send(bulk('globex'));
    expect(acme.BulkEmailEntryResults?.[0]?.Status).toBe('MESSAGE_REJECTED');
    expect(ses.bodies.map((body) => (body.BulkEmailEntries as unknown[]).length)).toEqual([1, 2]);
  });
});
