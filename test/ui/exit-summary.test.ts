import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { exitSummary } from '../../src/ui/exit-summary.js';
import { applyEvents, initialRunState, type RunStateEvent } from '../../src/ui/state/run-state.js';

const t = 1_000;
const events: RunStateEvent[] = [
  {
    type: 'run-start',
    time: t,
    runId: 'r1',
    runbook: {
      name: 'x',
      title: 'A title long enough to be cut in a narrow window of sixty',
      file: 'x',
      digest: 'd',
    },
    plan: [
      { id: 'a', name: 'Deploy', phase: 'main' },
      { id: 'g', name: 'Break both', phase: 'main' },
      { id: 'g1', name: 'Break one', phase: 'main', group: 'g' },
      { id: 'c', name: 'restore', phase: 'finally' },
    ],
    vars: {},
  },
  ...(['a', 'g', 'g1', 'c'] as const).map(
    (id): EngineEvent => ({
      type: 'step-end',
      time: t + 500,
      stepId: id,
      name: id,
      phase: id === 'c' ? 'finally' : 'main',
      status: id === 'g1' ? 'failed' : 'passed',
      attempts: 1,
      durationMs: 500,
      ...(id === 'g1' ? { reason: 'exit 3', tolerated: true } : {}),
    }),
  ),
  { type: 'run-end', time: t + 2000, status: 'passed', exitCode: 0 },
  { type: 'ui-reports', paths: ['/a/very/long/path/that/does/not/fit/in/sixty/columns/at/all/report.json'] },
];

describe('summary left in the scrollback', () => {
  it('verdict, one numbered row per step, full report paths; fits 60 columns except the paths', () => {
    const run = applyEvents(initialRunState('x'), events);
    const text = exitSummary(run, 60);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^drillbook: A title long enough .*…$/);
    expect(text).toContain('Drill passed with 1 tolerated failure in 2.0s');
    expect(text).toContain('2 passed, 0 failed, 0 skipped');
    expect(text).toMatch(/^ {2}✔ 1\/2 Deploy +500ms$/m);
    expect(text).toMatch(/^ {2}✘ {3}2\.1\/2 Break one +500ms {2}tolerated · exit 3$/m);
    expect(text).toMatch(/^ {2}✔ finally: restore +500ms$/m);
    expect(text).toContain('finally, undo, steady state: 1 passed, 0 failed');
    expect(text).toContain(
      '\nReports:\n  /a/very/long/path/that/does/not/fit/in/sixty/columns/at/all/report.json\n',
    );
    expect(lines.filter((l) => l.length > 60 && !l.trim().startsWith('/'))).toEqual([]);
  });
});
