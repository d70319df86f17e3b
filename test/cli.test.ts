import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listenOnLoopback } from '../cli/embedded';
import * as ses from './fixtures/ses-examples';
import { BOUNCE_BIN, runBounce } from './support/cli';
import { startTestEngine } from './support/engine';

const work = mkdtempSync(join(tmpdir(), 'bounce-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const bounce = (args: string[], input?: string) =>
  runBounce(args, { cwd: work, ...(input !== undefined ? { input } : {}) });

describe('bounce demo', () => {
  it('replays the bundled samples into a fresh store and reports decisions, suppressions and on-call alerts', async () => {
    const { code, stdout } = await bounce(['demo', '--json', '--data-dir', join(work, 'demo-data')]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.replay).toMatchObject({ records: 11, failed: [] });
    expect(report.replay.ignored).toBe(2); // the two setup messages (the Send event is counted)
    expect(report.hygiene.identities.map((r: { identity: string }) => r.identity)).toEqual([
      'mail.example.com',
    ]);
    const suppressed = report.suppressed.map((s: { emailAddress: string }) => s.emailAddress);
    expect(suppressed).toContain('old.customer@gmail.example');
    expect(suppressed).toContain('annoyed.reader@yahoo.example');
    // Sender-side failures page on-call and leave the recipients alone.
    expect(suppressed).not.toContain('buyer@fabrikam.example');
    expect(report.onCall.map((a: { reason: string }) => a.reason).sort()).toEqual(['authfailure', 'blocked']);
  });

  it('prints a readable report by default', async () => {
    const { code, stdout } = await bounce(['demo', '--data-dir', join(work, 'demo-text')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Suppressed addresses \(\d+\)/);
    expect(stdout).toMatch(/Would page on-call/);
  });
});

describe('bounce replay, export and lookup on the embedded store', () => {
  const dataDir = join(work, 'store');
  const stream = join(work, 'stream.jsonl');
  writeFileSync(
    stream,
    [
      ses.snsEnvelope(ses.bounceWithDsn),
      '{"this is": "broken',
      ses.snsEnvelope(ses.complaintWithFeedbackReport),
      '',
      JSON.stringify({ Records: [{ messageId: 'sqs-1', body: ses.snsEnvelope(ses.delivery) }] }),
    ].join('\n'),
  );

  it('replays a stream, reports the bad line by number and exits 1', async () => {
    const { code, stdout } = await bounce(['replay', stream, '--json', '--data-dir', dataDir]);
    expect(code).toBe(1);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ records: 4, processed: 3 });
    expect(summary.failed).toEqual([{ line: 2, error: expect.stringMatching(/not JSON/) }]);
  });

  it('exports every address sorted, as JSONL and as CSV', async () => {
    const jsonl = await bounce(['export', '--data-dir', dataDir, '--now', '2026-01-01T00:00:00Z']);
    expect(jsonl.code).toBe(0);
    const rows = jsonl.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.map((r) => r.emailAddress)).toEqual(['jane@example.com', 'richard@example.com']);
    expect(rows[0]).toEqual({
      emailAddress: 'jane@example.com',
      status: 'suppressed',
      reason: 'userunknown',
      since: '2016-01-27T14:59:38.237Z',
      source: 'bounce',
    });
    const csv = await bounce(['export', '--format', 'csv', '--data-dir', dataDir]);
    expect(csv.stdout.split('\n')[0]).toBe('emailAddress,status,reason,since,until,softBounces,source');
    expect(csv.stdout).toContain(
      'richard@example.com,suppressed,feedback,2016-01-27T14:59:38.237Z,,,complaint',
    );
  });

  it('looks up an address with its events and the rule that decided', async () => {
    const { code, stdout } = await bounce(['lookup', 'JANE@example.com', '--data-dir', dataDir]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^jane@example\.com: suppressed \(userunknown\)/);
    expect(stdout).toMatch(/rule [\w.-]+/);
  });

  it('lifts a suppression by hand and records it; a later manual suppression with --until holds until then', async () => {
    const lift = await bounce([
      'unsuppress',
      'jane@example.com',
      '--reason',
      'customer asked',
      '--data-dir',
      dataDir,
    ]);
    expect(lift.code).toBe(0);
    expect(lift.stdout).toContain('suppressed → clear');
    const until = '2099-01-01T00:00:00.000Z';
    await bounce([
      'suppress',
      'jane@example.com',
      '--reason',
      'legal hold',
      '--until',
      until,
      '--data-dir',
      dataDir,
    ]);
    const { stdout } = await bounce(['lookup', 'jane@example.com', '--json', '--data-dir', dataDir]);
    const found = JSON.parse(stdout);
    expect(found).toMatchObject({
      status: 'suppressed-until',
      until,
      source: 'manual',
      reason: 'legal hold',
    });
    expect(found.events.map((e: { event: { type: string } }) => e.event.type).slice(0, 2)).toEqual([
      'manual',
      'manual',
    ]);
  });

  it('refuses a manual suppression without a reason, with one over 512 characters or with an --until in the past (exit 2)', async () => {
    expect((await bounce(['suppress', 'a@example.com', '--data-dir', dataDir])).code).toBe(2);
    const long = await bounce([
      'suppress',
      'a@example.com',
      '--reason',
      'r'.repeat(513),
      '--data-dir',
      dataDir,
    ]);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain('--reason: 513 characters, at most 512');
    const past = await bounce([
      'suppress',
      'a@example.com',
      '--reason',
      'x',
      '--until',
      '2000-01-01',
      '--data-dir',
      dataDir,
    ]);
    expect(past.code).toBe(2);
    expect(past.stderr).toContain('"2000-01-01"');
  });

  it('rejects an invalid address in lookup with exit 1, naming it by hash', async () => {
    const { code, stdout } = await bounce(['lookup', 'not-an-address', '--data-dir', dataDir]);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^not-an-address: invalid address #[0-9a-f]{12} \(14 characters\): expected local@domain/,
    );
  });
});

