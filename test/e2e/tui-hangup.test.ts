import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assertBuilt,
  BIN,
  expectNoProcesses,
  REPO_ROOT,
  uniqueSleep,
  waitUntil,
  workspace,
} from '../support/cli.js';
import { TmuxPane, tmuxMissing } from '../support/tmux.js';

const missing = tmuxMissing();

/**
 * The terminal running the TUI goes away (the SSH session drops, the window closes): the
 * drill gets SIGHUP and every later write to the terminal fails with EIO. It used to end at
 * the first such write (no finally, no reports); now it stops like SIGTERM would: finally
 * runs and the report records the interruption (exit code 129).
 */
describe.skipIf(missing !== undefined)('TUI whose terminal hangs up (tmux killed)', () => {
  it('finally still runs and the JSON report says interrupted by SIGHUP', async () => {
    assertBuilt();
    const ws = workspace();
    // finally takes a while, so the TUI redraws (and meets EIO) while it runs.
    ws.write(
      'rb.yaml',
      readFileSync(join(REPO_ROOT, 'test/fixtures/tui/long.yaml'), 'utf8').replace(
        'run: touch restored.marker; echo restored',
        'run: sleep 2; touch restored.marker; echo restored',
      ),
    );
    const sleep = uniqueSleep(300);
    const pane = new TmuxPane({
      cwd: ws.dir,
      command: `node "$DRILLBOOK_BIN" run rb.yaml --json report.json --var sleep=${sleep}`,
      env: { DRILLBOOK_BIN: BIN },
    });
    await pane.waitForScreen('attack started');
    pane.kill();
    await waitUntil(() => ws.exists('report.json'), 'the JSON report after the hang-up', 30_000);
    expect(ws.exists('restored.marker')).toBe(true);
    expect(ws.exists('never.marker')).toBe(false);
    const report = JSON.parse(ws.read('report.json')) as {
      status: string;
      exitCode: number;
      reason?: string;
    };
    expect(report).toMatchObject({ status: 'interrupted', exitCode: 129, reason: 'interrupted by SIGHUP' });
    await expectNoProcesses(`sleep ${sleep}`);
  }, 60_000);
});
