import { afterEach, describe, expect, it } from 'vitest';
import { type RealTui, startRealTui, stopRealTui } from '../support/real-tui.js';

/** Clears the screen, sets the window title, reverses what follows. */
const HOSTILE = '\u001b[2J\u001b]0;pwned\u0007\u202Eevil';
/** What is left of it once the test strips ANSI styling from frames: the bidi override. */
const RAW = /[\u0007\u202A-\u202E]/;

const runbookYaml = `drillbook: 1
name: tui-escapes
title: "Title \\e[2J\\u202E"
steps:
  - id: gated
    name: "Gated \\e]0;x\\a\\u202E"
    confirm: "Go {{ vars.v }}?"
    run: "true"
  - id: fails
    name: Fails
    http: { url: "http://127.0.0.1:9/{{ vars.v }}", timeout: 2s }
    continue_on_error: true
`;

let tui: RealTui | undefined;
afterEach(() => stopRealTui(tui));

describe('TUI and terminal escapes', () => {
  it('shows escapes in titles, names, gate messages and reasons visibly, never raw', async () => {
    tui = await startRealTui(runbookYaml, { vars: { v: HOSTILE }, reports: [] });
    const { ui, done } = tui;
    const gate = await ui.waitForFrame('Go \\u001B[2J', 15_000);
    await ui.press('a');
    await done;
    const last = await ui.waitForFrame('Drill passed');
    for (const frame of [gate, last]) expect(frame).not.toMatch(RAW);
    expect(last).toContain('\\u202E');
  }, 30_000);
});
