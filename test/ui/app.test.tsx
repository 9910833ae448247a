import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/App.js';
import { TuiSession } from '../../src/ui/session.js';
import { keys, type Rendered, render } from '../support/render.js';
import { type FakeRun, type FakeStep, fakeEngine } from './fake-engine.js';

const mounted: Rendered[] = [];
afterEach(() => {
  for (const ui of mounted.splice(0)) ui.unmount();
});

function mount(run: FakeRun, paths = ['.drillbook/runs/1/junit.xml', '.drillbook/runs/1/report.json']) {
  const session = new TuiSession({
    title: 'Fake drill',
    start: run.start,
    finish: async () => paths,
    flushMs: 20,
  });
  const ui = render(<App session={session} />);
  mounted.push(ui);
  return { ui, session, done: session.run() };
}

const blackhole: FakeStep = {
  id: 'blackhole-blue',
  name: 'Blackhole blue',
  description: 'Cuts blue off from its dependencies to prove the alarms fire.',
  summary: 'ssh blue: gremlin attack blackhole -l 240 -h ^api.gremlin.com',
  confirm: { message: "Blackhole blue's dependencies for 240 s?" },
};

describe('TUI frames and keys', () => {
  it('shows pending steps and a gate with the step, its description and the exact command', async () => {
    const run = fakeEngine([blackhole, { id: 'alarms-fire' }, { id: 'dns-fails-over' }]);
    const { ui } = mount(run);
    const frame = await ui.waitForFrame("Blackhole blue's dependencies for 240 s?");
    expect(frame).toContain('drillbook · Fake drill');
    expect(frame).toContain('? Blackhole blue');
    expect(frame).toContain('Cuts blue off from its dependencies');
    expect(frame).toContain('will run: ssh blue: gremlin attack blackhole -l 240 -h ^api.gremlin.com');
    expect(frame).toMatch(/○ alarms-fire/);
    expect(frame).toMatch(/○ dns-fails-over/);
    expect(frame).toContain('0 passed');
    expect(frame).toContain('3 remaining');
    expect(run.decisions).toEqual([]);
  });

  it('a approves: the engine receives approve by person, then the run finishes with report paths', async () => {
    const run = fakeEngine([
      { ...blackhole, output: ['attack started'] },
      { id: 'alarms-fire', output: ['ALARM'] },
    ]);
    const { ui, done } = mount(run);
    await ui.waitForFrame('a/Enter approve');
    await ui.press('a');
    const end = await done;
    expect(run.decisions).toEqual([{ decision: 'approve', by: 'person', note: 'approved in the TUI' }]);
    expect(end.exitCode).toBe(0);
    const frame = await ui.waitForFrame('.drillbook/runs/1/report.json');
    expect(frame).toContain('Drill passed');
    expect(frame).toContain('2 passed, 0 failed, 0 skipped · exit 0');
    expect(frame).toContain('.drillbook/runs/1/junit.xml');
    expect(frame).toMatch(/✔ Blackhole blue\s+1\.2s/);
    expect(frame).toContain('ALARM'); // the last step's output stays visible
  });

  it('Enter approves too', async () => {
    const run = fakeEngine([blackhole]);
    const { ui, done } = mount(run);
    await ui.waitForFrame('a/Enter approve');
    await ui.press(keys.enter);
    await done;
    expect(run.decisions.map((d) => d.decision)).toEqual(['approve']);
  });

  it('s skips the step and the run goes on', async () => {
    const run = fakeEngine([blackhole, { id: 'after' }]);
    const { ui, done } = mount(run);
    await ui.waitForFrame('a/Enter approve');
    await ui.press('s');
    await done;
    expect(run.decisions).toEqual([{ decision: 'skip', by: 'person', note: 'skipped in the TUI' }]);
    const frame = await ui.waitForFrame('Drill passed');
    expect(frame).toMatch(/↷ Blackhole blue/);
    expect(frame).toContain('1 passed, 0 failed, 1 skipped');
    // The end screen says the gated step never ran.
    expect(frame).toContain('Drill passed with 1 skipped gate');
    expect(frame).toContain('skipped at its gate, never ran: Blackhole blue');
  });

  it('a phrase gate approves only after the exact phrase and Enter', async () => {
    const run = fakeEngine([
      { ...blackhole, confirm: { message: 'Shut down blue?', phrase: 'shutdown blue' } },
    ]);
    const { ui, done } = mount(run);
    await ui.waitForFrame('Type shutdown blue and press Enter to approve');
    await ui.press('a'); // types "a", does not approve
    await ui.press(keys.enter);
    await ui.waitForFrame('that is not the phrase; type exactly: shutdown blue');
    expect(run.decisions).toEqual([]);
    await ui.press(keys.backspace, ...'shutdown blu');
    await ui.waitForFrame('> shutdown blu');
    await ui.press(keys.enter);
    await ui.waitForFrame('that is not the phrase');
    expect(run.decisions).toEqual([]);
    await ui.press('e', keys.enter);
    await done;
    expect(run.decisions).toEqual([
      { decision: 'approve', by: 'person', note: 'approved in the TUI (phrase typed)' },
    ]);
  });

  it('in a phrase gate, Esc then s skips (keys are text until Esc)', async () => {
    const run = fakeEngine([
      { ...blackhole, confirm: { message: 'Shut down blue?', phrase: 'shutdown blue' } },
    ]);
    const { ui, done } = mount(run);
    await ui.waitForFrame('Esc for s skip');
    await ui.press('s');
    await ui.waitForFrame('> s');
    expect(run.decisions).toEqual([]);
    await ui.press(keys.escape);
    await ui.waitForFrame('a/Enter/Esc back to typing');
    await ui.press('s');
    await done;
    expect(run.decisions.map((d) => d.decision)).toEqual(['skip']);
  });

  it('a failed step asks; r retries and the row counts the retry', async () => {
    const run = fakeEngine([
      { id: 'deploy-blue', name: 'Deploy to blue', failures: 1, output: ['restarting gunicorn'] },
    ]);
    const { ui, done } = mount(run);
    const failed = await ui.waitForFrame('Deploy to blue failed after 1 attempt');
    expect(failed).toContain('command exited with status 1');
    expect(failed).toContain('r retry · i ignore and go on (as continue_on_error)');
    expect(failed).toContain('c accept the failure: roll back, run finally · q abort');
    // While the person decides, the step is already failed: ✘, clock stopped, counted.
    expect(failed).toMatch(/✘ Deploy to blue/);
    expect(failed).toMatch(/✘ 1 failed/);
    expect(failed).not.toMatch(/▶ Deploy to blue/);
    expect(failed).toContain('restarting gunicorn');
    await ui.press('r');
    await done;
    expect(run.decisions).toEqual([{ decision: 'retry', by: 'person', note: 'retry chosen in the TUI' }]);
    const frame = await ui.waitForFrame('Drill passed');
    expect(frame).toMatch(/✔ Deploy to blue\s+↻1\s+1\.2s/);
    expect(frame).toContain('── attempt 2 ──');
  });

  it('engine retries show as retrying and are counted', async () => {
    const run = fakeEngine([{ id: 'flaky', failures: 2, retries: 2 }]);
    const { ui, done } = mount(run);
    await done;
    const frame = await ui.waitForFrame('Drill passed');
    expect(frame).toMatch(/✔ flaky\s+↻2/);
    expect(frame).toContain('retrying in 0s: exit 1');
    expect(run.decisions).toEqual([]);
  });

  it('c accepts the failure: the step stays failed, later steps never run, exit 1; Enter decides nothing', async () => {
    const run = fakeEngine([{ id: 'deploy-blue', failures: Number.POSITIVE_INFINITY }, { id: 'next' }]);
    const { ui, done } = mount(run);
    await ui.waitForFrame('r retry');
    await ui.press(keys.enter);
    expect(run.decisions).toEqual([]);
    await ui.press('c');
    const end = await done;
    expect(run.decisions).toEqual([{ decision: 'fail', by: 'person', note: 'failure accepted in the TUI' }]);
    expect(end.exitCode).toBe(1);
    const frame = await ui.waitForFrame('Drill failed');
    expect(frame).toMatch(/✘ deploy-blue — command exited with status 1/);
    expect(frame).toContain('1 passed, 1 failed, 0 skipped · exit 1');
  });

  it('q asks first; n keeps going; q then y aborts with reason user and finally still runs', async () => {
    const run = fakeEngine(
      [blackhole, { id: 'dns' }],
      [{ id: 'restore-blue', name: 'Restore blue', output: ['restored'] }],
    );
    const { ui, done } = mount(run);
    await ui.waitForFrame('a/Enter approve');
    await ui.press('q');
    await ui.waitForFrame('Abort drill? finally steps will run. y/n');
    await ui.press('n');
    await ui.waitForFrame((f) => !f.includes('Abort drill?'));
    expect(run.abortReason()).toBeUndefined();
    await ui.press('q');
    await ui.waitForFrame('Abort drill?');
    await ui.press('y');
    const end = await done;
    expect(run.abortReason()).toBe('user');
    expect(run.decisions.map((d) => d.decision)).toEqual(['abort']);
    expect(run.stepsRun).toEqual(['blackhole-blue', 'restore-blue']);
    expect(end.status).toBe('aborted');
    const frame = await ui.waitForFrame('Drill aborted');
    expect(frame).toMatch(/✔ finally: Restore blue/);
    expect(frame).toMatch(/↷ dns/);
  });

  it('Ctrl-C aborts a running step with SIGINT; finally runs and is shown', async () => {
    const run = fakeEngine(
      [{ id: 'soak', name: 'Soak', untilAborted: true, output: ['line one', 'line two'] }],
      [{ id: 'restore', name: 'Restore', output: ['restoring blue'] }],
    );
    const { ui, done } = mount(run);
    const running = await ui.waitForFrame('line two');
    expect(running).toMatch(/▶ Soak/);
    expect(running).toContain('output · Soak');
    await ui.press(keys.ctrlC);
    const end = await done;
    expect(run.abortReason()).toBe('SIGINT');
    expect(end.exitCode).toBe(130);
    const frame = await ui.waitForFrame('Drill aborted');
    expect(frame).toMatch(/■ Soak/);
    expect(frame).toMatch(/✔ finally: Restore/);
    expect(frame).toContain('restoring blue');
    expect(frame).toContain('exit 130');
  });

  it('Ctrl-C at a gate cancels the question (the engine records it) and Ctrl-C again stops finally too', async () => {
    const run = fakeEngine([blackhole], [{ id: 'restore', name: 'Restore', untilForced: true }]);
    const { ui, done } = mount(run);
    await ui.waitForFrame('a/Enter approve');
    await ui.press(keys.ctrlC);
    await ui.waitForFrame('Aborting (SIGINT)');
    await ui.waitForFrame((f) => !f.includes('a/Enter approve'));
    expect(run.decisions).toEqual([{ decision: 'skip', by: 'policy', note: 'not approved: SIGINT' }]);
    await ui.waitForFrame((f) => /▶ finally: Restore/.test(f));
    expect(run.forceReason()).toBeUndefined();
    await ui.press(keys.ctrlC);
    await done;
    expect(run.forceReason()).toBe('SIGINT');
    await ui.waitForFrame('SIGINT again: stopping rollback and finally steps too');
  });

  it('? shows the help overlay and ? closes it', async () => {
    const run = fakeEngine([blackhole]);
    const { ui, done } = mount(run);
    await ui.waitForFrame('a/Enter approve');
    await ui.press('?');
    const help = await ui.waitForFrame('Keys');
    // At a gate in a short window the gate's keys come first; the failure keys wait for room.
    expect(help).toContain('approve the gate');
    expect(help).toContain('search the output');
    await ui.press('a'); // keys do not leak through the overlay
    expect(run.decisions).toEqual([]);
    await ui.press('?');
    await ui.waitForFrame((f) => !f.includes('close this help'));
    await ui.press('a');
    await done;
    expect(run.decisions.map((d) => d.decision)).toEqual(['approve']);
  });

  it('j/k select a finished step and show its output; Esc follows the live step', async () => {
    const run = fakeEngine([
      { id: 'alpha', output: ['alpha-out'] },
      { id: 'beta', output: ['beta-out'] },
      { ...blackhole, output: ['gamma-out'] },
    ]);
    const { ui, done } = mount(run);
    await ui.waitForFrame('a/Enter approve');
    expect(ui.frame()).not.toContain('beta-out');
    await ui.press('k');
    const beta = await ui.waitForFrame('beta-out');
    expect(beta).toMatch(/output · beta.* · Esc: live step/);
    await ui.press(keys.up);
    await ui.waitForFrame('alpha-out');
    await ui.press('j');
    await ui.waitForFrame('beta-out');
    await ui.press(keys.escape);
    await ui.waitForFrame((f) => f.includes('output · Blackhole blue') && !f.includes('beta-out'));
    await ui.press('a');
    await done;
  });
});
