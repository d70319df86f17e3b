import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { snsEnvelope } from './fixtures/ses-examples';
import { runBounceOk } from './support/cli';

const NOW = new Date('2026-12-07T12:00:00Z');
const IDENTITY = 'mail.example.com';
const mail = (id: string, at: string, to: string) => ({
  timestamp: at,
  source: `news@${IDENTITY}`,
  sourceArn: `arn:aws:ses:eu-west-1:123456789012:identity/${IDENTITY}`,
  messageId: id,
  destination: [to],
});
const at = (n: number) => new Date(NOW.getTime() - 3_600_000 + n * 1000).toISOString();

const GMAIL_OK = '250 2.0.0 OK  1733565602 5b1f17b1804b1-434d52a9c2dsi1234f9.152 - gsmtp';
const EXO_OK =
  '250 2.6.0 <0100018c@eu-west-1.amazonses.com> [InternalId=123, Hostname=AM9PR01MB1234.eurprd01.prod.exchangelabs.com] Queued mail for delivery';
const S3150 =
  "smtp; 550 5.7.1 Unfortunately, messages from [54.240.3.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [AM4PEPF00027A5F.eurprd04.prod.outlook.com 2026-12-07T11:00:00.000Z]";

const delivered = (n: number, to: string, smtpResponse: string) =>
  snsEnvelope(
    {
      eventType: 'Delivery',
      mail: mail(`m-${n}`, at(n), to),
      delivery: {
        timestamp: at(n),
        recipients: [to],
        smtpResponse,
        reportingMTA: 'a7-12.smtp-out.eu-west-1.amazonses.com',
        remoteMtaIp: '203.0.113.25',
        processingTimeMillis: 900,
      },
    },
    `d-${n}`,
  );
const bounced = (n: number, to: string, status: string, diagnosticCode: string, subType = 'General') =>
  snsEnvelope(
    {
      eventType: 'Bounce',
      mail: mail(`m-${n}`, at(n), to),
      bounce: {
        feedbackId: `fb-${n}`,
        bounceType: 'Permanent',
        bounceSubType: subType,
        timestamp: at(n),
        reportingMTA: 'dns; a7-14.smtp-out.eu-west-1.amazonses.com',
        bouncedRecipients: [{ emailAddress: to, action: 'failed', status, diagnosticCode }],
      },
    },
    `b-${n}`,
  );
const complained = (n: number, to: string) =>
  snsEnvelope(
    {
      notificationType: 'Complaint',
      mail: mail(`m-${n}`, at(n), to),
      complaint: {
        feedbackId: `fc-${n}`,
        timestamp: at(n),
        complainedRecipients: [{ emailAddress: to }],
        userAgent: 'Yahoo!-Mail-Feedback/2.0',
        complaintFeedbackType: 'abuse',
      },
    },
    `c-${n}`,
  );

describe('bounce hygiene per mailbox provider', () => {
  const work = mkdtempSync(join(tmpdir(), 'bounce-providers-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const bounce = (...args: string[]) => runBounceOk([...args, '--data-dir', join(work, 'store')]);

  it('rates each provider from its own deliveries, bounces and complaints, sender-side failures by reason', async () => {
    const lines: string[] = [];
    let n = 0;
    // Google: 300 to gmail.com, 100 to a Workspace-hosted domain (attributed by "gsmtp"), 4 hard bounces.
    for (let i = 0; i < 300; i++) lines.push(delivered(n++, `g${i}@gmail.com`, GMAIL_OK));
    for (let i = 0; i < 100; i++) lines.push(delivered(n++, `w${i}@acme.example`, GMAIL_OK));
    for (let i = 0; i < 4; i++)
      lines.push(
        bounced(
          n++,
          `gone${i}@gmail.com`,
          '5.1.1',
          "smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos - gsmtp",
        ),
      );
    // SES's own suppression list: never reached Gmail, not Gmail's bounce.
    lines.push(
      bounced(
        n++,
        'old@gmail.com',
        '5.1.1',
        'Amazon SES did not send the message to this address because it is on the suppression list for your account.',
        'OnAccountSuppressionList',
      ),
    );
    // Microsoft: 50 accepted by a 365 tenant, 30 refused at Outlook.com for our IP's block-list listing.
    for (let i = 0; i < 50; i++) lines.push(delivered(n++, `t${i}@contoso.example`, EXO_OK));
    const blocked = n;
    for (let i = 0; i < 30; i++) lines.push(bounced(n++, `h${i}@hotmail.com`, '5.7.1', S3150));
    // Yahoo: one complaint from its feedback loop about a hosted domain.
    lines.push(complained(n++, 'reader@yahoo.com'));
    // A redelivered bounce counts once.
    lines.push(bounced(blocked, 'h0@hotmail.com', '5.7.1', S3150));
    const file = join(work, 'traffic.jsonl');
    writeFileSync(file, lines.join('\n'));
    expect(JSON.parse((await bounce('replay', file, '--json')).stdout).failed).toEqual([]);

    const report = JSON.parse((await bounce('hygiene', '--json', '--now', NOW.toISOString())).stdout);
    const rows = Object.fromEntries(
      (report.providers as { provider: string }[]).map(({ provider, ...row }) => [provider, row]),
    );
    expect(Object.keys(rows)).toEqual(['google', 'microsoft', 'yahoo']);
    expect(rows.google).toEqual({
      sent: 404,
      bounces: 4,
      complaints: 0,
      bounceRate: 0.009901,
      complaintRate: 0,
      level: 'ok',
      senderSide: {},
    });
    expect(rows.microsoft).toMatchObject({
      sent: 80,
      bounces: 30,
      bounceRate: 0.375,
      level: 'low-volume',
      senderSide: { blocked: 30 },
    });
    expect(rows.yahoo).toMatchObject({ sent: 0, complaints: 1, level: 'low-volume' });
    // The account counts every bounce but the one SES made up from its own list (SES does not count it either).
    expect(report.account).toMatchObject({ bounces: 34, complaints: 1 });
    // The 7-day window carries the same rows.
    expect(report.windows[1].providers).toEqual(report.providers);

    const table = (await bounce('hygiene', '--now', NOW.toISOString())).stdout;
    expect(table).toMatch(/microsoft\s+80\s+37\.50 %.*sender-side: blocked 30/);

    // The HTML report's provider view shows the same row.
    const html = join(work, 'report.html');
    await bounce('report', '--html', html, '--now', NOW.toISOString());
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('Rates per mailbox provider');
    expect(page).toMatch(
      /<td>Microsoft \(Outlook\.com, 365\)<\/td><td class="n">80<\/td><td class="n">30<\/td><td class="n">0<\/td><td>37\.5\d* %<\/td><td>[^<]*<\/td><td>low-volume<\/td><td>blocked 30<\/td>/,
    );
  });
});
