import type { Command } from 'commander';
import type { StoreContext } from '../context';
import { type GlobalOptions, resolveNow, UsageError } from '../options';

/**
 * `bounce simulate` and `bounce report`: read-only views of the table's history. Registered from
 * one line in main.ts; the command bodies (and the charting library) load only when they run.
 */
export function registerInsightCommands(program: Command): void {
  program
    .command('simulate')
    .description(
      'replay the stored audit history under another policy (--policy FILE, the JSON of BOUNCE_POLICY), write nothing, and tell which addresses would change status',
    )
    .option('--baseline <file>', 'the policy the processor runs with (default: the built-in defaults)')
    .option('--from <iso>', 'the new decisions apply to bounces from this time on (default: every bounce)')
    .option('--to <iso>', 'read the statuses at this time, leaving out later events (default: --now)')
    .option('--html <file>', 'also write the HTML report of the window with a before/after section')
    .action(async (_local: SimulateOptions, command: Command) => {
      process.exitCode = await simulateAction(command.optsWithGlobals<GlobalOptions & SimulateOptions>());
    });

  program
    .command('report')
    .description('a self-contained HTML report with charts of the window (default: the last 7 days)')
    .requiredOption('--html <file>', 'where to write the report')
    .option('--from <iso>', 'window start (default: --to minus 7 days)')
    .option('--to <iso>', 'window end (default: the end of the current hour, like `bounce hygiene`)')
    .action(async (_local: ReportOptions, command: Command) => {
      process.exitCode = await reportAction(command.optsWithGlobals<GlobalOptions & ReportOptions>());
    });
}

interface SimulateOptions {
  baseline?: string;
  from?: string;
  to?: string;
  html?: string;
}

interface ReportOptions {
  html: string;
  from?: string;
  to?: string;
}

async function simulateAction(options: GlobalOptions & SimulateOptions): Promise<number> {
  const simulate = await import('./simulate');
  if (options.policy === undefined)
    throw new UsageError('simulate needs --policy FILE: the policy to try (JSON, as in BOUNCE_POLICY)');
  const candidate = simulate.readPolicyFile(options.policy, '--policy');
  const baseline = options.baseline ? simulate.readPolicyFile(options.baseline, '--baseline') : undefined;
  const now = resolveNow(options);
  const to = simulate.parseTimeOption(options.to, '--to') ?? now;
  const from = simulate.parseTimeOption(options.from, '--from');
  if (from !== undefined && !(from < to))
    throw new UsageError(`--from ${JSON.stringify(options.from)} is not before --to (${to.toISOString()})`);
  // The store is only read here; it is opened with the baseline policy, never the candidate.
  const { policy: _candidate, ...rest } = options;
  const storeOptions: GlobalOptions =
    options.baseline !== undefined ? { ...rest, policy: options.baseline } : rest;
  const { withStore } = await import('../context');
  return withStore(
    storeOptions,
    async (context) => {
      const { readHistories } = await import('../../shared/adapters/dynamodb/history');
      const histories = await readHistories(context.connection.documentClient, context.tableName);
      const result = await simulate.simulateCommand(
        context,
        {
          candidate,
          ...(baseline ? { baseline } : {}),
          window: { ...(from ? { from: from.toISOString() } : {}), to: to.toISOString() },
          nowIsTo: options.to === undefined,
        },
        histories,
      );
      if (options.html !== undefined) {
        const { writeHtmlReport, reportWindow } = await import('./report');
        const window = reportWindow(from, options.to === undefined ? undefined : to, now);
        await writeHtmlReport(context, options.html, window, { histories, simulation: result, now });
      }
      console.log(
        options.json ? JSON.stringify(simulate.simulationJson(result)) : simulate.formatSimulation(result),
      );
      if (options.html !== undefined && !options.json)
        console.log(`\nReport with the before/after section: ${options.html}`);
      return 0;
    },
    { readOnly: true },
  );
}

async function reportAction(options: GlobalOptions & ReportOptions): Promise<number> {
  const { writeHtmlReport, reportWindow } = await import('./report');
  const { parseTimeOption } = await import('./simulate');
  const now = resolveNow(options);
  const window = reportWindow(
    parseTimeOption(options.from, '--from'),
    parseTimeOption(options.to, '--to'),
    now,
  );
  const { withStore } = await import('../context');
  return withStore(
    options,
    async (context) => {
      const summary = await writeHtmlReport(context, options.html, window, { now });
      console.log(
        options.json
          ? JSON.stringify(summary)
          : `Report of ${window.from} → ${window.to} written to ${options.html} (${summary.charts} charts, ${summary.suppressed} suppressions listed)`,
      );
      return 0;
    },
    { readOnly: true },
  );
}

/** The demo's HTML report (the hygiene window at `now`), written to `file`; returns its path. */
export async function writeDemoReport(context: StoreContext, file: string, now: Date): Promise<string> {
  const { writeHtmlReport, reportWindow } = await import('./report');
  await writeHtmlReport(context, file, reportWindow(undefined, undefined, now), { now });
  return file;
}
