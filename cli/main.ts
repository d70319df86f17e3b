/**
 * The `bounce` program: every command's name, arguments, options and help text, defined eagerly;
 * every command's code loaded when it runs (`await import(...)` inside its action). `bounce --help`
 * and a usage error therefore load commander and `./options` only — no AWS SDK, no dynalite, no zod.
 *
 * A new command follows the same pattern: `program.command(...).description(...).option(...)`
 * here, with `.action(run(async (options, ...args) => { const { x } = await import('./commands/x'); … }))`.
 * Import nothing at the top of this file but `commander`, `node:fs`, `node:path`, `./options`,
 * `../shared/core/bounds` (constants and two small functions) and types (`import type` is erased).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { TEXT_BOUNDS } from '../shared/core/bounds';
import type { ManualEvent } from '../shared/core/events';
// Registers its commands eagerly and loads their code when they run, like the commands below.
import { registerInsightCommands, writeDemoReport } from './commands/insight';
import { DEFAULT_DATA_DIR, type GlobalOptions, resolveNow, UsageError } from './options';

/** The package root, from cli/ (tsx) as from dist/cli/ (built). */
const PACKAGE_ROOT = join(
  import.meta.dirname,
  import.meta.dirname.endsWith(join('dist', 'cli')) ? '../..' : '..',
);
/** The bundled samples: `samples/` at the package root. */
const SAMPLES_DIR = join(PACKAGE_ROOT, 'samples');
/** `bounce --version`: the installed package's own version. */
const packageVersion = () =>
  (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** Audit entries `bounce lookup` shows per address, newest first. */
const LOOKUP_EVENTS = 10;

type Action = (globals: GlobalOptions, ...args: never[]) => Promise<number>;

/** Runs a command body with the global options and turns its result into the process exit code. */
function run(action: Action) {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    process.exitCode = await action(
      command.optsWithGlobals<GlobalOptions>(),
      ...(args.slice(0, -1) as never[]),
    );
  };
}

const print = (options: GlobalOptions, value: unknown, text: () => string) =>
  console.log(options.json ? JSON.stringify(value) : text());