describe('bounce replay and lookup of a bounce with odd recipients', () => {
  const dataDir = join(work, 'odd-recipients');
  const stream = join(work, 'odd-recipients.jsonl');
  const recipients = [
    'first@example.com',
    '"john doe"@example.com',
    'jane@example.com.',
    'jane@[192.0.2.1]',
    'jane.secret@localhost',
  ];
  writeFileSync(
    stream,
    ses.snsEnvelope({
      notificationType: 'Bounce',
      mail: { timestamp: '2026-03-01T10:00:00.000Z', messageId: 'odd-1', source: 'news@mail.example.com' },
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: recipients.map((emailAddress) => ({
          emailAddress,
          action: 'failed',
          status: '5.1.1',
        })),
        timestamp: '2026-03-01T10:00:05.000Z',
        feedbackId: 'odd-feedback-1',
      },
    }),
  );

  it('applies every readable recipient under one key and keeps the unreadable one by hash, visible in lookup', async () => {
    const replay = await bounce(['replay', stream, '--json', '--data-dir', dataDir]);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ records: 1, processed: 1, failed: [] });
    const rows = (await bounce(['export', '--data-dir', dataDir])).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.map((r) => [r.emailAddress, r.status])).toEqual([
      ['"john doe"@example.com', 'suppressed'],
      ['first@example.com', 'suppressed'],
      ['jane@[192.0.2.1]', 'suppressed'],
      ['jane@example.com', 'suppressed'],
    ]);
    const lookup = await bounce(['lookup', 'jane.secret@localhost', '--json', '--data-dir', dataDir]);
    expect(lookup.code).toBe(0);
    const found = JSON.parse(lookup.stdout);
    expect(found.unreadable).toMatch(/^[0-9a-f]{12}$/);
    expect(found.events).toEqual([
      expect.objectContaining({
        kind: 'bounce',
        at: '2026-03-01T10:00:05.000Z',
        problem: expect.stringMatching(/bad domain/),
      }),
    ]);
    expect(found.events[0].classification).toMatchObject({ reason: 'userunknown', decision: 'suppress' });
    // The table keeps the hash, never the text.
    expect(JSON.stringify(found.events)).not.toContain('secret');
    // The same stream again: the unreadable recipient is a duplicate, not a second entry.
    await bounce(['replay', stream, '--data-dir', dataDir]);
    const again = JSON.parse(
      (await bounce(['lookup', 'jane.secret@localhost', '--json', '--data-dir', dataDir])).stdout,
    );
    expect(again.events).toHaveLength(1);
  });

  it('defuses a leading TAB or CR in CSV export cells, as it does = + - @', async () => {
    const cases = [
      { address: 'tab@example.com', reason: '\t=1+1', cell: "'\t=1+1" },
      // A CR also makes RFC 4180 quote the cell.
      { address: 'cr@example.com', reason: '\r=1+1', cell: `"'\r=1+1"` },
    ];
    for (const { address, reason } of cases) {
      expect((await bounce(['suppress', address, '--reason', reason, '--data-dir', dataDir])).code).toBe(0);
    }
    const csv = (await bounce(['export', '--format', 'csv', '--data-dir', dataDir])).stdout;
    for (const { address, cell } of cases) {
      const row = csv.split('\n').find((line) => line.startsWith(address)) ?? '';
      expect(row.split(',')[2], address).toBe(cell);
    }
  });
});

