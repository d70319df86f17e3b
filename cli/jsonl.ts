import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Streams a file (or stdin for `-`/undefined) line by line, numbering from 1; never reads it whole. */
export async function* readLines(file: string | undefined): AsyncGenerator<{ line: number; text: string }> {
  const input =
    file === undefined || file === '-' ? process.stdin : createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of lines) {
    line++;
    yield { line, text };
  }
}

/** Buffered stdout writer that respects backpressure, so large outputs stream at full speed. */
export function createOutput(stream: NodeJS.WritableStream = process.stdout) {
  let buffer = '';
  const flush = async () => {
    if (buffer === '') return;
    const chunk = buffer;
    buffer = '';
    if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', resolve));
  };
  return {
    async line(text: string) {
      buffer += `${text}\n`;
      if (buffer.length >= 64 * 1024) await flush();
    },
    flush,
  };
}
