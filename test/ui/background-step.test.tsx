import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { StepList } from '../../src/ui/StepList.js';
import { applyEvents, initialRunState } from '../../src/ui/state/run-state.js';
import { drill, yamlRunbook } from '../support/drill.js';
import { reportsOf } from '../support/reports-of.js';

/**
 * One real drill with a background step, seen by every consumer of its events: the TUI
 * (mid-run), the console, JSON and JUnit.
 */
describe('a background step in the TUI and the reports', () => {
  it('is shown running while a later step runs, its output is labelled, and its own times are reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drillbook-bg-ui-'));
    const rb = await yamlRunbook(`
steps:
  - id: attack
    name: Blackhole blue
    background: true
    run: "echo attack begins; until [ -f ${dir}/checked ]; do sleep 0.05; done; sleep 1.5; echo attack reverted"
  - { id: check, name: Check alarms, run: "echo checking; sleep 0.3; touch ${dir}/checked" }
  - { id: after, name: After the attack, await: attack, run: "true" }
`);
    let midRun: EngineEvent[] | undefined;
    const seen: EngineEvent[] = [];
    const r = await drill(rb, {
      onEvent: (e) => {
        seen.push(e);
        if (e.type === 'step-start' && e.stepId === 'check') midRun = [...seen];
      },
    });
    expect(r.end.status).toBe('passed');

    // Mid-run, the TUI shows both steps live, the background one saying so.
    const state = applyEvents(initialRunState('T'), midRun ?? []);
    expect(state.steps.find((s) => s.id === 'attack')).toMatchObject({ status: 'running', background: true });
    expect(state.steps.find((s) => s.id === 'check')?.status).toBe('running');
    const ui = render(<StepList steps={state.steps} now={Date.now()} height={10} />);
    const frame = ui.lastFrame() ?? '';
    ui.unmount();
    expect(frame).toMatch(/▶ Blackhole blue \(running in the background\)/);
    expect(frame).toMatch(/▶ Check alarms/);

    const reports = await reportsOf(r.events);
    // Console: the start line says it runs in the background; its output lines carry its id.
    expect(reports.console).toMatch(/start +Blackhole blue \(in the background; later steps start now\)/);
    expect(reports.console).toContain('  │ [attack] attack begins\n');
    expect(reports.console).toContain('  │ [attack] attack reverted\n');
    expect(reports.console).toContain('  │ checking\n');
    // JSON: its own start and end, around the check that ran meanwhile.
    const json = (id: string) => reports.json.steps.find((s) => s.id === id)!;
    expect(json('attack')).toMatchObject({ background: true, status: 'passed' });
    expect(json('check').background).toBe(false);
    expect(Date.parse(json('attack').startedAt!)).toBeLessThanOrEqual(Date.parse(json('check').startedAt!));
    expect(Date.parse(json('attack').endedAt!)).toBeGreaterThanOrEqual(Date.parse(json('check').endedAt!));
    // JUnit: a testcase like any other, plus a property with its status and times.
    expect(reports.cases.map((c) => c.name)).toContain('Blackhole blue');
    expect(reports.junit).toMatch(
      /<property name="drillbook\.background\.main:attack" value="passed, \d{4}-\d\d-\d\dT[\d:.]+Z to \d{4}-\d\d-\d\dT[\d:.]+Z"\/>/,
    );
  });
});