describe('bounce init and invoke against an engine at --endpoint', () => {
  it('creates the table, then runs the processor handler once and prints its batch response', async () => {
    const engine = await startTestEngine();
    try {
      const target = ['--endpoint', engine.endpoint, '--table', 'cli-invoke', '--region', 'us-east-1'];
      expect((await bounce(['lookup', 'a@example.com', ...target])).stderr).toMatch(
        /does not exist; create it with `bounce init`/,
      );
      expect((await bounce(['init', ...target])).code).toBe(0);
      const eventFile = join(work, 'sqs-event.json');
      writeFileSync(
        eventFile,
        JSON.stringify({
          Records: [
            { messageId: 'good', body: ses.snsEnvelope(ses.bounceWithDsn) },
            { messageId: 'bad', body: '{"Type":"Notification"' },
          ],
        }),
      );
      const invoked = await bounce(['invoke', 'processor', '--event', eventFile, ...target]);
      expect(invoked.code).toBe(1);
      expect(JSON.parse(invoked.stdout)).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
      const lookup = await bounce(['lookup', 'jane@example.com', '--json', ...target]);
      expect(JSON.parse(lookup.stdout)).toMatchObject({
        emailAddress: 'jane@example.com',
        status: 'suppressed',
      });
    } finally {
      await engine.close();
    }
  });
});

describe('bounce classify', () => {
  it('streams one line per bounced recipient in input order and reports bad lines', async () => {
    const input = [
      JSON.stringify({
        emailAddress: 'a@example.com',
        status: '5.1.1',
        diagnosticCode: 'smtp; 550 5.1.1 User unknown',
      }),
      'garbage',
      ses.snsEnvelope(ses.bounceWithoutDsn),
      JSON.stringify({ status: 42 }),
    ].join('\n');
    const { code, stdout } = await bounce(['classify', '-'], input);
    expect(code).toBe(1);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => l.line)).toEqual([1, 2, 3, 3, 4]);
    expect(lines[0]).toMatchObject({
      emailAddress: 'a@example.com',
      reason: 'userunknown',
      hard: true,
      decision: 'suppress',
    });
    expect(lines[1]).toEqual({ line: 2, error: expect.stringMatching(/not JSON/) });
    expect(lines[2].emailAddress).toBe('jane@example.com');
    expect(lines[4]).toEqual({ line: 4, error: expect.stringMatching(/status: .*got 42/) });
  });

  it('prints the address as the processor stores it, and the input form as `input` when it differs', async () => {
    const input = [
      ses.snsEnvelope(
        ses.simulatorBounce({ emailAddress: 'Test Hard Bounce Recipient <bounce@simulator.amazonses.com>' }),
      ),
      JSON.stringify({ emailAddress: 'Jane@Example.COM', status: '5.1.1' }),
      JSON.stringify({ emailAddress: 'plain@example.com', status: '5.1.1' }),
      JSON.stringify({ emailAddress: 'not an address', status: '5.1.1' }),
    ].join('\n');
    const { code, stdout } = await bounce(['classify', '-'], input);
    expect(code).toBe(1);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({
      line: 1,
      emailAddress: 'bounce@simulator.amazonses.com',
      input: 'Test Hard Bounce Recipient <bounce@simulator.amazonses.com>',
      reason: 'userunknown',
    });
    expect(lines[1]).toMatchObject({ line: 2, emailAddress: 'jane@example.com', input: 'Jane@Example.COM' });
    expect(lines[2]).toMatchObject({ line: 3, emailAddress: 'plain@example.com' });
    expect(lines[2]).not.toHaveProperty('input');
    expect(lines[3]).toEqual({
      line: 4,
      error: expect.stringMatching(/invalid address #[0-9a-f]{12} \(14 characters\): expected local@domain/),
    });
  });
});