export function buildProgram(): Command {
  const program = new Command('bounce')
    .description('SES bounce handler: classify bounces, keep the suppression table, answer "may I send?"')
    .option('--data-dir <dir>', 'embedded store directory', DEFAULT_DATA_DIR)
    .option('--endpoint <url>', 'DynamoDB endpoint (DynamoDB Local, dynalite, …); needs --table')
    .option('--table <name>', 'table name (with --endpoint, or alone for AWS)')
    .option(
      '--region <region>',
      'AWS region (default: the AWS environment, as the SDK resolves it); with --endpoint too, as DynamoDB Local keeps one database per access key and region',
    )
    .option('--now <iso>', 'the clock for everything time-dependent (ISO-8601)')
    .option('--json', 'machine-readable output')
    .option('--policy <file>', 'policy overrides as JSON (decisions, escalation, retention; see README)')
    .version(packageVersion(), '-V, --version', 'print the package version')
    // Every command's --help lists the global options too (they are accepted after the command).
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError()
    .exitOverride();

  program
    .command('init')
    .description('create the table on the store the options point at (the CDK stack owns it in AWS)')
    .action(
      run(async (options) => {
        const { openStore } = await import('./context');
        const context = await openStore(options, { create: true });
        await context.close();
        print(options, { table: context.tableName, where: context.where }, () => `ready: ${context.where}`);
        return 0;
      }),
    );

  program
    .command('replay')
    .description('run JSONL of SNS envelopes, SES notifications or SQS events through the real processor')
    .argument('[file]', 'JSONL file, - for stdin', '-')
    .action(
      run(async (options, file: string) => {
        const [{ withStore }, { createCliProcessor, replayFile }, { createProgress }] = await Promise.all([
          import('./context'),
          import('./processor'),
          import('./progress'),
        ]);
        return withStore(options, async (context) => {
          const progress = createProgress('replay');
          const summary = await replayFile(createCliProcessor(context), file, {
            onProgress: (done) => progress.update(done),
          });
          progress.stop();
          print(
            options,
            { records: summary.records, processed: summary.processed, failed: summary.failed },
            () =>
              [
                `${summary.records} records: ${summary.processed} processed (${summary.ignored} ignored), ${summary.failed.length} failed`,
                ...summary.failed.map((f) => `  line ${f.line}: ${f.error}`),
              ].join('\n'),
          );
          return summary.failed.length > 0 ? 1 : 0;
        });
      }),
    );

  program
    .command('invoke')
    .description('run one Lambda handler once with an event JSON file against the store')
    .argument('<function>', 'processor or hygiene')
    .requiredOption(
      '--event <file>',
      'event JSON (processor: an SQS event; hygiene: an EventBridge scheduled event)',
    )
    .action(
      run(async (options, fn: string, local: { event: string }) => {
        if (fn !== 'processor' && fn !== 'hygiene')
          throw new UsageError(`unknown function ${JSON.stringify(fn)}: expected "processor" or "hygiene"`);
        const [{ readFileSync }, { withStore }, { createCliProcessor }, { hygieneCommand }] =
          await Promise.all([
            import('node:fs'),
            import('./context'),
            import('./processor'),
            import('./commands/hygiene'),
          ]);
        let event: unknown;
        try {
          event = JSON.parse(readFileSync(local.event, 'utf8'));
        } catch (error) {
          throw new UsageError(`--event ${JSON.stringify(local.event)}: ${(error as Error).message}`);
        }
        // `invoke hygiene` reads like `bounce hygiene`; the processor writes and may start a store.
        return withStore(
          options,
          async (context) => {
            if (fn === 'hygiene') {
              // Like the Lambda: the schedule's time is the clock, unless --now overrides it.
              const time = (event as { time?: unknown }).time;
              const now =
                options.now === undefined && typeof time === 'string' ? new Date(time) : resolveNow(options);
              console.log(JSON.stringify(await hygieneCommand(context, now)));
              return 0;
            }
            const response = await createCliProcessor(context).handler(event as never);
            console.log(JSON.stringify(response));
            return response.batchItemFailures.length > 0 ? 1 : 0;
          },
          { readOnly: fn === 'hygiene' },
        );
      }),
    );

  program
    .command('hygiene')
    .description('run the scheduled hygiene job once: bounce and complaint rates and levels per identity')
    .action(
      run(async (options) => {
        const now = resolveNow(options);
        const [{ withStore }, { formatHygiene, hygieneCommand }] = await Promise.all([
          import('./context'),
          import('./commands/hygiene'),
        ]);
        return withStore(
          options,
          async (context) => {
            const report = await hygieneCommand(context, now);
            print(options, report, () => formatHygiene(report));
            return 0;
          },
          { readOnly: true },
        );
      }),
    );

  program
    .command('export')
    .description('every address in the store, sorted by address')
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'csv']).default('jsonl'))
    .option(
      '--tenant <name>',
      'the statuses as this SES tenant sees them (suppression scope "tenant"; see docs/tenants.md); without it, the account view',
    )
    .action(
      run(async (options, local: { format: 'jsonl' | 'csv'; tenant?: string }) => {
        const now = resolveNow(options);
        const [
          { withStore },
          { createOutput },
          { CSV_COLUMNS, csvLine, exportRows },
          { resolveTenantOption },
        ] = await Promise.all([
          import('./context'),
          import('./jsonl'),
          import('./views'),
          import('./tenant-option'),
        ]);
        const tenant = resolveTenantOption(local.tenant);
        return withStore(
          options,
          async (context) => {
            const output = createOutput();
            if (local.format === 'csv') output.line(CSV_COLUMNS.join(','));
            for (const row of await exportRows(context.store, now, tenant)) {
              if (output.line(local.format === 'csv' ? csvLine(row) : JSON.stringify(row)))
                await output.flush();
            }
            await output.flush();
            return 0;
          },
          { readOnly: true },
        );
      }),
    );

  program
    .command('lookup')
    .description('status, reason, until and the last events of each address')
    .argument('<address...>')
    .option(
      '--tenant <name>',
      'the status as this SES tenant sees it (suppression scope "tenant"; see docs/tenants.md); without it, the account view',
    )
    .action(
      run(async (options, addresses: string[], local: { tenant?: string }) => {
        const now = resolveNow(options);
        const [
          { openStore },
          { hashAddress, normalizeAddress },
          { describeAuditEntry, describeUnreadable, exportRow },
          { DynamoDbUnreadableRecipients },
          { resolveTenantOption },
        ] = await Promise.all([
          import('./context'),
          import('../shared/core/address'),
          import('./views'),
          import('../shared/adapters/dynamodb/unreadable'),
          import('./tenant-option'),
        ]);
        const tenant = resolveTenantOption(local.tenant);
        const context = await openStore(options, { readOnly: true });
        const unreadable = new DynamoDbUnreadableRecipients(
          context.connection.documentClient,
          context.tableName,
        );
        let failed = 0;
        try {
          for (const input of addresses) {
            let address: string;
            try {
              address = normalizeAddress(input);
            } catch (error) {
              // Not an address, but SES may have sent it as a recipient: the processor kept such
              // recipients by the hash of their text, which this text hashes to as well.
              const hash = hashAddress(input);
              const kept = await unreadable.find(hash);
              if (kept.length > 0) {
                print(options, { input, unreadable: hash, events: kept }, () =>
                  [
                    `${input}: unreadable recipient #${hash}, kept ${kept.length} time(s); its co-recipients were applied`,
                    ...kept.map((entry) => `  ${describeUnreadable(entry)}`),
                  ].join('\n'),
                );
                continue;
              }
              failed++;
              print(
                options,
                { input, error: (error as Error).message },
                () => `${input}: ${(error as Error).message}`,
              );
              continue;
            }
            const record = await context.store.get(address);
            const row = record ? exportRow(record, now, tenant) : { emailAddress: address, status: 'clear' };
            const events = await context.store.auditTrail(address, LOOKUP_EVENTS);
            const forTenant = tenant === undefined ? {} : { tenant };
            print(options, { ...row, ...forTenant, events }, () =>
              [
                `${address}${tenant === undefined ? '' : ` for tenant ${tenant}`}: ${row.status}${row.reason ? ` (${row.reason})` : ''}${row.until ? ` until ${row.until}` : ''}${row.source ? ` via ${row.source}` : ''}`,
                ...(events.length === 0
                  ? ['  no events']
                  : events.map((entry) => `  ${describeAuditEntry(entry)}`)),
              ].join('\n'),
            );
          }
          return failed > 0 ? 1 : 0;
        } finally {
          await context.close();
        }
      }),
    );

  for (const action of ['suppress', 'unsuppress'] as const) {
    const command = program
      .command(action)
      .description(
        action === 'suppress'
          ? 'suppress an address by hand (an event like any other, ordered by time with the bounces)'
          : 'lift a suppression by hand; bounces older than this never bring it back',
      )
      .argument('<address>')
      .requiredOption('--reason <text>', 'why, for the audit trail')
      .option(
        '--tenant <name>',
        action === 'suppress'
          ? 'for this SES tenant only (its senders are refused; others may send)'
          : "lift this SES tenant's suppression only; without it, the account-wide one (tenants' stay)",
      );
    if (action === 'suppress') command.option('--until <iso>', 'suppress only until this time (ISO-8601)');
    command.action(
      run(async (options, input: string, local: { reason: string; until?: string; tenant?: string }) => {
        const now = resolveNow(options);
        const [
          { randomUUID },
          { withStore },
          { normalizeAddress },
          { resolveTenantOption },
          { tenantState },
        ] = await Promise.all([
          import('node:crypto'),
          import('./context'),
          import('../shared/core/address'),
          import('./tenant-option'),
          import('../shared/core/state'),
        ]);
        const tenant = resolveTenantOption(local.tenant);
        let address: string;
        try {
          address = normalizeAddress(input);
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
        const manual = manualEvent(randomUUID(), action, local.reason, now, local.until);
        const event = tenant === undefined ? manual : { ...manual, tenant };
        return withStore(options, async (context) => {
          const result = await context.store.applyEvents(address, [event]);
          print(options, { emailAddress: address, before: result.before, after: result.after }, () =>
            tenant === undefined
              ? `${address}: ${result.before.status} → ${result.after.status}`
              : `${address} for tenant ${tenant}: ${tenantState(result.before, tenant, now).status} → ${tenantState(result.after, tenant, now).status}`,
          );
          return 0;
        });
      }),
    );
  }

  program
    .command('import')
    .description(
      'suppress every address of a CSV, JSONL or `aws sesv2 list-suppressed-destinations` JSON file',
    )
    .argument('<file>', 'the file, - for stdin')
    .option('--tenant <name>', 'suppress every address for this SES tenant only (see docs/tenants.md)')
    .action(
      run(async (options, file: string, local: { tenant?: string }) => {
        const now = resolveNow(options);
        const [{ withStore }, { formatImport, importFile }, { createProgress }, { resolveTenantOption }] =
          await Promise.all([
            import('./context'),
            import('./commands/import'),
            import('./progress'),
            import('./tenant-option'),
          ]);
        const tenant = resolveTenantOption(local.tenant);
        return withStore(options, async (context) => {
          const progress = createProgress('import');
          const summary = await importFile(context.store, file, now, {
            onProgress: (done, total) => progress.update(done, total),
            ...(tenant === undefined ? {} : { tenant }),
          });
          progress.stop();
          print(options, summary, () => formatImport(summary));
          return summary.failed.length > 0 ? 1 : 0;
        });
      }),
    );

  program
    .command('forget')
    .description('erasure: delete the state and every audit item of an address, keep only a hashed record')
    .argument('<address>')
    .requiredOption('--reason <text>', 'why (e.g. the erasure request), kept with the hash')
    .action(
      run(async (options, input: string, local: { reason: string }) => {
        const now = resolveNow(options);
        const [{ withStore }, { forgetAddress, formatForget }] = await Promise.all([
          import('./context'),
          import('./commands/forget'),
        ]);
        return withStore(options, async (context) => {
          const summary = await forgetAddress(context.store, input, local.reason, now);
          print(options, summary, () => formatForget(summary));
          return 0;
        });
      }),
    );

  program
    .command('classify')
    .description('classify bounced recipients: JSONL in, JSONL out, no store needed')
    .argument('[file]', 'JSONL file, - for stdin', '-')
    .option('--explain', 'add "matched": every rule that matched, best first (the first one decided)')
    .action(
      run(async (options, file: string) => {
        const explain = (options as { explain?: boolean }).explain === true;
        const [{ runClassify }, { resolvePolicyOption }] = await Promise.all([
          import('./commands/classify'),
          import('./policy-option'),
        ]);
        const { failed } = await runClassify(file, resolvePolicyOption(options).decisions, { explain });
        return failed > 0 ? 1 : 0;
      }),
    );

  program
    .command('demo')
    .description('a fresh embedded store, the bundled samples replayed, and a report (what `npm start` runs)')
    .action(
      run(async (options) => {
        const [
          { readdirSync, rmSync },
          { openStore },
          { createCliProcessor, replayLines },
          { buildReport, formatReport },
          { formatHygiene, hygieneCommand },
        ] = await Promise.all([
          import('node:fs'),
          import('./context'),
          import('./processor'),
          import('./report'),
          import('./commands/hygiene'),
        ]);
        const dataDir = join(options.dataDir, 'demo');
        rmSync(dataDir, { recursive: true, force: true });
        const context = await openStore({ ...options, dataDir });
        try {
          const samples = readdirSync(SAMPLES_DIR)
            .filter((name) => name.endsWith('.json'))
            .sort();
          const summary = await replayLines(createCliProcessor(context), samplesAsSnsMessages(samples));
          const records = [];
          for await (const record of context.store.scan()) records.push(record);
          // The samples are dated: unless --now says otherwise, look at them from just after the newest one.
          const newest = records
            .flatMap((r) => r.events.map((e) => e.at))
            .sort()
            .at(-1);
          const now =
            options.now !== undefined || !newest
              ? resolveNow(options)
              : new Date(Date.parse(newest) + 60_000);
          const report = {
            ...buildReport(records, summary, now),
            hygiene: await hygieneCommand(context, now),
            reportHtml: await writeDemoReport(context, join(dataDir, 'report.html'), now),
          };
          print(options, report, () =>
            [
              formatReport(report),
              '',
              'Sending reputation (what the hourly hygiene job reports; tiny sample volumes read as low-volume):',
              formatHygiene(report.hygiene),
              '',
              `Explore: npx bounce lookup <address> --data-dir ${dataDir}   ·   npx bounce export --data-dir ${dataDir}`,
              `Charts: ${report.reportHtml} (open it in a browser; it loads nothing from the network)`,
            ].join('\n'),
          );
          return summary.failed.length > 0 ? 1 : 0;
        } finally {
          await context.close();
        }
      }),
    );

  registerInsightCommands(program);
  return program;
}

