import { afterEach, describe, expect, it } from 'vitest';
import { type RealTui, startRealTui, stopRealTui } from '../support/real-tui.js';

const PW = "it's-a-s3cret";
const TOKEN = 'Zq9SECRETh4nter2Xy';

/** The gate shows the step's command (shell-quoted secret) and its message; output splits a secret with an escape. */
const runbookYaml = `drillbook: 1
name: tui-secrets
secrets: [PW, TOKEN]
steps:
  - id: gated
    name: Gated
    confirm: "Use {{ secrets.PW }} now?"
    run: echo {{ secrets.PW }}
  - id: ansi
    name: Split by an escape
    run: "printf 'Zq9SECRET\\\\033[1mh4nter2Xy\\\\n'"
`;

let tui: RealTui | undefined;
afterEach(() => stopRealTui(tui));

describe('TUI and secrets', () => {
  it('never shows a secret: not split by an escape, not shell-quoted in a gate, not in a message', async () => {
    tui = await startRealTui(runbookYaml, { env: { ...process.env, PW, TOKEN }, reports: [] });
    const { ui, done } = tui;
    const frames: string[] = [];
    const gate = await ui.waitForFrame('Use *** now?', 15_000);
    frames.push(gate);
    expect(gate).toContain('will run: sh: echo');
    await ui.press('a');
    const end = await done;
    expect(end.exitCode).toBe(0);
    const last = await ui.waitForFrame('Drill passed');
    // The last step's output is on screen: masked, the escape stripped around nothing.
    expect(last).toMatch(/\*\*\*/);
    frames.push(last);
    for (const frame of frames)
      for (const form of [PW, `'it'\\''s-a-s3cret'`, 's3cret', TOKEN, 'h4nter2Xy'])
        expect(frame).not.toContain(form);
  });
});