describe('bounce replay and classify of SES events as EventBridge delivers them', () => {
  const samples = join(import.meta.dirname, '..', 'samples');
  const lines = (text: string) =>
    text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));

  it('samples/eventbridge.jsonl is the bundled samples, each as an EventBridge event with its SES event in detail', () => {
    const eventBridge = lines(readFileSync(join(samples, 'eventbridge.jsonl'), 'utf8'));
    const notifications = lines(readFileSync(join(samples, 'notifications.jsonl'), 'utf8')).filter((n) =>
      ['Bounce', 'Complaint', 'Delivery', 'Send'].includes(n.notificationType ?? n.eventType),
    );
    expect(eventBridge.map((e) => e.detail.mail.messageId)).toEqual(
      notifications.map((n) => n.mail.messageId),
    );
    for (const [i, event] of eventBridge.entries()) {
      const { notificationType, eventType, ...rest } = notifications[i];
      expect(event).toMatchObject({
        source: 'aws.ses',
        detail: { eventType: notificationType ?? eventType, ...rest },
      });
    }
  });

  it('replays the EventBridge lines into the same export as the same notifications without EventBridge', async () => {
    const now = ['--now', '2026-12-01T00:00:00Z'];
    const viaSns = join(work, 'eb-sns');
    const viaBus = join(work, 'eb-bus');
    const plain = await bounce([
      'replay',
      join(samples, 'notifications.jsonl'),
      '--json',
      '--data-dir',
      viaSns,
    ]);
    const bus = await bounce(['replay', join(samples, 'eventbridge.jsonl'), '--json', '--data-dir', viaBus]);
    expect(JSON.parse(plain.stdout)).toMatchObject({ records: 11, processed: 11, failed: [] });
    expect(JSON.parse(bus.stdout)).toEqual({ records: 9, processed: 9, failed: [] });
    const exported = await bounce(['export', '--data-dir', viaSns, ...now]);
    expect(lines(exported.stdout).length).toBeGreaterThan(5);
    expect((await bounce(['export', '--data-dir', viaBus, ...now])).stdout).toBe(exported.stdout);
  });

  it('classifies the bounced recipients of EventBridge lines as those of the same notifications', async () => {
    const bus = await bounce(['classify', join(samples, 'eventbridge.jsonl')]);
    const plain = await bounce(['classify', join(samples, 'notifications.jsonl')]);
    expect(bus.code).toBe(0);
    const strip = ({ line: _line, ...rest }: Record<string, unknown>) => rest;
    expect(lines(bus.stdout).map(strip)).toEqual(lines(plain.stdout).map(strip));
    expect(lines(bus.stdout).length).toBeGreaterThan(5);
    const other = JSON.stringify({ source: 'my.app', 'detail-type': 'Email Bounced', detail: {} });
    const refused = await bounce(['classify', '-'], other);
    expect(refused.code).toBe(1);
    expect(lines(refused.stdout)).toEqual([
      { line: 1, error: expect.stringMatching(/source "my\.app".*expected "aws\.ses"/) },
    ]);
  });
});

