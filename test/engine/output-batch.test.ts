import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { OutputBatch } from '../../src/plugin/output-batch.js';
import { runInProcessGroup } from '../../src/plugin/process.js';

describe('OutputBatch', () => {
  it('hands on many small chunks as a few texts, losing nothing', () => {
    const texts: string[] = [];
    const batch = new OutputBatch((t) => texts.push(t));
    const line = `${'x'.repeat(99)}\n`;
    for (let i = 0; i < 2000; i++) batch.push(Buffer.from(line));
    batch.end();
    expect(texts.join('')).toBe(line.repeat(2000));
    // 200 kB in 100-byte chunks: a handful of 64 KiB batches, not 2,000 events.
    expect(texts.length).toBeLessThanOrEqual(4);
  });

  it('never splits a character cut between two chunks', () => {
    const texts: string[] = [];
    const batch = new OutputBatch((t) => texts.push(t));
    const bytes = Buffer.from('a€b'.repeat(30_000));
    // Cut every 64 KiB batch boundary and every chunk in the middle of a 3-byte '€'.
    for (let at = 0; at < bytes.length; at += 1000) batch.push(bytes.subarray(at, at + 1000));
    batch.end();
    expect(texts.join('')).toBe('a€b'.repeat(30_000));
    for (const t of texts) expect(t).not.toContain('\ufffd');
  });

  it('shows a slow trickle without waiting for the batch to fill', async () => {
    const texts: string[] = [];
    const batch = new OutputBatch((t) => texts.push(t));
    batch.push(Buffer.from('starting\n'));
    await sleep(100);
    expect(texts).toEqual(['starting\n']);
    batch.end();
  });
});

describe('runInProcessGroup output', () => {
  it('delivers a fast writer in batches and every byte before it resolves', async () => {
    const chunks: string[] = [];
    const result = await runInProcessGroup({
      // 400 writes of 1000 bytes each, as fast as the shell can.
      command: `i=0; while [ $i -lt 400 ]; do printf '%0999d\\n' $i; i=$((i+1)); done`,
      cwd: process.cwd(),
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
      signal: new AbortController().signal,
      onStdout: (t) => chunks.push(t),
      onStderr: () => {},
    });
    expect(result.code).toBe(0);
    const all = chunks.join('');
    expect(all.length).toBe(400_000);
    expect(all.endsWith(`${'0'.repeat(996)}399\n`)).toBe(true);
    expect(chunks.length).toBeLessThan(400);
  });
});
