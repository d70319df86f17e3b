import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBounce, runBounceOk } from './support/cli';

const work = mkdtempSync(join(tmpdir(), 'bounce-cli-tenant-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const NOW = '2026-12-01T00:00:00.000Z';
const samples = readFileSync(join(import.meta.dirname, '..', 'samples', 'notifications.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '');

/** Every sample as if sent through an SES tenant: the complaint through acme, the rest alternately acme and globex. */
const tagged = samples.map((line, i) => {
  const message = JSON.parse(line) as { mail?: { tags?: Record<string, string[]> } };
  if (message.mail) {
    const tenant = line.includes('"Complaint"') || i % 2 === 0 ? 'acme' : 'globex';
    message.mail.tags = { ...message.mail.tags, 'ses:tenant-name': [tenant] };
  }
  return JSON.stringify(message);
});

const policyFile = (name: string, policy: unknown) => {
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(policy));
  return file;
};

async function replayed(name: string, lines: string[], policy?: unknown): Promise<string[]> {
  const args = ['--data-dir', join(work, name), '--now', NOW];
  if (policy !== undefined) args.push('--policy', policyFile(name, policy));
  await runBounceOk(['replay', '-', ...args], { cwd: work, input: `${lines.join('\n')}\n` });
  return args;
}

const exported = async (args: string[], extra: string[] = []) =>
  (await runBounceOk(['export', ...extra, ...args], { cwd: work })).stdout;

describe('suppression scope "account" (the default): exports as before', () => {
  it('exports the tenant-tagged samples byte-identically to the untagged ones, with and without the policy key', async () => {
    const plain = await exported(await replayed('plain', samples));
    expect(plain.split('\n').filter(Boolean).length).toBeGreaterThan(5);
    expect(await exported(await replayed('tagged', tagged))).toBe(plain);
    expect(await exported(await replayed('account', tagged, { suppressionScope: 'account' }))).toBe(plain);
    // Not vacuous: in tenant scope the same notifications export otherwise (the complaint is acme's only).
    expect(await exported(await replayed('tenant', tagged, { suppressionScope: 'tenant' }))).not.toBe(plain);
  });
});

describe('suppression scope "tenant": bounce lookup / export --tenant', () => {
  let args: string[];
  const complainer = 'annoyed.reader@yahoo.example';
  beforeAll(async () => {
    args = await replayed('tenant-readers', tagged, { suppressionScope: 'tenant' });
  });

  it('the sample complaint (sent through acme) suppresses the address for acme only', async () => {
    const complaint = tagged.find((line) => line.includes('"Complaint"')) as string;
    expect(complaint).toContain('"acme"');
    const address = (
      JSON.parse(complaint) as { complaint: { complainedRecipients: { emailAddress: string }[] } }
    ).complaint.complainedRecipients[0]?.emailAddress.toLowerCase();
    expect(address).toBe(complainer);
    const lookup = async (...tenant: string[]) =>
      JSON.parse(
        (await runBounceOk(['lookup', complainer, '--json', ...tenant, ...args], { cwd: work })).stdout,
      );
    expect(await lookup('--tenant', 'acme')).toMatchObject({
      status: 'suppressed',
      reason: 'feedback',
      tenant: 'acme',
    });
    expect(await lookup('--tenant', 'globex')).toMatchObject({ status: 'clear', tenant: 'globex' });
    expect(await lookup()).toMatchObject({ status: 'clear' });
    const text = (await runBounceOk(['lookup', complainer, '--tenant', 'acme', ...args], { cwd: work }))
      .stdout;
    expect(text).toMatch(/for tenant acme: suppressed \(feedback\) via complaint/);
  });

  it('export --tenant gives each address as that tenant sees it; hard bounces stay account-wide', async () => {
    const rows = async (...extra: string[]) =>
      new Map(
        (await exported(args, extra))
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { emailAddress: string; status: string; reason?: string })
          .map((row) => [row.emailAddress, row]),
      );
    const account = await rows();
    const acme = await rows('--tenant', 'acme');
    const globex = await rows('--tenant', 'globex');
    expect(account.get(complainer)?.status).toBe('clear');
    expect(acme.get(complainer)).toMatchObject({
      status: 'suppressed',
      reason: 'feedback',
      source: 'complaint',
    });
    expect(globex.get(complainer)?.status).toBe('clear');
    expect(account.get('old.customer@gmail.example')).toMatchObject({
      status: 'suppressed',
      reason: 'userunknown',
    });
    expect(globex.get('old.customer@gmail.example')).toEqual(account.get('old.customer@gmail.example'));
    // Every address but the complainer reads the same for every tenant.
    for (const [address, row] of account) if (address !== complainer) expect(acme.get(address)).toEqual(row);
    const csv = await exported(args, ['--tenant', 'acme', '--format', 'csv']);
    expect(csv).toContain(`${complainer},suppressed,feedback`);
  });

  it('suppress and unsuppress --tenant act for that tenant only', async () => {
    const other = 'someone@example.com';
    await runBounceOk(['suppress', other, '--reason', 'asked acme to stop', '--tenant', 'acme', ...args], {
      cwd: work,
    });
    const status = async (...tenant: string[]) =>
      JSON.parse((await runBounceOk(['lookup', other, '--json', ...tenant, ...args], { cwd: work })).stdout)
        .status;
    expect([await status('--tenant', 'acme'), await status('--tenant', 'globex'), await status()]).toEqual([
      'suppressed',
      'clear',
      'clear',
    ]);
    const lifted = await runBounceOk(
      [
        'unsuppress',
        other,
        '--reason',
        'resubscribed',
        '--tenant',
        'acme',
        ...args,
        '--now',
        '2026-12-01T01:00:00.000Z',
      ],
      {
        cwd: work,
      },
    );
    expect(lifted.stdout).toMatch(/for tenant acme: suppressed → clear/);
    expect(await status('--tenant', 'acme', '--now', '2026-12-01T01:00:00.000Z')).toBe('clear');
  });

  it('import --tenant suppresses every row for that tenant only', async () => {
    const file = join(work, 'acme-list.csv');
    writeFileSync(
      file,
      'email,reason\nimported.one@example.com,acme list\nimported.two@example.com,acme list\n',
    );
    await runBounceOk(['import', file, '--tenant', 'acme', ...args], { cwd: work });
    const acme = await exported(args, ['--tenant', 'acme']);
    const account = await exported(args);
    expect(acme).toContain(
      '{"emailAddress":"imported.one@example.com","status":"suppressed","reason":"acme list"',
    );
    expect(account).toContain('{"emailAddress":"imported.one@example.com","status":"clear"}');
  });

  it.each([
    ['lookup', ['lookup', complainer]],
    ['import', ['import', '-']],
    ['export', ['export']],
    ['suppress', ['suppress', complainer, '--reason', 'x']],
  ])('%s refuses a tenant name SES would refuse: exit 2, naming it', async (_name, command) => {
    const { code, stderr } = await runBounce([...command, '--tenant', 'acme corp', ...args], { cwd: work });
    expect(code).toBe(2);
    expect(stderr).toContain('--tenant');
    expect(stderr).toContain('"acme corp"');
  });
});
