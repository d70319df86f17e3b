import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvRecords, parseImport } from '../cli/commands/import';
import { DynamoDbSuppressionStore } from '../shared/adapters/dynamodb/store';
import { hashAddress } from '../shared/core/address';
import { BOUNCE_BIN, runBounce } from './support/cli';
import { startTestEngine, type TestEngine } from './support/engine';
import { bounceEvent } from './support/events';

const work = mkdtempSync(join(tmpdir(), 'bounce-read-path-'));
const NOW = '2026-06-01T00:00:00.000Z';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine.close();
  rmSync(work, { recursive: true, force: true });
});

/** `bounce ARGS --endpoint … --table TABLE --now NOW`; exit code and output, never throws. */
const bounce = (table: string, args: string[]) =>
  runBounce([...args, '--endpoint', engine.endpoint, '--table', table, '--now', NOW], { cwd: work });

const file = (name: string, text: string) => {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
};

async function items(table: string) {
  const { Items = [] } = await engine.connection.documentClient.send(new ScanCommand({ TableName: table }));
  return Items;
}

describe('bounce import → export round trip', () => {
  it('imports 10,000 addresses, exports them, and the export re-imports to a byte-identical export', async () => {
    const table = await engine.newTable();
    const lines = ['email,reason,until'];
    for (let i = 0; i < 10_000; i++) {
      const address = `Person.${String(i).padStart(5, '0')}@Example.com`;
      if (i % 5 === 0) lines.push(`${address},"legacy list, ""bounced""",2027-01-01T00:00:00Z`);
      else if (i % 5 === 1) lines.push(`${address},-unsubscribed by hand,`);
      else lines.push(`${address},,`);
    }
    const list = file('list.csv', `${lines.join('\r\n')}\r\n`);

    const imported = await bounce(table, ['import', list, '--json']);
    expect(imported.code).toBe(0);
    // Off a terminal, a progress line every tenth of the rows (or every 10 s): total, rate and ETA.
    const progress = imported.stderr.trim().split('\n');
    for (const line of progress) expect(line).toMatch(/^import: \d+\/10000 \(\d+ %\), \d+\/s, ETA \S+$/);
    const done = progress.map((line) => Number(/: (\d+)\//.exec(line)?.[1]));
    expect(done.length).toBeGreaterThanOrEqual(9);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(done.at(-1)).toBe(10_000);
    expect(JSON.parse(imported.stdout)).toEqual({
      format: 'csv',
      rows: 10_000,
      landed: 10_000,
      unchanged: 0,
      skipped: 0,
      failed: [],
    });

    // Importing the same file again is idempotent: the event ids come from the rows' content.
    const again = await bounce(table, ['import', list, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ landed: 0, unchanged: 10_000, failed: [] });

    const csv = await bounce(table, ['export', '--format', 'csv']);
    const jsonl = await bounce(table, ['export']);
    expect(csv.code).toBe(0);
    const rows = jsonl.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows).toHaveLength(10_000);
    expect(rows[0]).toEqual({
      emailAddress: 'person.00000@example.com',
      status: 'suppressed-until',
      reason: 'legacy list, "bounced"',
      since: NOW,
      until: '2027-01-01T00:00:00.000Z',
      source: 'import',
    });
    expect(rows[1]).toMatchObject({
      status: 'suppressed',
      reason: '-unsubscribed by hand',
      source: 'import',
    });
    expect(rows[2]).toMatchObject({ status: 'suppressed', reason: 'imported', source: 'import' });

    // The export itself is an import file: the CSV (formulas defused) re-imports to a byte-identical
    // export, and the JSONL reads back as the same 10,000 rows.
    const fresh = await engine.newTable();
    const result = await bounce(fresh, ['import', file('export.csv', csv.stdout), '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ rows: 10_000, landed: 10_000, failed: [] });
    expect((await bounce(fresh, ['export', '--format', 'csv'])).stdout).toBe(csv.stdout);
    const fromCsv = parseImport(csv.stdout, new Date(NOW));
    const fromJsonl = parseImport(jsonl.stdout, new Date(NOW));
    expect(fromJsonl).toMatchObject({ format: 'jsonl', failed: [], skipped: 0 });
    expect(fromJsonl.rows.map(({ line: _, ...row }) => row)).toEqual(
      fromCsv.rows.map(({ line: _, ...row }) => row),
    );
  }, 300_000); // ~30 s per 10,000-address import on in-process dynalite on a 2-core machine
});

describe('bounce import: formats and bad rows', () => {
  it('reports bad rows by line, lands the rest, exits 1 and says so in the summary', async () => {
    const table = await engine.newTable();
    const list = file(
      'bad.csv',
      [
        'name,Email_Address,until',
        'Ann,ann@example.com,',
        'Bob,not-an-address,',
        'Cy,cy@example.com,yesterday',
        'Di,di@example.com,2020-01-01T00:00:00Z',
        '"Eve\nSmith",eve@example.com,',
        'Fay,fay@example.com',
        '',
      ].join('\n'),
    );
    const result = await bounce(table, ['import', list, '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      format: 'csv',
      rows: 6,
      landed: 2,
      unchanged: 0,
      skipped: 0,
      failed: [
        { line: 3, error: expect.stringMatching(/invalid address #[0-9a-f]{12} \(14 characters\)/) },
        { line: 4, error: 'until: not an ISO-8601 time: "yesterday"' },
        { line: 5, error: expect.stringMatching(/is not after now/) },
        { line: 8, error: 'expected 3 columns, got 2' },
      ],
    });
    const text = await bounce(table, ['import', list]);
    expect(text.stdout).toMatch(
      /^6 rows \(csv\): 0 addresses suppressed, 2 already imported, 0 skipped .*, 4 failed\n {2}line 3: /,
    );
    const exported = await bounce(table, ['export']);
    expect(
      exported.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).emailAddress),
    ).toEqual(['ann@example.com', 'eve@example.com']);
  });

  it('reads JSONL and the SES CLI JSON, with SES reasons mapped and bad entries numbered', async () => {
    const table = await engine.newTable();
    const jsonl = file(
      'list.jsonl',
      [
        '{"emailAddress":"j1@example.com","reason":"old ESP export"}',
        '{"emailAddress":"j2@example.com","until":"2026-07-01T00:00:00Z"}',
        '{"email":"j3@example.com"}',
        '{not json',
      ].join('\n'),
    );
    const fromJsonl = JSON.parse((await bounce(table, ['import', jsonl, '--json'])).stdout);
    expect(fromJsonl).toMatchObject({ format: 'jsonl', rows: 4, landed: 2 });
    expect(fromJsonl.failed.map((f: { line: number }) => f.line)).toEqual([3, 4]);

    const ses = file(
      'ses.json',
      JSON.stringify(
        {
          SuppressedDestinationSummaries: [
            {
              EmailAddress: 's1@example.com',
              Reason: 'BOUNCE',
              LastUpdateTime: '2026-05-01T10:00:00.000000+00:00',
            },
            {
              EmailAddress: 's2@example.com',
              Reason: 'COMPLAINT',
              LastUpdateTime: '2026-05-02T10:00:00+00:00',
            },
            { EmailAddress: 's3@example.com', Reason: 'SPAM', LastUpdateTime: '2026-05-02T10:00:00+00:00' },
          ],
          NextToken: 'abc',
        },
        null,
        4,
      ),
    );
    const fromSes = await bounce(table, ['import', ses, '--json']);
    expect(fromSes.code).toBe(1);
    expect(JSON.parse(fromSes.stdout)).toMatchObject({
      format: 'ses-json',
      rows: 3,
      landed: 2,
      failed: [{ line: 14, error: 'entry 3: Reason: expected "BOUNCE" or "COMPLAINT"' }],
    });
    const rows = (await bounce(table, ['export'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => [r.emailAddress, r.status, r.reason, r.source, r.since])).toEqual([
      ['j1@example.com', 'suppressed', 'old ESP export', 'import', NOW],
      ['j2@example.com', 'suppressed-until', 'imported', 'import', NOW],
      // SES's LastUpdateTime is when the address went on SES's list: it stays the address's `since`.
      ['s1@example.com', 'suppressed', 'suppressed', 'import', '2026-05-01T10:00:00.000Z'],
      ['s2@example.com', 'suppressed', 'feedback', 'import', '2026-05-02T10:00:00.000Z'],
    ]);
  });

  it("keeps SES's LastUpdateTime in either of the AWS CLI's forms, and refuses one that is not a time or is after now", () => {
    const now = new Date(NOW);
    const parsed = parseImport(
      JSON.stringify({
        SuppressedDestinationSummaries: [
          { EmailAddress: 'e1@example.com', Reason: 'BOUNCE', LastUpdateTime: 1_777_000_000.5 },
          { EmailAddress: 'e2@example.com', Reason: 'BOUNCE' },
          { EmailAddress: 'e3@example.com', Reason: 'BOUNCE', LastUpdateTime: 'yesterday' },
          { EmailAddress: 'e4@example.com', Reason: 'BOUNCE', LastUpdateTime: '2027-01-01T00:00:00Z' },
        ],
      }),
      now,
    );
    expect(parsed.rows.map((r) => [r.address, r.at])).toEqual([
      ['e1@example.com', new Date(1_777_000_000_500).toISOString()],
      ['e2@example.com', undefined],
    ]);
    expect(parsed.failed).toEqual([
      { line: 3, error: 'entry 3: LastUpdateTime: not a time: "yesterday"' },
      { line: 4, error: `entry 4: LastUpdateTime "2027-01-01T00:00:00Z" is after now (${NOW})` },
    ]);
  });

  it('shows a progress bar with the total, rate and ETA on a terminal', () => {
    const dataDir = join(work, 'tty-store');
    const list = file(
      'tty.csv',
      ['email', ...Array.from({ length: 300 }, (_, i) => `tty${i}@example.com`)].join('\n'),
    );
    // `script` gives the command a pseudo-terminal, as an operator's shell does.
    const { CI: _ci, ...env } = process.env;
    const out = execFileSync(
      'script',
      [
        '-qec',
        `${process.execPath} ${BOUNCE_BIN} import ${list} --data-dir ${dataDir} --now ${NOW}`,
        '/dev/null',
      ],
      { encoding: 'utf8', env },
    );
    expect(out).toMatch(/import \[[█░]+\] 100% \| 300\/300 \| \d+\/s \| ETA \S+/);
    expect(out).toMatch(/300 rows \(csv\): 300 addresses suppressed/);
  });

  it('refuses a CSV without an address column (usage error, exit 2)', async () => {
    const table = await engine.newTable();
    const result = await bounce(table, ['import', file('nocol.csv', 'name,mail\nx,y@example.com\n')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no address column: expected one named email, emailAddress/);
  });

  it('refuses a row whose reason would bloat the state item (over 512 characters), and imports the rest', () => {
    const parsed = parseImport(
      `email,reason\na@example.com,${'r'.repeat(513)}\nb@example.com,${'r'.repeat(512)}\n`,
      new Date(NOW),
    );
    expect(parsed.failed).toEqual([{ line: 2, error: 'reason: 513 characters, at most 512' }]);
    expect(parsed.rows).toEqual([expect.objectContaining({ line: 3, address: 'b@example.com' })]);
  });

  it('tells a one-line JSONL file from the SES document, and refuses a malformed SES document', () => {
    expect(parseImport('{"email":"a@example.com"}', new Date(NOW))).toMatchObject({
      format: 'jsonl',
      rows: [],
      failed: [{ line: 1, error: expect.stringMatching(/emailAddress/) }],
    });
    expect(() => parseImport('{"SuppressedDestinationSummaries": 3}', new Date(NOW))).toThrow(
      /not the JSON of `aws sesv2 list-suppressed-destinations`/,
    );
  });

  it('parses RFC 4180 records with the line each starts on', () => {
    expect([...csvRecords('a,b\r\n"x\n""y""",z\n\n1,2')]).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x\n"y"', 'z'] },
      { line: 5, fields: ['1', '2'] },
    ]);
    expect(
      parseImport('address,status\na@example.com,clear\nb@example.com,suppressed\n', new Date(NOW)),
    ).toMatchObject({
      rows: [{ line: 3, address: 'b@example.com' }],
      skipped: 1,
    });
  });
});

describe('bounce forget', () => {
  it('deletes the state and audit items and keeps only a hashed erasure record', async () => {
    const table = await engine.newTable();
    expect((await bounce(table, ['suppress', 'Gone@Example.com', '--reason', 'asked'])).code).toBe(0);
    expect((await bounce(table, ['unsuppress', 'gone@example.com', '--reason', 'oops'])).code).toBe(0);
    expect((await bounce(table, ['suppress', 'stays@example.com', '--reason', 'other'])).code).toBe(0);
    expect((await items(table)).filter((i) => String(i.pk).includes('gone@example.com'))).toHaveLength(3);

    const result = await bounce(table, [
      'forget',
      'gone@example.com',
      '--reason',
      'GDPR ticket 42',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const hash = hashAddress('gone@example.com');
    expect(JSON.parse(result.stdout)).toEqual({ hash, deleted: 3, at: NOW, reason: 'GDPR ticket 42' });
    expect(result.stdout).not.toContain('gone@');

    const left = await items(table);
    expect(JSON.stringify(left)).not.toContain('gone@example.com');
    expect(left.find((i) => String(i.pk).startsWith('FORGOTTEN#'))).toEqual({
      pk: `FORGOTTEN#${hash}`,
      sk: NOW,
      hash,
      at: NOW,
      reason: 'GDPR ticket 42',
      deleted: 3,
    });
    const lookup = JSON.parse((await bounce(table, ['lookup', 'gone@example.com', '--json'])).stdout);
    expect(lookup).toMatchObject({ status: 'clear', events: [] });
    // Other addresses are untouched, and the export does not list the erasure record.
    expect((await bounce(table, ['export'])).stdout.trim().split('\n')).toHaveLength(1);
    expect((await bounce(table, ['forget', 'nobody', '--reason', 'x'])).code).toBe(2);
  });
});

describe('DynamoDbSuppressionStore.forget', () => {
  it('deletes more items than one BatchWriteItem takes (state + 40 audit items), and is idempotent', async () => {
    const table = await engine.newTable();
    const store = new DynamoDbSuppressionStore(engine.connection.documentClient, table);
    for (let i = 0; i < 40; i++) {
      const at = new Date(Date.parse('2026-01-01T00:00:00.000Z') + i * 3_600_000).toISOString();
      await store.applyEvents('many@example.com', [bounceEvent(`b${i}`, at, 'systemerror')]);
    }
    expect(await store.forget('many@example.com', { at: NOW, reason: 'ticket 1' })).toEqual({
      hash: hashAddress('many@example.com'),
      deleted: 41,
    });
    expect(await store.get('many@example.com')).toBeUndefined();
    expect(await store.auditTrail('many@example.com', 100)).toEqual([]);
    expect(await store.forget('many@example.com', { at: NOW, reason: 'ticket 1' })).toMatchObject({
      deleted: 0,
    });
    expect(await items(table)).toEqual([
      expect.objectContaining({ pk: `FORGOTTEN#${hashAddress('many@example.com')}`, deleted: 41 }),
    ]);
  });
});