describe('bounce classify into a pipe that closes early', () => {
  it('stops quietly with exit 0 when the reader goes away (`bounce classify big.jsonl | head -1`)', async () => {
    const file = join(work, 'many.jsonl');
    const line = JSON.stringify({
      emailAddress: 'a@example.com',
      status: '5.1.1',
      diagnosticCode: 'smtp; 550 5.1.1 User unknown',
    });
    writeFileSync(file, `${Array.from({ length: 50_000 }, () => line).join('\n')}\n`);
    const child = spawn(process.execPath, [BOUNCE_BIN, 'classify', file], {
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    // Read the first line, then close our end of the pipe, as `head -1` does.
    const first = await new Promise<string>((resolve) => {
      child.stdout.once('data', (chunk: Buffer) => {
        child.stdout.destroy();
        resolve(chunk.toString('utf8').split('\n')[0] ?? '');
      });
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(JSON.parse(first)).toMatchObject({ line: 1, reason: 'userunknown' });
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });
});

describe('bounce classify --explain', () => {
  it('adds every rule that matched, the deciding one first', async () => {
    const line = JSON.stringify({
      status: '5.2.2',
      diagnosticCode: 'smtp; 550 5.2.2 Submission quota exceeded',
      bounceType: 'Transient',
      bounceSubType: 'MailboxFull',
    });
    const plain = JSON.parse((await bounce(['classify', '-'], line)).stdout);
    expect(plain.matched).toBeUndefined();
    const got = JSON.parse((await bounce(['classify', '--explain', '-'], line)).stdout);
    expect(got).toMatchObject({ reason: 'speeding', party: 'sender', decision: 'alert-sender' });
    expect(got.matched[0]).toBe(got.rule);
    // What lost on specificity: the RFC 3463 reading of 5.2.2 and SES's subtype.
    expect(got.matched).toEqual(
      expect.arrayContaining(['status.mailboxfull.x.2.2', 'ses.mailboxfull.subtype.mailboxfull']),
    );
  });

  it('says what a suppression lacked: a user unknown refused after DATA is counted soft', async () => {
    const line = JSON.stringify({
      emailAddress: 'someone@example.org',
      status: '5.0.0',
      diagnosticCode: 'smtp; 550 <someone@example.org>: User unknown (in reply to end of DATA command)',
    });
    const got = JSON.parse((await bounce(['classify', '--explain', '-'], line)).stdout);
    expect(got).toMatchObject({
      reason: 'filtered',
      decision: 'count-soft',
      rule: 'ladder.filtered.stage-data',
    });
    expect(got.demoted).toMatch(/^text\.userunknown\./);
    expect(got.missing[0]).toMatch(/^stage: refused at DATA/);
    expect(got.structure).toMatchObject({ stage: 'data', reply: 550, status: '5.0.0' });
    // The masked text carries no address.
    expect(got.structure.text).not.toContain('someone@');
  });
});

describe('--policy', () => {
  it('applies the operator policy file, and refuses a bad one with exit 2 naming the key', async () => {
    const good = join(work, 'policy.json');
    writeFileSync(good, JSON.stringify({ decisions: { mailboxfull: 'suppress-temporarily' } }));
    const line = JSON.stringify({ status: '4.2.2', bounceType: 'Transient', bounceSubType: 'MailboxFull' });
    const withPolicy = await bounce(['classify', '--policy', good], line);
    expect(JSON.parse(withPolicy.stdout)).toMatchObject({
      reason: 'mailboxfull',
      decision: 'suppress-temporarily',
    });
    const bad = join(work, 'bad-policy.json');
    writeFileSync(bad, JSON.stringify({ temporarySuppressionDays: -1 }));
    const refused = await bounce(['classify', '--policy', bad], line);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/temporarySuppressionDays: .*got -1/);
  });
});

describe('usage errors', () => {
  it('exits 2 on an unknown command', async () => {
    expect((await bounce(['frobnicate'])).code).toBe(2);
  });

  it('exits 2 on a bad --now, naming it', async () => {
    const { code, stderr } = await bounce(['export', '--now', 'soon', '--data-dir', join(work, 'x')]);
    expect(code).toBe(2);
    expect(stderr).toContain('"soon"');
  });

  it('exits 0 on --help', async () => {
    const { code, stdout } = await bounce(['replay', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Usage: bounce replay/);
  });

  it("lists the global options in every command's --help", async () => {
    for (const command of ['lookup', 'import', 'report']) {
      const { stdout } = await bounce([command, '--help']);
      const global = stdout.slice(stdout.indexOf('Global Options:'));
      expect(global, command).toMatch(/--data-dir <dir>[\s\S]*--endpoint <url>[\s\S]*--region[\s\S]*--now/);
    }
  });

  it('prints the package version with --version', async () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const { code, stdout } = await bounce([flag]);
      expect(code).toBe(0);
      expect(stdout.trim()).toBe(version);
    }
  });
});

describe('bounce at --endpoint takes the region and credentials a pipeline would', () => {
  /** The access key and region each request was signed with (SigV4's credential scope), on the way to the engine. */
  async function signingProxy(target: string) {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      const scope = /Credential=([^/]+)\/\d+\/([^/]+)\//.exec(req.headers.authorization ?? '');
      if (scope) seen.push(`${scope[1]} ${scope[2]}`);
      const upstream = http.request(
        `${target}${req.url}`,
        { method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    const endpoint = await listenOnLoopback(server);
    return { endpoint, seen, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it('signs with the AWS profile and its region (as DynamoDB Local partitions by them), and --region wins', async () => {
    const engine = await startTestEngine();
    const proxy = await signingProxy(engine.endpoint);
    try {
      writeFileSync(
        join(work, 'aws-credentials'),
        '[pipeline]\naws_access_key_id = AKIAPIPELINE\naws_secret_access_key = secret\n',
      );
      writeFileSync(join(work, 'aws-config'), '[profile pipeline]\nregion = eu-west-3\n');
      const { AWS_ACCESS_KEY_ID: _k, AWS_SECRET_ACCESS_KEY: _s, AWS_REGION: _r, ...rest } = process.env;
      const env = {
        ...rest,
        AWS_PROFILE: 'pipeline',
        AWS_SHARED_CREDENTIALS_FILE: join(work, 'aws-credentials'),
        AWS_CONFIG_FILE: join(work, 'aws-config'),
      };
      const target = ['--endpoint', proxy.endpoint, '--table', 'shared-with-pipeline'];
      const init = await runBounce(['init', ...target], { cwd: work, env });
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toContain('(region eu-west-3, credentials from the AWS environment)');
      expect(new Set(proxy.seen)).toEqual(new Set(['AKIAPIPELINE eu-west-3']));

      proxy.seen.length = 0;
      await runBounce(['lookup', 'a@example.com', ...target, '--region', 'us-east-2'], { cwd: work, env });
      expect(new Set(proxy.seen)).toEqual(new Set(['AKIAPIPELINE us-east-2']));

      // With no AWS environment at all: region and key "local", and the output says so.
      const { AWS_PROFILE: _p, AWS_SHARED_CREDENTIALS_FILE: _c, AWS_CONFIG_FILE: _f, ...bare } = env;
      proxy.seen.length = 0;
      const none = {
        ...bare,
        AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
        AWS_CONFIG_FILE: join(work, 'none'),
      };
      const local = await runBounce(['init', ...target], { cwd: work, env: none });
      expect(local.stdout).toContain('(region local, access key "local")');
      expect(new Set(proxy.seen)).toEqual(new Set(['local local']));
    } finally {
      await proxy.close();
      await engine.close();
    }
  });
});
