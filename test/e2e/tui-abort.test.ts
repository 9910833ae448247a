import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assertBuilt,
  BIN,
  expectNoProcesses,
  processesMatching,
  REPO_ROOT,
  uniqueSleep,
  workspace,
} from '../support/cli.js';
import { linesWiderThan, TmuxPane, terminalRestored, tmuxMissing } from '../support/tmux.js';

const missing = tmuxMissing();
const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/tui', name), 'utf8');

/** A drill whose second step runs `sleep` until stopped, in a 100x30 pane. */
function longDrill(): { ws: ReturnType<typeof workspace>; pane: TmuxPane; sleep: string } {
  assertBuilt();
  const ws = workspace();
  ws.write('rb.yaml', fixture('long.yaml'));
  const sleep = uniqueSleep(300);
  const pane = new TmuxPane({
    cwd: ws.dir,
    command: `node "$DRILLBOOK_BIN" run rb.yaml --var sleep=${sleep}`,
    env: { DRILLBOOK_BIN: BIN },
  });
  return { ws, pane, sleep };
}

describe.skipIf(missing !== undefined)('TUI in a real terminal (tmux): stopping and resizing', () => {
  it('q asks first; y aborts, finally still runs, exit 1, and the terminal is restored', async () => {
    const { ws, pane, sleep } = longDrill();
    await pane.waitForScreen('attack started');

    await pane.sendKeys('q');
    await pane.waitForScreen('Abort drill? finally steps will run. y/n');
    await pane.sendKeys('y');
    const done = await pane.waitForScreen(/EXIT=\d+/);
    expect(done).toMatch(/✔ .*finally: Restore blue/);
    expect(done).toMatch(/Drill aborted/);
    expect(done).toContain('EXIT=1');
    const exit = await pane.waitForExit();
    expect(exit.code).toBe(1);
    expect(terminalRestored(exit)).toEqual({ echo: true, icanon: true, cursor: true });
    expect(ws.exists('restored.marker')).toBe(true);
    expect(ws.exists('never.marker')).toBe(false);
    await expectNoProcesses(`sleep ${sleep}`);
  }, 60_000);

  it('Ctrl-C stops the running step, finally still runs, exit 130, and the terminal is restored', async () => {
    const { ws, pane, sleep } = longDrill();
    await pane.waitForScreen('attack started');

    await pane.sendKeys('C-c');
    const done = await pane.waitForScreen(/EXIT=\d+/);
    expect(done).toMatch(/✔ .*finally: Restore blue/);
    expect(done).toContain('EXIT=130');
    const exit = await pane.waitForExit();
    expect(exit.code).toBe(130);
    expect(terminalRestored(exit)).toEqual({ echo: true, icanon: true, cursor: true });
    expect(ws.exists('restored.marker')).toBe(true);
    await expectNoProcesses(`sleep ${sleep}`);
  }, 60_000);

  it('SIGTERM from elsewhere stops the drill like Ctrl-C: finally runs, exit 143, terminal restored', async () => {
    const { ws, pane, sleep } = longDrill();
    await pane.waitForScreen('attack started');

    const drillbook = processesMatching(`--var sleep=${sleep}`);
    expect(drillbook).toHaveLength(1);
    process.kill(Number(drillbook[0]?.split(' ')[0]), 'SIGTERM');
    const done = await pane.waitForScreen(/EXIT=\d+/);
    expect(done).toMatch(/✔ .*finally: Restore blue/);
    const exit = await pane.waitForExit();
    expect(exit.code).toBe(143);
    expect(terminalRestored(exit)).toEqual({ echo: true, icanon: true, cursor: true });
    expect(ws.exists('restored.marker')).toBe(true);
  }, 60_000);

  it('redraws cleanly when the window shrinks mid-run, and the run finishes', async () => {
    assertBuilt();
    const ws = workspace();
    ws.write('rb.yaml', fixture('resize.yaml'));
    const pane = new TmuxPane({
      cwd: ws.dir,
      command: 'node "$DRILLBOOK_BIN" run rb.yaml',
      env: { DRILLBOOK_BIN: BIN },
    });
    await pane.waitForScreen(/line \d+ of output/);

    await pane.resize(60, 20);
    // The live step's output keeps coming, so wait for a frame drawn at the new width.
    const narrow = await pane.waitForScreen(
      (s) => /line \d+ of output.*…/.test(s) && !s.includes('cut to fit'),
    );
    expect(linesWiderThan(await pane.capture({ join: true }), 60)).toEqual([]);
    expect(narrow.match(/drillbook · /g)).toHaveLength(1);
    ws.write('resized.marker', '');

    const done = await pane.waitForScreen(/EXIT=\d+/);
    expect(done).toMatch(/Drill passed .*3 passed/);
    const joined = await pane.capture({ join: true });
    // Below the last frame, the summary left for the scrollback fits too; only the full
    // report paths in it may wrap (a path cut to the window could not be copied).
    expect(linesWiderThan(joined, 60).filter((l) => !l.trim().startsWith('/'))).toEqual([]);
    // At most one frame on screen, not pieces of the wide frames drawn before the resize
    // (the summary written below it for the scrollback may push its header off the top).
    expect(joined.match(/drillbook · /g)?.length ?? 0).toBeLessThanOrEqual(1);
    expect(joined).toContain('drillbook: Resize drill');
    expect((await pane.waitForExit()).code).toBe(0);
  }, 60_000);
});
