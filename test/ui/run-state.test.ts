import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { allLines } from '../../src/ui/state/line-buffer.js';
import {
  applyEvents,
  countApart,
  countSteps,
  initialRunState,
  OUTPUT_LINES_PER_STEP,
  type RunState,
} from '../../src/ui/state/run-state.js';
import { RunStore } from '../../src/ui/state/run-store.js';

const t = 1_000;
const runStart: EngineEvent = {
  type: 'run-start',
  time: t,
  runId: 'r1',
  runbook: { name: 'stage4', title: 'Bookstore Reliability Stage 4', file: 'x.yaml', digest: 'd' },
  plan: [
    { id: 'deploy', name: 'Deploy to blue', phase: 'main' },
    { id: 'blackhole', name: 'Blackhole blue', phase: 'main' },
    { id: 'restore', name: 'Restore blue', phase: 'finally' },
  ],
  vars: {},
};
const start = (stepId: string, attempt = 1, extra: Partial<EngineEvent> = {}): EngineEvent => ({
  type: 'step-start',
  time: t + 10,
  stepId,
  name: stepId,
  phase: 'main',
  index: 1,
  total: 3,
  attempt,
  summary: `sh: ${stepId}`,
  ...(extra as object),
});
const out = (stepId: string, text: string): EngineEvent => ({
  type: 'output',
  time: t,
  stepId,
  stream: 'stdout',
  text,
});
const lines = (s: RunState, id: string) => allLines(s.output[id]!).map((l) => l.text);

describe('run-state reducer', () => {
  it('lists the plan as pending steps with counts', () => {
    const s = applyEvents(initialRunState('fallback'), [runStart]);
    expect(s.title).toBe('Bookstore Reliability Stage 4');
    expect(s.steps.map((x) => [x.id, x.status])).toEqual([
      ['deploy', 'pending'],
      ['blackhole', 'pending'],
      ['restore', 'pending'],
    ]);
    // Main steps only, as validate and headless count them; finally is counted apart.
    expect(countSteps(s)).toEqual({ passed: 0, failed: 0, skipped: 0, remaining: 2, total: 2 });
    expect(countApart(s)).toEqual({ passed: 0, failed: 0, skipped: 0, remaining: 1, total: 1 });
    expect(s.steps.map((x) => x.tag)).toEqual(['1/2', '2/2', 'finally 1/1']);
  });

  it('follows step-start, gate-request, gate-decision in the engine order', () => {
    let s = applyEvents(initialRunState('x'), [
      runStart,
      start('blackhole', 1, { description: 'cuts deps' } as never),
    ]);
    expect(s.steps[1]).toMatchObject({
      status: 'running',
      summary: 'sh: blackhole',
      description: 'cuts deps',
    });
    expect(s.current).toBe('blackhole');
    s = applyEvents(s, [
      {
        type: 'gate-request',
        time: t,
        stepId: 'blackhole',
        kind: 'confirm',
        message: 'Blackhole?',
        phrase: 'yes',
      },
    ]);
    expect(s.gate).toEqual({ stepId: 'blackhole', kind: 'confirm', message: 'Blackhole?', phrase: 'yes' });
    expect(s.steps[1]!.status).toBe('waiting');
    s = applyEvents(s, [
      { type: 'gate-decision', time: t, stepId: 'blackhole', decision: 'approved', by: 'person', note: 'ok' },
    ]);
    expect(s.gate).toBeUndefined();
    expect(s.steps[1]).toMatchObject({ status: 'running', decision: 'approved (ok)' });
  });

  it('records retries, ends, tolerated failures and the run end', () => {
    const s = applyEvents(initialRunState('x'), [
      runStart,
      start('deploy'),
      out('deploy', 'first try\n'),
      { type: 'step-retry', time: t, stepId: 'deploy', attempt: 2, reason: 'exit 1', delayMs: 5000 },
      start('deploy', 2),
      {
        type: 'step-end',
        time: t,
        stepId: 'deploy',
        name: 'Deploy to blue',
        phase: 'main',
        status: 'failed',
        durationMs: 4200,
        attempts: 2,
        reason: 'exit 1',
        tolerated: true,
      },
      { type: 'stop-tripped', time: t, probeId: 'api-up', reason: 'HTTP 503' },
      { type: 'run-end', time: t + 5000, status: 'failed', exitCode: 1 },
    ]);
    expect(s.steps[0]).toMatchObject({
      status: 'failed',
      attempt: 2,
      durationMs: 4200,
      reason: 'exit 1',
      tolerated: true,
    });
    expect(lines(s, 'deploy')).toEqual(['first try', 'retrying in 5s: exit 1', '── attempt 2 ──']);
    expect(s.stopReason).toBe('api-up: HTTP 503');
    expect(s.end?.exitCode).toBe(1);
    expect(countSteps(s)).toMatchObject({ failed: 1, remaining: 1 });
  });

  it('lists undo rows (not in the plan) before finally, in the order they run; resumed steps passed', () => {
    const s = applyEvents(initialRunState('x'), [
      { ...runStart, resumed: { from: 'old', passed: ['deploy'] } } as EngineEvent,
      { ...start('undo-blackhole'), name: 'Undo: Blackhole blue', phase: 'undo' } as EngineEvent,
      { ...start('undo-deploy'), name: 'Undo: Deploy to blue', phase: 'undo' } as EngineEvent,
    ]);
    expect(s.steps[0]!.status).toBe('passed');
    expect(s.steps.map((x) => [x.id, x.phase])).toEqual([
      ['deploy', 'main'],
      ['blackhole', 'main'],
      ['undo-blackhole', 'undo'],
      ['undo-deploy', 'undo'],
      ['restore', 'finally'],
    ]);
    expect(s.steps[3]).toMatchObject({ name: 'Undo: Deploy to blue', status: 'running' });
  });

  it('a failure waiting for a decision is failed at once with its clock stopped; a retry restarts it', () => {
    let s = applyEvents(initialRunState('x'), [
      runStart,
      start('deploy'),
      { type: 'gate-request', time: t + 2010, stepId: 'deploy', kind: 'failed', message: 'exit 1' },
    ]);
    expect(s.steps[0]).toMatchObject({ status: 'failed', durationMs: 2000, reason: 'exit 1' });
    expect(countSteps(s).failed).toBe(1);
    s = applyEvents(s, [
      { type: 'step-retry', time: t + 3000, stepId: 'deploy', attempt: 2, reason: 'exit 1', delayMs: 0 },
    ]);
    expect(s.steps[0]!.status).toBe('retrying');
    expect(s.steps[0]!.durationMs).toBeUndefined();
    expect(countSteps(s).failed).toBe(0);
  });

  it('joins partial lines, strips escape sequences, keeps the last state of \\r progress, labels hosts', () => {
    const s = applyEvents(initialRunState('x'), [
      runStart,
      start('deploy'),
      out('deploy', 'hel'),
      out('deploy', 'lo\n\u001b[31mred\u001b[0m\n10%\r50%\r100%\n\u001b[2Jtab\there\npartial'),
      { type: 'output', time: t, stepId: 'deploy', stream: 'stderr', text: 'up\n', label: 'blue' },
    ]);
    expect(lines(s, 'deploy')).toEqual(['hello', 'red', '100%', 'tab  here', '[blue] up', 'partial']);
    expect(s.output['deploy']!.lines.find((l) => l.text === '[blue] up')!.stream).toBe('stderr');
  });

  it('uses the step-end output tail when no output events came (journal resume)', () => {
    const s = applyEvents(initialRunState('x'), [
      runStart,
      {
        type: 'step-end',
        time: t,
        stepId: 'deploy',
        name: 'd',
        phase: 'main',
        status: 'passed',
        durationMs: 1,
        attempts: 1,
        outputTail: 'a\nb\n',
      },
    ]);
    expect(lines(s, 'deploy')).toEqual(['a', 'b']);
  });
});

