import { Presets, SingleBar } from 'cli-progress';

/** How a long run reports itself: a live bar on a terminal, a line now and then anywhere else. */
export interface Progress {
  /** `done` items so far (of `total`, when known). */
  update(done: number, total?: number): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Items expected, when known (import: the file's addresses; replay streams and knows none). */
  total?: number;
  stream?: NodeJS.WriteStream;
  /** A live bar: a terminal that is not CI. @default stderr is a TTY and CI is not set */
  tty?: boolean;
  /** Off a terminal, a line at least every this many ms. @default 10_000 */
  everyMs?: number;
  /** The clock, for tests. */
  clock?: () => number;
}

/** Off a terminal, a line every tenth of the total, never more often than every this many items. */
const MIN_LINE_STEP = 250;
/** Without a total (a stream), a line every this many items. */
const STREAM_LINE_STEP = 1_000;

const seconds = (ms: number) =>
  ms >= 3_600_000
    ? `${Math.floor(ms / 3_600_000)}h${Math.round((ms % 3_600_000) / 60_000)}m`
    : ms >= 60_000
      ? `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1_000)}s`
      : `${Math.round(ms / 1_000)}s`;

/**
 * Progress of `label` (`import`, `replay`): on a terminal, cli-progress's bar with the total, rate
 * and ETA (a count and rate for a stream); off one (CI, a log file), a plain line every tenth of
 * the total (or every 1,000 items of a stream) or every 10 seconds, whichever comes first, so a
 * long run in a pipeline shows it is alive. Short runs print no line.
 */
export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? (Boolean(stream.isTTY) && !process.env.CI);
  const clock = options.clock ?? Date.now;
  const started = clock();
  let total = options.total;
  const rateOf = (done: number) => done / Math.max((clock() - started) / 1_000, 0.001);

  if (tty) {
    // Made on the first update, when it is known whether there is a total to show.
    let bar: SingleBar | undefined;
    return {
      update(done, newTotal) {
        if (newTotal !== undefined) total = newTotal;
        if (!bar) {
          bar = new SingleBar(
            {
              stream,
              format:
                total !== undefined
                  ? `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`
                  : `${label}: {value} records | {rate}/s`,
              hideCursor: true,
              etaBuffer: 50,
            },
            Presets.shades_classic,
          );
          bar.start(total ?? 0, 0, { rate: '0' });
        } else if (total !== undefined && total !== bar.getTotal()) bar.setTotal(total);
        bar.update(done, { rate: rateOf(done).toFixed(0) });
      },
      stop: () => bar?.stop(),
    };
  }

  const everyMs = options.everyMs ?? 10_000;
  let lastDone = 0;
  let lastAt = started;
  let latest = 0;
  const line = (done: number) => {
    lastDone = done;
    lastAt = clock();
    const rate = rateOf(done);
    stream.write(
      total === undefined
        ? `${label}: ${done} records, ${rate.toFixed(0)}/s\n`
        : `${label}: ${done}/${total} (${Math.floor((done / Math.max(total, 1)) * 100)} %), ${rate.toFixed(0)}/s, ETA ${seconds(((total - done) / Math.max(rate, 0.001)) * 1_000)}\n`,
    );
  };
  return {
    update(done, newTotal) {
      if (newTotal !== undefined) total = newTotal;
      latest = done;
      const step = total === undefined ? STREAM_LINE_STEP : Math.max(MIN_LINE_STEP, Math.ceil(total / 10));
      if (done - lastDone < step && clock() - lastAt < everyMs) return;
      if (total !== undefined && done >= total && lastDone === 0) return; // a short run: the summary says it
      line(done);
    },
    // A run that printed lines ends on the last count, so a log shows it finished.
    stop() {
      if (lastDone > 0 && latest > lastDone) line(latest);
    },
  };
}
