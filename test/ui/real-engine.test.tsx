import { afterEach, describe, expect, it } from 'vitest';
import { type RealTui, startRealTui, stopRealTui } from '../support/real-tui.js';
import { keys } from '../support/render.js';

const runbookYaml = `drillbook: 1
name: tui-real
title: TUI against the real engine
steps:
  - id: greet
    name: Greet
    run: "printf 'hello\\\\nfrom the engine\\\\n'"
  - id: flaky
    name: Flaky step
    run: "test -f marker || { touch marker; echo first-try-fails; exit 1; }"
  - id: risky
    name: Risky step
    description: Needs a person to type the phrase.
    confirm: { message: "Run the risky step?", type: go risky }
    run: echo risky-ran
finally:
  - name: cleanup
    run: echo cleaned-up
`;

let tui: RealTui | undefined;
afterEach(() => stopRealTui(tui));

describe('TUI with the real engine', () => {
  it('walks a real runbook: output, failed-step retry, phrase gate, finally, summary', async () => {
    tui = await startRealTui(runbookYaml);
    const { ui, done, events } = tui;

    const failed = await ui.waitForFrame('Flaky step failed after 1 attempt', 15_000);
    expect(failed).toContain('first-try-fails');
    expect(failed).toMatch(/✔ Greet/);
    await ui.press('r');

    const gate = await ui.waitForFrame('Type go risky and press Enter to approve', 15_000);
    expect(gate).toContain('Run the risky step?');
    expect(gate).toContain('Needs a person to type the phrase.');
    expect(gate).toContain('will run: sh: echo risky-ran');
    await ui.press(...'go risky', keys.enter);

    const end = await done;
    expect(end.exitCode).toBe(0);
    const frame = await ui.waitForFrame('report.json');
    expect(frame).toContain('Drill passed');
    expect(frame).toMatch(/✔ Flaky step\s+↻1/);
    expect(frame).toMatch(/✔ Risky step/);
    expect(frame).toMatch(/✔ finally: cleanup/);
    expect(frame).toContain('cleaned-up');
    const decisions = events.filter((e) => e.type === 'gate-decision');
    expect(decisions.map((d) => [d.stepId, d.decision, d.by])).toEqual([
      ['flaky', 'retry', 'person'],
      ['risky', 'approved', 'person'],
    ]);
  });
});
