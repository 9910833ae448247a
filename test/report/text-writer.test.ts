import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { expect, it } from 'vitest';
import { textWriter } from '../../src/report/text-writer.js';

it('writes exactly what it was given through a stream that queues writes (reused buffer never changes queued bytes)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'drillbook-writer-'));
  try {
    const path = join(dir, 'out.txt');
    const stream = createWriteStream(path); // fs streams queue: every write is pending at first
    const write = textWriter(stream);
    const texts = Array.from({ length: 40 }, (_, i) => `  │ chunk ${i} ${String(i).repeat(20_000)}\n`);
    texts.push('short\n', `${'é'.repeat(100_000)}\n`, `${'x'.repeat(400_000)}\n`);
    for (const t of texts) write(t);
    stream.end();
    await finished(stream);
    expect(await readFile(path, 'utf8')).toBe(texts.join(''));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it('passes text straight through to a plain write() sink', () => {
  const got: string[] = [];
  const write = textWriter({ write: (t: string) => got.push(t) });
  write(`${'a'.repeat(10_000)}│`);
  expect(got).toEqual([`${'a'.repeat(10_000)}│`]);
});
