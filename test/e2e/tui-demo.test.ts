import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { assertBuilt, BIN, REPO_ROOT, workspace } from '../support/cli.js';
import { TmuxPane, terminalRestored, tmuxMissing } from '../support/tmux.js';

const missing = tmuxMissing();

describe.skipIf(missing !== undefined)('TUI in a real terminal (tmux): the demo drill', () => {
  it('stops at the gate, runs to the end once `a` approves it, and gives the terminal back', async () => {
    assertBuilt();
    const ws = workspace();
    // The demo as shipped, laid out as in the repository: it starts its practice world with
    // `node ../../bin/drillbook.js`, which here is the launcher of this test run's build.
    mkdirSync(ws.path('runbooks/demo'), { recursive: true });
    mkdirSync(ws.path('bin'));
    copyFileSync(join(REPO_ROOT, 'runbooks/demo/failover.md'), ws.path('runbooks/demo/failover.md'));
    symlinkSync(BIN, ws.path('bin/drillbook.js'));
    const state = ws.path('runbooks/demo/.drillbook/demo-sandbox.json');
    onTestFinished(() => {
      // A test that failed half way must not leave the practice world running.
      if (existsSync(state)) spawnSync(process.execPath, [BIN, 'sandbox', '--stop', '--state', state]);
    });

    const pane = new TmuxPane({
      cwd: ws.dir,
      command: 'node bin/drillbook.js run runbooks/demo/failover.md',
    });
    const gate = await pane.waitForScreen('Stop the blue service?', 45_000);
    expect(gate).toContain('a/Enter approve');
    // Nothing past the gate has run while it waits for the person.
    expect(gate).not.toMatch(/✔ .*Blue's status alarm fires/);

    await pane.sendKeys('a');
    const summary = await pane.waitForScreen(/EXIT=\d+/, 60_000);
    expect(summary).toMatch(/Drill passed in .* · 8 passed, 0 failed, 0 skipped · exit 0/);
    expect(summary).toMatch(/✔ .*finally: Stop the practice world/);
    expect(summary).toContain('EXIT=0');

    const exit = await pane.waitForExit();
    expect(exit.code).toBe(0);
    expect(terminalRestored(exit)).toEqual({ echo: true, icanon: true, cursor: true });
    // finally stopped the practice world.
    expect(existsSync(state)).toBe(false);
  }, 120_000);
});