/** Each bundled sample as SNS would deliver it: SES notifications get an envelope, envelopes stay. */
async function* samplesAsSnsMessages(names: string[]) {
  const { readFileSync } = await import('node:fs');
  for (const [index, name] of names.entries()) {
    const document = JSON.parse(readFileSync(join(SAMPLES_DIR, name), 'utf8')) as Record<string, unknown>;
    const envelope =
      typeof document.Type === 'string'
        ? document
        : {
            Type: 'Notification',
            MessageId: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
            TopicArn: 'arn:aws:sns:eu-west-1:123456789012:ses-notifications',
            Message: JSON.stringify(document),
            Timestamp: '2026-11-21T12:00:00.000Z',
          };
    yield { line: index + 1, text: JSON.stringify(envelope) };
  }
}

function manualEvent(
  uuid: string,
  action: 'suppress' | 'unsuppress',
  reason: string,
  now: Date,
  until: string | undefined,
): ManualEvent {
  if (reason.trim() === '') throw new UsageError('--reason must say why');
  // The reason goes onto the address's state item (400 KB at most, shared with its events).
  if (reason.length > TEXT_BOUNDS.manualReason)
    throw new UsageError(`--reason: ${reason.length} characters, at most ${TEXT_BOUNDS.manualReason}`);
  const base: ManualEvent = {
    type: 'manual',
    id: `manual:${uuid}`,
    at: now.toISOString(),
    action,
    source: 'manual',
    reason,
  };
  if (until === undefined) return base;
  const end = new Date(until);
  if (Number.isNaN(end.getTime()))
    throw new UsageError(`--until: not an ISO-8601 time: ${JSON.stringify(until)}`);
  if (end <= now)
    throw new UsageError(`--until ${JSON.stringify(until)} is not after now (${now.toISOString()})`);
  return { ...base, until: end.toISOString() };
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
    } else if (error instanceof UsageError) {
      console.error(`bounce: ${error.message}`);
      process.exitCode = 2;
    } else {
      console.error(`bounce: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  }
}
