import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Journal, runDirFor } from '../../src/engine/journal.js';
import { workspace } from '../support/cli.js';

const META = {
  runbook: 'rb.yaml',
  digest: 'x',
  vars: {},
  rollback: 'on-failure' as const,
  acceptNewHostKeys: false,
};
const KIB = 1024;

interface Line {
  type: string;
  text?: string;
  outputTail?: string;
  outputDropped?: number;
}

function journalLines(path: string): Line[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Line);
}

function stepEnd(stepId: string) {
  return {
    type: 'step-end' as const,
    time: 1,
    stepId,
    name: stepId,
    phase: 'main' as const,
    status: 'passed' as const,
    durationMs: 1,
    attempts: 1,
  };
}

describe('journal output bounds', () => {
  it('keeps output in order: once a chunk went to the tail, a small one after it does not jump ahead', () => {
    const ws = workspace();
    const journal = new Journal(runDirFor(ws.dir, 'run-1', 'drill'), META);
    const out = (text: string) =>
      journal.write({ type: 'output', time: 1, stepId: 'a', stream: 'stdout', text });
    out('h'.repeat(250 * KIB));
    out('T'.repeat(10 * KIB)); // does not fit the 256 KiB head: goes to the tail
    out('late\n'); // would fit the head, but comes after the tail chunk
    journal.write(stepEnd('a'));
    journal.close();
    const lines = journalLines(journal.path);
    const outputs = lines.filter((l) => l.type === 'output').map((l) => l.text);
    expect(outputs.join('')).toBe('h'.repeat(250 * KIB));
    const end = lines.find((l) => l.type === 'step-end')!;
    expect(end.outputTail).toBe(`${'T'.repeat(10 * KIB)}late\n`);
    expect(end.outputDropped).toBe(0);
  });

  it('keeps a bounded tail of one huge chunk and counts the rest as dropped', () => {
    const ws = workspace();
    const journal = new Journal(runDirFor(ws.dir, 'run-2', 'drill'), META);
    const huge = `${'x'.repeat(1024 * KIB)}END`;
    journal.write({ type: 'output', time: 1, stepId: 'a', stream: 'stdout', text: 'start\n' });
    journal.write({ type: 'output', time: 1, stepId: 'a', stream: 'stdout', text: huge });
    journal.write(stepEnd('a'));
    journal.close();
    const end = journalLines(journal.path).find((l) => l.type === 'step-end')!;
    const tail = end.outputTail ?? '';
    expect(tail.endsWith('END')).toBe(true);
    expect(tail.length).toBe(256 * KIB);
    expect((end.outputDropped ?? 0) + tail.length).toBe(huge.length);
  });
});
