import { createInterface } from 'node:readline';
import { PassThrough, Readable, Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOutput, readLineBatches } from '../cli/jsonl';

async function viaBatches(chunks: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of readLineBatches(undefined, Readable.from(chunks, { objectMode: true })))
    out.push(...batch);
  return out;
}

async function viaReadline(chunks: string[]): Promise<string[]> {
  const out: string[] = [];
  const lines = createInterface({
    input: Readable.from(chunks, { objectMode: true }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) out.push(line);
  return out;
}

describe('readLineBatches', () => {
  it('splits lines exactly as readline (crlfDelay: Infinity) does, however the input is chunked', async () => {
    const text = fc
      .array(fc.constantFrom('a', 'é', '{"x":1}', '\n', '\r', '\r\n', ' '), { maxLength: 30 })
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.nat(), { maxLength: 6 }), async (content, cuts) => {
        // Cut the content into chunks at the given offsets (so "\r" and "\n" may land in different chunks).
        const offsets = [...new Set(cuts.map((c) => c % (content.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let at = 0;
        for (const o of offsets) {
          if (o > at) chunks.push(content.slice(at, o));
          at = Math.max(at, o);
        }
        if (at < content.length) chunks.push(content.slice(at));
        expect(await viaBatches(chunks)).toEqual(await viaReadline(chunks));
      }),
      { numRuns: 1000 },
    );
  });

  it('decodes UTF-8 whose characters are split across chunks (as stdin delivers them)', async () => {
    const bytes = Buffer.from('{"d":"bo\u00eete pleine"}\r\n{"d":"\u7528\u6237"}\n', 'utf8');
    const stdin = new PassThrough();
    // One byte a chunk, each handed over before the next is written (so the reader cannot join
    // them): every multi-byte character and the \r\n pair are cut.
    const writer = (async () => {
      for (const byte of bytes) {
        stdin.write(Buffer.from([byte]));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      stdin.end();
    })();
    const lines: string[] = [];
    for await (const batch of readLineBatches('-', stdin)) lines.push(...batch);
    await writer;
    expect(lines).toEqual(['{"d":"bo\u00eete pleine"}', '{"d":"\u7528\u6237"}']);
  });

  it('yields a last line without a line break, and nothing for an empty input', async () => {
    expect(await viaBatches(['one\ntwo'])).toEqual(['one', 'two']);
    expect(await viaBatches([])).toEqual([]);
    expect(await viaBatches(['\n'])).toEqual(['']);
  });
});

describe('createOutput', () => {
  it('buffers lines and asks for a flush once 64 KiB are waiting', async () => {
    const written: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written.push(chunk.toString('utf8'));
        done();
      },
    });
    const output = createOutput(stream);
    expect(output.line('short')).toBe(false);
    expect(written).toEqual([]);
    expect(output.line('x'.repeat(64 * 1024))).toBe(true);
    await output.flush();
    expect(written.join('')).toBe(`short\n${'x'.repeat(64 * 1024)}\n`);
  });
});
