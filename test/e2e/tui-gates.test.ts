import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertBuilt, BIN, REPO_ROOT, runCli, workspace } from '../support/cli.js';
import { TmuxPane, terminalRestored, tmuxMissing } from '../support/tmux.js';
import { assertValidJunit } from '../support/xmllint.js';

const missing = tmuxMissing();
const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/tui', name), 'utf8');
const DRILLBOOK = 'node "$DRILLBOOK_BIN"';

describe.skipIf(missing !== undefined)('TUI in a real terminal (tmux): decisions', () => {
  it('offers a retry when a step fails, and `r` runs it again until the drill passes', async () => {
    assertBuilt();
    const ws = workspace();
    ws.write('rb.yaml', fixture('retry.yaml'));
    const pane = new TmuxPane({ cwd: ws.dir, command: `${DRILLBOOK} run rb.yaml`, env: binEnv() });

    const failed = await pane.waitForScreen('r retry');
    expect(failed).toMatch(/Flaky health check failed after 1 attempt/);
    expect(failed).not.toContain('after ran');

    await pane.sendKeys('r');
    const done = await pane.waitForScreen(/EXIT=\d+/);
    expect(done).toMatch(/✔ .*Flaky health check/);
    expect(done).toMatch(/✔ .*After the flaky step/);
    expect(done).toMatch(/Drill passed .* 2 passed, 0 failed/);
    const exit = await pane.waitForExit();
    expect(exit.code).toBe(0);
    expect(terminalRestored(exit)).toEqual({ echo: true, icanon: true, cursor: true });
  }, 60_000);

  it('a typed-phrase gate ignores a wrong phrase and approves only the exact one', async () => {
    assertBuilt();
    const ws = workspace();
    ws.write('rb.yaml', fixture('phrase.yaml'));
    const pane = new TmuxPane({ cwd: ws.dir, command: `${DRILLBOOK} run rb.yaml`, env: binEnv() });

    await pane.waitForScreen('Type blackhole blue and press Enter');
    // `a` is only a letter here: typing it must not approve.
    await pane.type('a blackhole');
    await pane.sendKeys('Enter');
    const refused = await pane.waitForScreen('that is not the phrase');
    expect(refused).toContain("Blackhole blue's dependencies?");
    expect(ws.exists('blackhole.marker')).toBe(false);

    for (let i = 0; i < 'a blackhole'.length; i++) await pane.sendKeys('BSpace');
    await pane.waitForScreen((s) => !s.includes('> a'));
    await pane.type('blackhole blue');
    await pane.waitForScreen('> blackhole blue');
    await pane.sendKeys('Enter');
    const done = await pane.waitForScreen(/EXIT=\d+/);
    expect(done).toMatch(/Drill passed .* 1 passed/);
    expect((await pane.waitForExit()).code).toBe(0);
    expect(ws.exists('blackhole.marker')).toBe(true);
  }, 60_000);

  it('? shows the keys in an 80x24 window without pushing the header off or wiping scrollback', async () => {
    assertBuilt();
    const ws = workspace();
    ws.write('rb.yaml', fixture('many-steps.yaml'));
    const pane = new TmuxPane({
      cwd: ws.dir,
      command: `echo "what the person did before the drill"; ${DRILLBOOK} run rb.yaml`,
      env: binEnv(),
      width: 80,
      height: 24,
    });
    await pane.waitForScreen('Stop the blue service?');
    await pane.sendKeys('?');
    const help = await pane.waitForScreen('close this help');
    // The run's header and the question stay on screen under the help.
    expect(help).toContain('drillbook · Many steps drill');
    expect(help).toContain('approve the gate');
    expect(help).toContain('Stop the blue service?');
    // A frame taller than the window makes Ink clear the screen and the scrollback each frame.
    expect(await pane.capture({ history: true })).toContain('what the person did before the drill');

    await pane.sendKeys('?');
    await pane.waitForScreen((s) => !s.includes('close this help'));
    await pane.sendKeys('a');
    await pane.waitForScreen(/EXIT=\d+/);
    expect((await pane.waitForExit()).code).toBe(0);
  }, 60_000);

  it('writes the same JUnit with --junit as a headless run of the same drill', async () => {
    assertBuilt();
    const ws = workspace();
    ws.write('rb.yaml', fixture('reports.yaml'));
    const pane = new TmuxPane({
      cwd: ws.dir,
      command: `${DRILLBOOK} run rb.yaml --yes --junit tui.xml`,
      env: binEnv(),
    });
    const done = await pane.waitForScreen(/EXIT=\d+/);
    // The summary tells the person where the report went.
    expect(done).toContain('tui.xml');
    expect((await pane.waitForExit()).code).toBe(0);

    const headless = await runCli(['run', 'rb.yaml', '--yes', '--headless', '--junit', 'headless.xml'], {
      cwd: ws.dir,
    });
    expect(headless.code).toBe(0);
    assertValidJunit(ws.path('tui.xml'));
    assertValidJunit(ws.path('headless.xml'));
    expect(comparable(ws.read('tui.xml'))).toBe(comparable(ws.read('headless.xml')));
    expect(ws.read('tui.xml')).toContain('deployed ok &lt;v2&gt; &amp; done');
  }, 60_000);

  // The after-failure question is announced (gate-request kind 'failed') and the person's
  // "continue" is recorded as letting the failure stand, not as a refused confirm gate.
  it('a failure the person accepts with `c` is reported as the failure headless reports', async () => {
    assertBuilt();
    const ws = workspace();
    ws.write('rb.yaml', fixture('accepted-failure.yaml'));
    const pane = new TmuxPane({
      cwd: ws.dir,
      command: `${DRILLBOOK} run rb.yaml --junit tui.xml`,
      env: binEnv(),
    });
    await pane.waitForScreen('c accept the failure');
    await pane.sendKeys('c');
    await pane.waitForScreen(/EXIT=\d+/);
    expect((await pane.waitForExit()).code).toBe(1);
    const headless = await runCli(['run', 'rb.yaml', '--headless', '--junit', 'headless.xml'], {
      cwd: ws.dir,
    });
    expect(headless.code).toBe(1);
    assertValidJunit(ws.path('tui.xml'));
    const tui = ws.read('tui.xml');
    expect(tui).toContain('type="failed"');
    expect(tui).toContain('gate (after failure)');
    // The time the person took to decide is kept apart from the step's time.
    expect(tui).toMatch(/<property name="drillbook\.gate\.main:broken\.waitSeconds" value="[\d.]+"\/>/);
    // Apart from the person's decision and its wait, which only the TUI can record, the reports agree.
    const withoutDecision = tui
      .split('\n')
      .filter((line) => !line.includes('in the TUI') && !line.includes('.waitSeconds"'))
      .join('\n');
    expect(comparable(withoutDecision)).toBe(comparable(ws.read('headless.xml')));
  }, 60_000);
});

/** The e2e build's launcher, for the pane's command line. */
function binEnv(): Record<string, string> {
  return { DRILLBOOK_BIN: BIN };
}

/** JUnit with what legitimately differs between two runs (times, timestamps, run ids) blanked. */
function comparable(xml: string): string {
  return (
    xml
      .replace(/\b(time|timestamp)="[^"]*"/g, '$1=""')
      // How long a gate waited is a time too (a person, or --yes at once: 0.000 or 0.001 s).
      .replace(/(\.waitSeconds" value=)"[^"]*"/g, '$1""')
      .replace(/\d+(\.\d+)?\s?(ms|s)\b/g, 'N')
      .replace(/\d{4}-\d\d-\d\dT[\d:.-]+Z?(-[0-9a-f]{4})?/g, 'T')
  );
}