describe('bounded memory', () => {
  it('keeps at most 500 lines per step after 100k lines, and counts what it dropped', () => {
    let s = applyEvents(initialRunState('x'), [runStart, start('deploy')]);
    // In batches, as the store delivers them, one line per event like a chatty command.
    for (let batch = 0; batch < 100; batch++) {
      const events: EngineEvent[] = [];
      for (let i = 0; i < 1000; i++) events.push(out('deploy', `line ${batch * 1000 + i}\n`));
      s = applyEvents(s, events);
    }
    const buffer = s.output['deploy']!;
    expect(buffer.lines.length).toBe(OUTPUT_LINES_PER_STEP);
    expect(buffer.dropped).toBe(100_000 - OUTPUT_LINES_PER_STEP);
    expect(buffer.lines.at(-1)!.text).toBe('line 99999');
    expect(buffer.lines[0]!.text).toBe(`line ${100_000 - OUTPUT_LINES_PER_STEP}`);
  });

  it('bounds one enormous line without a newline', () => {
    let s = applyEvents(initialRunState('x'), [runStart, start('deploy')]);
    for (let i = 0; i < 1000; i++) s = applyEvents(s, [out('deploy', 'x'.repeat(1000))]);
    const buffer = s.output['deploy']!;
    const retained = [...buffer.lines, ...Object.values(buffer.partial)].reduce(
      (n, l) => n + l.text.length,
      0,
    );
    expect(retained).toBeLessThan(OUTPUT_LINES_PER_STEP * 1001);
    expect(buffer.lines.length).toBeLessThanOrEqual(OUTPUT_LINES_PER_STEP);
  });

  it('the store folds a long queue early, so 100k events between renders stay bounded', () => {
    const store = new RunStore('x', 60_000);
    store.push(runStart);
    store.push(start('deploy'));
    for (let i = 0; i < 100_000; i++) store.push(out('deploy', `line ${i}\n`));
    // No flush yet (60 s timer): the state was folded anyway.
    const folded = store.getSnapshot().output['deploy']!;
    expect(folded.lines.length).toBe(OUTPUT_LINES_PER_STEP);
    expect(folded.dropped).toBeGreaterThan(99_000);
    store.dispose();
  });

  it('keeps stray messages bounded', () => {
    const events = Array.from({ length: 10_000 }, (_, i) => ({
      type: 'ui-message' as const,
      text: `warning ${i}`,
    }));
    const s = applyEvents(initialRunState('x'), events);
    expect(s.messages.lines.length).toBe(50);
    expect(s.messages.lines.at(-1)!.text).toBe('warning 9999');
  });
});
