import { describe, expect, it } from 'vitest';
import { runCli, STACK_FRAME, startCli, uniqueSleep, workspace } from '../support/cli.js';
import { caseNamed, journalEvents, jsonReport, junitCases, stepNamed } from './reports.js';

function killedDrill(sleep: string): string {
  return `name: killed
steps:
  - id: deploy
    run: echo deployed > deployed
    undo: { run: "echo undo-deploy >> undo-log" }
  - id: attack
    name: Blackhole blue
    run: "echo attacking; sleep ${sleep}"
    undo: { run: "echo undo-attack >> undo-log" }
  - id: never
    run: touch never
    undo: { run: "echo undo-never >> undo-log" }
finally:
  - { id: restore, name: Restore blue, run: echo restored >> finally-log }
`;
}

describe('drillbook finally <run-dir>', () => {
  it('refuses a live run, then after a real kill -9 runs its undo and finally once, appended to its journal', async () => {
    const ws = workspace();
    ws.write('rb.yaml', killedDrill(uniqueSleep(120)));
    const run = startCli(['run', 'rb.yaml', '--headless', '--run-dir', 'run'], {
      cwd: ws.dir,
      timeoutMs: 120_000,
    });
    await run.waitForStdout('attacking');

    // The run is alive: finally must not race it.
    const live = await runCli(['finally', 'run', '--yes'], { cwd: ws.dir });
    expect(live.code, live.stderr).toBe(2);
    expect(live.stderr).toContain(`drillbook pid ${run.pid}`);
    expect(live.stderr).toContain('nothing was run');
    expect(ws.exists('finally-log')).toBe(false);
    expect(ws.exists('undo-log')).toBe(false);

    run.signal('SIGKILL');
    await run.done;
    // Killed: its finally never ran, and the journal has no end.
    expect(ws.exists('finally-log')).toBe(false);
    expect(journalEvents(ws.path('run/journal.jsonl')).some((e) => e.type === 'run-end')).toBe(false);

    const late = await runCli(
      ['finally', 'run', '--junit', 'f.xml', '--json', 'f.json', '--html', 'f.html'],
      {
        cwd: ws.dir,
        timeoutMs: 60_000,
      },
    );
    expect(late.code, `${late.stdout}\n${late.stderr}`).toBe(0);
    expect(late.stderr).not.toContain(STACK_FRAME);
    expect(late.stdout).toContain('undo of 2 step(s) (attack, deploy), then 1 finally step(s) (restore)');
    // Undo in reverse order of acting, only for steps that acted; then finally.
    expect(ws.read('undo-log')).toBe('undo-attack\nundo-deploy\n');
    expect(ws.read('finally-log')).toBe('restored\n');
    expect(ws.exists('never')).toBe(false);

    // The journal now ends the story; report rebuilds all of it.
    const events = journalEvents(ws.path('run/journal.jsonl'));
    expect(events.filter((e) => e.type === 'run-start')).toHaveLength(1);
    const end = events.at(-1)!;
    expect(end).toMatchObject({ type: 'run-end', status: 'interrupted' });
    expect(String(end['reason'])).toContain('rollback and finally completed later by drillbook finally');
    expect(events.find((e) => e.type === 'step-end' && e['stepId'] === 'attack')).toMatchObject({
      status: 'interrupted',
    });
    const report = await runCli(['report', 'run', '--json', 'r.json', '--junit', 'r.xml'], { cwd: ws.dir });
    expect(report.code).toBe(1);
    const json = jsonReport(ws.path('r.json'));
    expect(json.complete).toBe(true);
    expect(stepNamed(json, 'deploy').status).toBe('passed');
    expect(stepNamed(json, 'attack').status).toBe('interrupted');
    expect(stepNamed(json, 'undo/attack', 'undo').status).toBe('passed');
    expect(stepNamed(json, 'restore', 'finally').status).toBe('passed');
    const cases = await junitCases(ws.path('r.xml'));
    expect(caseNamed(cases, 'Restore blue').failure).toBeUndefined();
    // The reports finally wrote itself tell the same whole story.
    expect(stepNamed(jsonReport(ws.path('f.json')), 'deploy').status).toBe('passed');
    expect(caseNamed(await junitCases(ws.path('f.xml')), 'Restore blue').failure).toBeUndefined();
    // The HTML report draws the whole run too: the killed run's steps and the cleanup's.
    const html = ws.read('f.html');
    expect(html).toContain('data-step="main:deploy"');
    expect(html).toContain('Restore blue');

    // A second finally does nothing, and says so.
    const again = await runCli(['finally', 'run'], { cwd: ws.dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('already ran its finally');
    expect(again.stdout).toContain('nothing to do');
    expect(ws.read('finally-log')).toBe('restored\n');
    expect(ws.read('undo-log')).toBe('undo-attack\nundo-deploy\n');

    // --force runs finally again on purpose.
    const forced = await runCli(['finally', 'run', '--force'], { cwd: ws.dir });
    expect(forced.code, forced.stderr).toBe(0);
    expect(ws.read('finally-log')).toBe('restored\nrestored\n');
  }, 120_000);

  it('--wait waits for a live run to end; when that run ran its own finally, nothing is left', async () => {
    const ws = workspace();
    ws.write('rb.yaml', killedDrill(uniqueSleep(120)));
    const run = startCli(['run', 'rb.yaml', '--headless', '--run-dir', 'run'], {
      cwd: ws.dir,
      timeoutMs: 120_000,
    });
    await run.waitForStdout('attacking');
    const waiting = startCli(['finally', 'run', '--wait', '60s'], { cwd: ws.dir, timeoutMs: 90_000 });
    await waiting.waitForStdout(`is still going (drillbook pid ${run.pid}); waiting up to`);
    // Jenkins' SIGTERM: the run stops its step and runs its own rollback and finally.
    run.signal('SIGTERM');
    expect((await run.done).code).toBe(143);
    const late = await waiting.done;
    expect(late.code, late.stderr).toBe(0);
    expect(late.stdout).toContain('nothing to do');
    expect(ws.read('finally-log')).toBe('restored\n');
    expect(ws.read('undo-log')).toBe('undo-attack\nundo-deploy\n');
  }, 120_000);

  it('a run that ended on its own has nothing left; a run with --rollback never gets no undo', async () => {
    const ws = workspace();
    ws.write('rb.yaml', killedDrill('0'));
    const done = await runCli(['run', 'rb.yaml', '--run-dir', 'done'], { cwd: ws.dir });
    expect(done.code, done.stdout).toBe(0);
    const nothing = await runCli(['finally', 'done'], { cwd: ws.dir });
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('nothing to do');
    expect(ws.read('finally-log')).toBe('restored\n');

    const sleep = uniqueSleep(120);
    ws.write('slow.yaml', killedDrill(sleep));
    const run = startCli(['run', 'slow.yaml', '--run-dir', 'norollback', '--rollback', 'never'], {
      cwd: ws.dir,
      timeoutMs: 120_000,
    });
    await run.waitForStdout('attacking');
    run.signal('SIGKILL');
    await run.done;
    const late = await runCli(['finally', 'norollback'], { cwd: ws.dir });
    expect(late.code, late.stderr).toBe(0);
    expect(late.stdout).toContain('running 1 finally step(s) (restore)');
    expect(ws.exists('undo-log')).toBe(false);
    expect(ws.read('finally-log')).toBe('restored\nrestored\n');
  }, 120_000);

  it('refuses what it cannot do safely: not a run directory, a missing secret', async () => {
    const ws = workspace();
    const notRun = await runCli(['finally', 'nowhere'], { cwd: ws.dir });
    expect(notRun.code).toBe(2);
    expect(notRun.stderr).toContain('not a drillbook run directory');
    expect(notRun.stderr).not.toContain(STACK_FRAME);

    const sleep = uniqueSleep(120);
    ws.write(
      'secret.yaml',
      `secrets: [DRILL_TOKEN]\nsteps:\n  - { id: wait, run: "echo waiting; sleep ${sleep}" }\nfinally:\n  - { id: restore, run: 'echo restored >> finally-log; echo "token=$DRILL_TOKEN"' }\n`,
    );
    const run = startCli(['run', 'secret.yaml', '--run-dir', 'run'], {
      cwd: ws.dir,
      env: { DRILL_TOKEN: 'token-value-1234' },
      timeoutMs: 120_000,
    });
    await run.waitForStdout('waiting');
    run.signal('SIGKILL');
    await run.done;
    const missing = await runCli(['finally', 'run'], { cwd: ws.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('DRILL_TOKEN');
    expect(ws.exists('finally-log')).toBe(false);
    const withIt = await runCli(['finally', 'run'], {
      cwd: ws.dir,
      env: { DRILL_TOKEN: 'token-value-1234' },
    });
    expect(withIt.code, withIt.stderr).toBe(0);
    expect(ws.read('finally-log')).toBe('restored\n');
    // Redacted as in run: in its console output and in the journal it appended to.
    expect(withIt.stdout).toContain('token=***');
    expect(withIt.stdout).not.toContain('token-value-1234');
    expect(ws.read('run/journal.jsonl')).not.toContain('token-value-1234');
  }, 120_000);
});
