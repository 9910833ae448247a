import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { StepList } from '../../src/ui/StepList.js';
import { applyEvents, initialRunState } from '../../src/ui/state/run-state.js';

describe('the TUI shows undone steps', () => {
  it('marks a step undone when rollback ran its undo, and says so in the step list', () => {
    const events: EngineEvent[] = [
      {
        type: 'run-start',
        time: 1,
        runId: 'r1',
        runbook: { name: 'n', title: 'T', file: 'x.yaml', digest: 'd' },
        plan: [
          { id: 'blackhole', name: 'Blackhole blue', phase: 'main' },
          { id: 'check', name: 'Check green', phase: 'main' },
        ],
        vars: {},
      },
      {
        type: 'step-end',
        time: 2,
        stepId: 'blackhole',
        name: 'Blackhole blue',
        phase: 'main',
        status: 'passed',
        durationMs: 5,
        attempts: 1,
      },
      {
        type: 'step-end',
        time: 3,
        stepId: 'check',
        name: 'Check green',
        phase: 'main',
        status: 'failed',
        durationMs: 5,
        attempts: 1,
      },
      {
        type: 'step-end',
        time: 4,
        stepId: 'undo/blackhole',
        name: 'Undo: Blackhole blue',
        phase: 'undo',
        status: 'passed',
        durationMs: 5,
        attempts: 1,
      },
      { type: 'step-undone', time: 5, stepId: 'blackhole', name: 'Blackhole blue', undo: 'passed' },
    ];
    const state = applyEvents(initialRunState('T'), events);
    expect(state.steps.find((s) => s.id === 'blackhole')).toMatchObject({ status: 'passed', undone: true });
    expect(state.steps.find((s) => s.id === 'check')?.undone).toBeUndefined();
    const ui = render(<StepList steps={state.steps} now={10} height={10} />);
    const frame = ui.lastFrame() ?? '';
    ui.unmount();
    expect(frame).toMatch(/Blackhole blue \(undone\)/);
    expect(frame).not.toMatch(/Check green \(undone\)/);
  });
});
