import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { hashAddress, normalizeAddress } from '../../shared/core/address';
import { TEXT_BOUNDS } from '../../shared/core/bounds';
import type { ManualEvent } from '../../shared/core/events';
import type { SuppressionStore } from '../../shared/ports';
import { UsageError } from '../context';

/** One suppression to import, from one row of the file. */
export interface ImportRow {
  /** Where it is in the file: the line (CSV, JSONL) or the entry's line (SES JSON). */
  line: number;
  address: string;
  reason: string;
  until?: string;
  /** When the suppression began, if the file says (SES's `LastUpdateTime`): the address's `since`. */
  at?: string;
}

export interface ImportProblem {
  line: number;
  error: string;
}

export interface ParsedImport {
  format: 'csv' | 'jsonl' | 'ses-json';
  rows: ImportRow[];
  failed: ImportProblem[];
  /** Rows that say an address is not suppressed (an export's `clear` / `watch` rows): nothing to import. */
  skipped: number;
}

export interface ImportSummary {
  format: ParsedImport['format'];
  /** Data rows read. */
  rows: number;
  /** Addresses whose import event was new and landed. */
  landed: number;
  /** Addresses already carrying this very import event (the same file imported before): nothing written. */
  unchanged: number;
  /** Rows that were not suppressions (export `clear`/`watch` rows). */
  skipped: number;
  /** Rows that did not land, with their line and why. */
  failed: ImportProblem[];
}

const DEFAULT_REASON = 'imported';
const ADDRESS_COLUMNS = ['email', 'emailaddress', 'email_address', 'address'];
/** SES reasons as our reasons: the vocabulary the processor uses for SES's own list (`suppressed`) and complaints. */
const SES_REASONS = { BOUNCE: 'suppressed', COMPLAINT: 'feedback' } as const;

const jsonlRow = z.object(
  {
    emailAddress: z.string({ error: 'emailAddress: expected a string' }),
    reason: z.string({ error: 'reason: expected a string' }).optional(),
    until: z.string({ error: 'until: expected an ISO-8601 string' }).optional(),
    status: z.string().optional(),
  },
  { error: 'expected an object {"emailAddress", "reason"?, "until"?}' },
);

const sesDocument = z.object({
  SuppressedDestinationSummaries: z.array(z.unknown()),
  NextToken: z.string().optional(),
});
const sesEntry = z.object({
  EmailAddress: z.string({ error: 'EmailAddress: expected a string' }),
  Reason: z.enum(['BOUNCE', 'COMPLAINT'], { error: 'Reason: expected "BOUNCE" or "COMPLAINT"' }),
  LastUpdateTime: z.union([z.string(), z.number()]).optional(),
});

/**
 * Reads an import file: the SES CLI's `list-suppressed-destinations` JSON (one JSON document with
 * `SuppressedDestinationSummaries`), JSONL (first non-blank line starts with `{`), or CSV with a header.
 */
export function parseImport(text: string, now: Date): ParsedImport {
  const body = text.replace(/^\uFEFF/, '');
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{')) {
    let document: unknown;
    try {
      document = JSON.parse(body);
    } catch {
      document = undefined; // not one document: JSONL
    }
    const ses = sesDocument.safeParse(document);
    if (ses.success) return parseSes(body, ses.data.SuppressedDestinationSummaries, now);
    if (typeof document === 'object' && document !== null && 'SuppressedDestinationSummaries' in document) {
      throw new UsageError(
        `not the JSON of \`aws sesv2 list-suppressed-destinations\`: ${ses.error.issues[0]?.message ?? 'bad shape'}`,
      );
    }
    return parseJsonl(body, now);
  }
  return parseCsv(body, now);
}

/** Validates one row's fields into an ImportRow, or says what is wrong with it. */
function toRow(
  line: number,
  fields: { address: string; reason?: string | undefined; until?: string | undefined },
  now: Date,
): ImportRow | ImportProblem {
  let address: string;
  try {
    address = normalizeAddress(fields.address);
  } catch (error) {
    return { line, error: (error as Error).message };
  }
  const reason = fields.reason?.trim() || DEFAULT_REASON;
  // The reason goes onto the address's state item (400 KB at most, shared with its events).
  if (reason.length > TEXT_BOUNDS.manualReason)
    return { line, error: `reason: ${reason.length} characters, at most ${TEXT_BOUNDS.manualReason}` };
  const row: ImportRow = { line, address, reason };
  const untilText = fields.until?.trim();
  if (untilText) {
    const until = new Date(untilText);
    if (Number.isNaN(until.getTime()))
      return { line, error: `until: not an ISO-8601 time: ${JSON.stringify(untilText)}` };
    if (until <= now)
      return { line, error: `until ${JSON.stringify(untilText)} is not after now (${now.toISOString()})` };
    row.until = until.toISOString();
  }
  return row;
}

