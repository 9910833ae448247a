import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { expect, it } from 'vitest';
import { type ConsoleWriter, consoleWriter, prefixLines } from '../../src/report/text-writer.js';

/** Writes through an fs stream, which queues: every write is pending at first. */
async function throughQueuedStream(use: (writer: ConsoleWriter) => void): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'drillbook-writer-'));
  try {
    const path = join(dir, 'out.txt');
    const stream = createWriteStream(path);
    use(consoleWriter(stream));
    stream.end();
    await finished(stream);
    return await readFile(path, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

it('writes exactly what it was given through a stream that queues writes (reused buffer never changes queued bytes)', async () => {
  const texts = Array.from({ length: 40 }, (_, i) => `  │ chunk ${i} ${String(i).repeat(20_000)}\n`);
  texts.push('short\n', `${'é'.repeat(100_000)}\n`, `${'x'.repeat(400_000)}\n`);
  expect(
    await throughQueuedStream((w) => {
      for (const t of texts) w.text(t);
    }),
  ).toBe(texts.join(''));
});

it('prefixes every line, ASCII or not, with the same bytes as the plain string path', async () => {
  const asciiLines = `${'a'.repeat(100)}\n`.repeat(700);
  const chunks: [string, string][] = [
    ['  │ ', asciiLines],
    ['  │ [blue] ', asciiLines],
    ['  │ ', `${'é'.repeat(100)}\n`.repeat(100)],
    ['[step] ', asciiLines],
    ['  │ ', 'one short line\n'],
    ['  │ ', `${'b'.repeat(300_000)}\n`.repeat(4)],
  ];
  const expected = chunks.map(([p, l]) => prefixLines(p, l)).join('');
  expect(expected.startsWith(`  │ ${'a'.repeat(100)}\n  │ a`)).toBe(true);
  expect(
    await throughQueuedStream((w) => {
      for (const [p, l] of chunks) w.lines(p, l);
    }),
  ).toBe(expected);
});

it('passes text straight through to a plain write() sink', () => {
  const got: string[] = [];
  const writer = consoleWriter({ write: (t: string) => got.push(t) });
  writer.text(`${'a'.repeat(10_000)}│`);
  writer.lines('> ', 'x\ny\n');
  expect(got).toEqual([`${'a'.repeat(10_000)}│`, '> x\n> y\n']);
});
