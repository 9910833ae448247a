import { describe, expect, it } from 'vitest';
import { BoundedText } from '../../src/engine/bounded-text.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { RunReportBuilder } from '../../src/report/run-report.js';
import { EventScript, T0 } from '../support/events.js';

function reportOf(events: EngineEvent[]) {
  const builder = new RunReportBuilder();
  for (const e of events) builder.add(e);
  return builder.build();
}

describe('RunReportBuilder', () => {
  it('lists steps in the order they started, then plan steps that never ran with the run reason', () => {
    const s = new EventScript().runStart(['a', 'b', 'c', 'd']);
    s.step('b', { ms: 500 }).step('a', { status: 'failed', reason: 'exit 1', ms: 250 });
    s.runEnd('failed', 1, 'step a failed');
    const report = reportOf(s.events);
    expect(report).toMatchObject({
      runId: 'run-1',
      runbook: { name: 'demo', title: 'Demo drill' },
      startedAt: T0,
      endedAt: T0 + 750,
      durationMs: 750,
      status: 'failed',
      exitCode: 1,
      reason: 'step a failed',
      complete: true,
    });
    expect(report.steps.map((st) => [st.id, st.status, st.notRun, st.durationMs, st.reason])).toEqual([
      ['b', 'passed', false, 500, undefined],
      ['a', 'failed', false, 250, 'exit 1'],
      ['c', 'skipped', true, 0, 'not run: step a failed'],
      ['d', 'skipped', true, 0, 'not run: step a failed'],
    ]);
  });

  it('treats a bare skipped step-end (what the engine sends for steps it never started) as not run, listed last', () => {
    const s = new EventScript().runStart(['a', 'b', 'c', { id: 'restore', phase: 'finally' }]);
    s.step('a', { status: 'failed', reason: 'exit 1' });
    s.stepEnd('b', 'skipped', { reason: 'not run: an earlier step failed', attempts: 0, durationMs: 0 });
    s.stepEnd('c', 'skipped', { reason: 'not run: an earlier step failed', attempts: 0, durationMs: 0 });
    s.step('restore').runEnd('failed', 1, 'a: exit 1');
    const report = reportOf(s.events);
    expect(report.steps.map((st) => [st.id, st.status, st.notRun, st.reason])).toEqual([
      ['a', 'failed', false, 'exit 1'],
      ['restore', 'passed', false, undefined],
      ['b', 'skipped', true, 'not run: an earlier step failed'],
      ['c', 'skipped', true, 'not run: an earlier step failed'],
    ]);
  });

  it('turns a step that never ended into interrupted, and a run without run-end into interrupted', () => {
    const s = new EventScript().runStart(['a', 'b']);
    s.step('a').stepStart('b').output('b', 'working').tick(3000).output('b', '...');
    const report = reportOf(s.events);
    expect(report.status).toBe('interrupted');
    expect(report.exitCode).toBeNull();
    expect(report.complete).toBe(false);
    expect(report.reason).toBe(
      'the run stopped without finishing (killed or crashed); its last event was at 2025-01-02T03:04:09.000Z',
    );
    const b = report.steps[1]!;
    expect(b).toMatchObject({ id: 'b', status: 'interrupted', durationMs: 3000, attempts: 1 });
    expect(b.reason).toMatch(/^interrupted while running: the run stopped without finishing/);
    expect(b.output[0]?.head).toBe('working...');
  });

  it('keeps undo and finally entries apart from the main step with the same id', () => {
    const s = new EventScript().runStart(['deploy', { id: 'restore', phase: 'finally' }]);
    s.step('deploy', { status: 'failed', reason: 'boom', output: 'main out\n' });
    s.stepStart('deploy', { phase: 'undo' }).output('deploy', 'undo out\n').tick(5);
    s.stepEnd('deploy', 'passed', { phase: 'undo' }).step('restore').runEnd('failed');
    const report = reportOf(s.events);
    expect(report.steps.map((st) => [st.key, st.phase, st.status, st.output[0]?.head])).toEqual([
      ['main:deploy', 'main', 'failed', 'main out\n'],
      ['undo:deploy', 'undo', 'passed', 'undo out\n'],
      ['finally:restore', 'finally', 'passed', undefined],
    ]);
  });

  it('attaches gates asked before the step started, and failure gates to the run they judge', () => {
    const s = new EventScript().runStart(['shutdown']);
    s.gate('shutdown', 'approved', 'person', 'approved by alice', { message: 'Shut blue down?' });
    s.stepStart('shutdown').tick(100).stepEnd('shutdown', 'failed', { reason: 'exit 1' });
    s.gate('shutdown', 'retry', 'person', 'retry chosen', { kind: 'failed', message: 'exit 1' });
    s.stepStart('shutdown').tick(100).stepEnd('shutdown', 'passed');
    s.runEnd('passed');
    const report = reportOf(s.events);
    expect(report.steps).toHaveLength(1);
    const step = report.steps[0]!;
    expect(step).toMatchObject({ status: 'passed', attempts: 2, durationMs: 200 });
    expect(step.reason).toBeUndefined();
    expect(step.gates).toEqual([
      {
        time: T0,
        kind: 'confirm',
        message: 'Shut blue down?',
        decision: 'approved',
        decidedAt: T0,
        by: 'person',
        note: 'approved by alice',
      },
      {
        time: T0 + 100,
        kind: 'failed',
        message: 'exit 1',
        decision: 'retry',
        decidedAt: T0 + 100,
        by: 'person',
        note: 'retry chosen',
      },
    ]);
  });

  it('records a refused gate on a step that ends without ever starting', () => {
    const s = new EventScript().runStart(['shutdown']);
    s.gate('shutdown', 'refused', 'policy', 'refused: no approval; pass --yes or --approve shutdown');
    s.stepEnd('shutdown', 'failed', { reason: 'refused: no approval; pass --yes or --approve shutdown' });
    s.runEnd('failed');
    const step = reportOf(s.events).steps[0]!;
    expect(step.status).toBe('failed');
    expect(step.gates[0]).toMatchObject({ decision: 'refused', by: 'policy' });
  });

  it('keeps retries, saved value, parts, group and per-host output', () => {
    const s = new EventScript().runStart([{ id: 'deploy', group: 'both' }]);
    s.stepStart('deploy').output('deploy', 'b1\n', { label: 'blue' }).output('deploy', 'own\n');
    s.output('deploy', 'g1\n', { label: 'green' }).retry('deploy', 'timeout after 2m', 5000).tick(10);
    s.stepEnd('deploy', 'passed', {
      saved: { name: 'colour', value: 'blue' },
      parts: [
        { label: 'blue', status: 'passed', durationMs: 5 },
        { label: 'green', status: 'passed', durationMs: 7 },
      ],
    });
    const step = reportOf(s.events).steps[0]!;
    expect(step.group).toBe('both');
    expect(step.saved).toEqual({ name: 'colour', value: 'blue' });
    expect(step.parts.map((p) => p.label)).toEqual(['blue', 'green']);
    expect(step.retries).toEqual([{ time: T0, attempt: 2, reason: 'timeout after 2m', delayMs: 5000 }]);
    expect(step.output.map((o) => [o.label, o.head])).toEqual([
      [undefined, 'own\n'],
      ['blue', 'b1\n'],
      ['green', 'g1\n'],
    ]);
  });

  it('adds the journal tail and dropped bytes from step-end, but not twice for a live stream', () => {
    // From a journal: only the head was journalled as events.
    const journal = new EventScript().runStart(['a']);
    journal.stepStart('a').output('a', 'HEAD\n').tick(1);
    journal.stepEnd('a', 'passed', { outputDropped: 1_000_000, outputTail: 'TAIL\n' });
    const fromJournal = reportOf(journal.events).steps[0]!.output[0]!;
    expect(fromJournal).toEqual({
      head: 'HEAD\nTAIL\n',
      tail: '',
      droppedBytes: 1_000_000,
      totalBytes: 1_000_010,
    });

    // Live: every chunk arrived as an event, and step-end repeats the tail.
    const live = new EventScript().runStart(['a']);
    live.stepStart('a').output('a', 'HEAD\n').output('a', 'middle\n').output('a', 'TAIL\n').tick(1);
    live.stepEnd('a', 'passed', { outputDropped: 7, outputTail: 'TAIL\n' });
    const fromLive = reportOf(live.events).steps[0]!.output[0]!;
    expect(fromLive).toEqual({ head: 'HEAD\nmiddle\nTAIL\n', tail: '', droppedBytes: 0, totalBytes: 17 });
  });

  it('marks steps that passed in the interrupted run this one resumes', () => {
    const s = new EventScript();
    s.push({
      type: 'run-start',
      time: T0,
      runId: 'run-2',
      runbook: { name: 'demo', title: 'Demo', file: 'demo.yaml', digest: 'x' },
      plan: [
        { id: 'a', name: 'a', phase: 'main' },
        { id: 'b', name: 'b', phase: 'main' },
      ],
      resumed: { from: 'run-1', passed: ['a'] },
      vars: { region: 'us-west-2' },
    });
    s.step('b').runEnd('passed');
    const report = reportOf(s.events);
    expect(report.resumed).toEqual({ from: 'run-1', passed: ['a'] });
    expect(report.vars).toEqual({ region: 'us-west-2' });
    expect(report.steps.map((st) => [st.id, st.reason])).toEqual([
      ['b', undefined],
      ['a', 'not run: passed in the earlier run run-1'],
    ]);
  });

  it('stays bounded when a step prints 200 MB in small chunks', () => {
    const builder = new RunReportBuilder();
    const s = new EventScript().runStart(['flood']).stepStart('flood');
    for (const e of s.events) builder.add(e);
    const template = Buffer.from(`${'z'.repeat(4095)}\n`, 'latin1');
    const before = process.memoryUsage().heapUsed;
    const chunks = 51_200; // 200 MiB in 4 KiB events, each a distinct string
    for (let i = 0; i < chunks; i++) {
      template.write(String(i).padStart(8, '0'), 0, 'latin1');
      builder.add({
        type: 'output',
        time: T0,
        stepId: 'flood',
        stream: 'stdout',
        text: template.toString('latin1'),
      });
    }
    const grown = process.memoryUsage().heapUsed - before;
    const out = builder.build().steps[0]!.output[0]!;
    expect(out.head.length).toBe(64 * 1024);
    expect(out.tail.length).toBe(64 * 1024);
    expect(out.totalBytes).toBe(chunks * 4096);
    expect(out.droppedBytes).toBe(out.totalBytes - 128 * 1024);
    expect(out.tail.endsWith(`00051199${'z'.repeat(4087)}\n`)).toBe(true);
    // Retaining the chunks would be 200+ MiB; bounded capture is a few hundred KiB plus garbage.
    expect(grown).toBeLessThan(100 * 1024 * 1024);
  });
});