/** `clear` and `watch` rows of an export are not suppressions. */
const notSuppressed = (status: string | undefined) =>
  status !== undefined && status !== '' && status !== 'suppressed' && status !== 'suppressed-until';

function collect(format: ParsedImport['format']): ParsedImport & {
  add(result: ImportRow | ImportProblem): void;
} {
  const parsed: ParsedImport = { format, rows: [], failed: [], skipped: 0 };
  return {
    ...parsed,
    add(result) {
      if ('error' in result) this.failed.push(result);
      else this.rows.push(result);
    },
  };
}

function parseJsonl(body: string, now: Date): ParsedImport {
  const result = collect('jsonl');
  body.split(/\r?\n/).forEach((text, index) => {
    const line = index + 1;
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      result.add({ line, error: `not JSON: ${(error as Error).message}` });
      return;
    }
    const parsed = jsonlRow.safeParse(value);
    if (!parsed.success) {
      result.add({ line, error: parsed.error.issues.map((issue) => issue.message).join('; ') });
      return;
    }
    if (notSuppressed(parsed.data.status)) {
      result.skipped++;
      return;
    }
    result.add(toRow(line, { ...parsed.data, address: parsed.data.emailAddress }, now));
  });
  return finish(result);
}

function parseSes(body: string, entries: readonly unknown[], now: Date): ParsedImport {
  const result = collect('ses-json');
  // The CLI pretty-prints one entry per object: number them by the line of their "EmailAddress".
  const entryLines: number[] = [];
  body.split(/\r?\n/).forEach((text, index) => {
    if (text.includes('"EmailAddress"')) entryLines.push(index + 1);
  });
  entries.forEach((entry, index) => {
    const line = entryLines.length === entries.length ? (entryLines[index] as number) : index + 1;
    const parsed = sesEntry.safeParse(entry);
    if (!parsed.success) {
      result.add({
        line,
        error: `entry ${index + 1}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`,
      });
      return;
    }
    const row = toRow(
      line,
      { address: parsed.data.EmailAddress, reason: SES_REASONS[parsed.data.Reason] },
      now,
    );
    const at = sesTime(parsed.data.LastUpdateTime, now);
    if ('error' in row || at === undefined) result.add(row);
    else if ('error' in at) result.add({ line, error: `entry ${index + 1}: ${at.error}` });
    else result.add({ ...row, at: at.at });
  });
  return finish(result);
}

/**
 * SES's `LastUpdateTime` (when SES put the address on its list) as an ISO time: the AWS CLI prints
 * it as ISO-8601, or as epoch seconds with `cli_timestamp_format = none`. A time after the import's
 * own clock is refused (it would order the suppression after events that have not happened).
 */
function sesTime(
  value: string | number | undefined,
  now: Date,
): { at: string } | { error: string } | undefined {
  if (value === undefined) return undefined;
  const time = typeof value === 'number' ? new Date(value * 1_000) : new Date(value);
  if (Number.isNaN(time.getTime()))
    return { error: `LastUpdateTime: not a time: ${JSON.stringify(String(value).slice(0, 60))}` };
  if (time > now)
    return { error: `LastUpdateTime ${JSON.stringify(value)} is after now (${now.toISOString()})` };
  return { at: time.toISOString() };
}

function finish(result: ReturnType<typeof collect>): ParsedImport {
  return { format: result.format, rows: result.rows, failed: result.failed, skipped: result.skipped };
}

