import { afterEach, describe, expect, it } from 'vitest';
import { type RealTui, startRealTui, stopRealTui } from '../support/real-tui.js';

const runbookYaml = `drillbook: 1
name: tui-verdict
steps:
  - { id: optional, name: Optional check, run: "exit 3", continue_on_error: true }
  - { id: blackhole, name: Blackhole blue, confirm: "Blackhole blue?", run: echo attacked }
`;

let tui: RealTui | undefined;
afterEach(() => stopRealTui(tui));

describe('TUI end screen', () => {
  it('a pass with a tolerated failure and a skipped gate says so and names both', async () => {
    tui = await startRealTui(runbookYaml);
    const { ui, done } = tui;
    await ui.waitForFrame('a/Enter approve', 15_000);
    await ui.press('s');
    expect((await done).exitCode).toBe(0);
    const frame = await ui.waitForFrame('report.json');
    expect(frame).toContain('Drill passed with 1 tolerated failure and 1 skipped gate');
    expect(frame).toContain('tolerated failure: Optional check: command exited with status 3');
    expect(frame).toContain('skipped at its gate, never ran: Blackhole blue');
  });
});