describe('BoundedText', () => {
  it('keeps everything while it fits', () => {
    const t = new BoundedText(8, 8);
    t.append('abc');
    t.append('def');
    expect(t.snapshot()).toEqual({ head: 'abcdef', tail: '', droppedBytes: 0, totalBytes: 6 });
  });

  it('keeps exact head and tail across chunk boundaries and counts UTF-8 bytes', () => {
    const t = new BoundedText(4, 4);
    for (const chunk of ['ab', 'cdEF', 'GH', 'ij', 'klé', 'mnop']) t.append(chunk);
    const snap = t.snapshot();
    expect(snap.head).toBe('abcd');
    expect(snap.tail).toBe('mnop');
    expect(snap.totalBytes).toBe(2 + 4 + 2 + 2 + 4 + 4);
    expect(snap.droppedBytes).toBe(snap.totalBytes - 8);
  });

  it('does not split a surrogate pair at the head or tail cut', () => {
    const t = new BoundedText(3, 3);
    t.append('ab🚀cd🚀ef');
    const snap = t.snapshot();
    expect(snap.head).toBe('ab');
    expect(snap.tail).toBe('ef');
    expect(`${snap.head}${snap.tail}`).not.toMatch(/[\uD800-\uDFFF]/);
  });

  it('handles a single chunk larger than the whole buffer', () => {
    const t = new BoundedText(5, 5);
    t.append(`HEAD!${'-'.repeat(1000)}TAIL!`);
    expect(t.snapshot()).toMatchObject({ head: 'HEAD!', tail: 'TAIL!', droppedBytes: 1000 });
    // Nothing is invented across the gap: only what is known to be the end.
    expect(t.last(7)).toBe('TAIL!');
  });
});