/** RFC 4180 records with the line each starts on (quoted fields may span lines; `""` is a quote). */
export function* csvRecords(body: string): Generator<{ line: number; fields: string[] }> {
  let line = 1;
  let start = 1;
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let any = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (quoted) {
      if (c === '"') {
        if (body[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      any = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      any = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      fields.push(field);
      if (any || field !== '') yield { line: start, fields };
      line++;
      start = line;
      field = '';
      fields = [];
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || field !== '') {
    fields.push(field);
    yield { line: start, fields };
  }
}

/** Undoes the export's spreadsheet-formula defusing (`'=…` → `=…`). */
const undefuse = (cell: string | undefined) =>
  cell !== undefined && /^'[=+\-@]/.test(cell) ? cell.slice(1) : cell;

function parseCsv(body: string, now: Date): ParsedImport {
  const result = collect('csv');
  const records = csvRecords(body);
  const header = records.next();
  if (header.done) throw new UsageError('empty file: expected a CSV header, JSONL or SES JSON');
  const columns = header.value.fields.map((name) => name.trim().toLowerCase());
  const addressColumn = columns.findIndex((name) => ADDRESS_COLUMNS.includes(name));
  if (addressColumn === -1) {
    throw new UsageError(
      `CSV header (line ${header.value.line}) has no address column: expected one named email, emailAddress, email_address or address; got ${JSON.stringify(header.value.fields.join(','))}`,
    );
  }
  const reasonColumn = columns.indexOf('reason');
  const untilColumn = columns.indexOf('until');
  const statusColumn = columns.indexOf('status');
  for (const { line, fields } of records) {
    if (fields.length !== columns.length) {
      result.add({ line, error: `expected ${columns.length} columns, got ${fields.length}` });
      continue;
    }
    if (statusColumn !== -1 && notSuppressed(fields[statusColumn]?.trim())) {
      result.skipped++;
      continue;
    }
    result.add(
      toRow(
        line,
        {
          address: fields[addressColumn] as string,
          reason: reasonColumn === -1 ? undefined : undefuse(fields[reasonColumn]),
          until: untilColumn === -1 ? undefined : fields[untilColumn],
        },
        now,
      ),
    );
  }
  return finish(result);
}

/**
 * The import event of one row. Its id is a hash of the row's content (address, reason, until), so
 * importing the same file again adds nothing; `at` is when the file says the suppression began
 * (SES's `LastUpdateTime`), else the import's time (`--now`).
 */
export function importEvent(row: ImportRow, now: Date, tenant?: string): ManualEvent {
  // The tenant joins the hash only when named: ids of account-wide imports stay what they were.
  const content = [row.address, row.reason, row.until ?? null, ...(tenant === undefined ? [] : [tenant])];
  const digest = createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 32);
  const event: ManualEvent = {
    type: 'manual',
    id: `import:${digest}`,
    at: row.at ?? now.toISOString(),
    action: 'suppress',
    source: 'import',
    reason: row.reason,
  };
  const scoped = tenant === undefined ? event : { ...event, tenant };
  return row.until === undefined ? scoped : { ...scoped, until: row.until };
}

/** Addresses written at once; each is one read and two writes, so a few in flight keep the engine busy. */
const CONCURRENCY = 16;

/** `bounce import FILE`: every good row lands as an `import` event, bad rows are reported by line. */
export async function importFile(
  store: SuppressionStore,
  file: string,
  now: Date,
  {
    onProgress,
    tenant,
  }: {
    onProgress?: (done: number, total: number) => void;
    /** Suppress every row for this SES tenant only (`--tenant`). */
    tenant?: string;
  } = {},
): Promise<ImportSummary> {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new UsageError(`${JSON.stringify(file)}: ${(error as Error).message}`);
  }
  const parsed = parseImport(text, now);
  // One applyEvents per address, with every row of that address: duplicates in the file cost nothing.
  const byAddress = new Map<string, ImportRow[]>();
  for (const row of parsed.rows) {
    const rows = byAddress.get(row.address);
    if (rows) rows.push(row);
    else byAddress.set(row.address, [row]);
  }
  const summary: ImportSummary = {
    format: parsed.format,
    rows: parsed.rows.length + parsed.failed.length + parsed.skipped,
    landed: 0,
    unchanged: 0,
    skipped: parsed.skipped,
    failed: [...parsed.failed],
  };
  const work = [...byAddress.entries()];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < work.length) {
      const [address, rows] = work[next++] as [string, ImportRow[]];
      try {
        const result = await store.applyEvents(
          address,
          rows.map((row) => importEvent(row, now, tenant)),
        );
        if (result.added > 0) summary.landed++;
        else summary.unchanged++;
      } catch (error) {
        // The error may quote the address; the operator's own file has it at these lines anyway.
        const message = `not written (address ${hashAddress(address)}): ${(error as Error).message}`;
        for (const row of rows) summary.failed.push({ line: row.line, error: message });
      }
      onProgress?.(++done, work.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, work.length) }, worker));
  summary.failed.sort((a, b) => a.line - b.line);
  return summary;
}

/** The summary for a terminal: what landed and what did not, each bad row by line. */
export function formatImport(summary: ImportSummary): string {
  return [
    `${summary.rows} rows (${summary.format}): ${summary.landed} addresses suppressed, ${summary.unchanged} already imported, ${summary.skipped} skipped (not suppressions), ${summary.failed.length} failed`,
    ...summary.failed.map((problem) => `  line ${problem.line}: ${problem.error}`),
  ].join('\n');
}
