import { describe, expect, it } from 'vitest';
import {
  processesMatching,
  runCli,
  startCli,
  uniqueSleep,
  type Workspace,
  waitUntil,
  workspace,
} from '../support/cli.js';

/**
 * Every step appends to its own counter file, so a test can tell which steps ran and how often.
 * `pick` saves a value that depends on a file the test changes between runs: a later step
 * seeing the first value proves the saved var came from the journal, not from running again.
 * `gate` fails until the file `go` exists.
 */
const DRILL = `drillbook: 1
name: resumable
steps:
  - id: pick
    run: echo x >> pick.count; cat seed
    save: colour
  - id: gate
    name: Gate
    run: echo x >> gate.count; test -f go
  - id: use
    run: echo x >> use.count; echo "colour is {{ vars.colour }}" > use.out
finally:
  - id: restore
    run: echo x >> restore.count
`;

function counts(ws: Workspace): Record<string, number> {
  const count = (id: string) =>
    ws.exists(`${id}.count`) ? ws.read(`${id}.count`).split('\n').length - 1 : 0;
  return { pick: count('pick'), gate: count('gate'), use: count('use'), restore: count('restore') };
}

function onlyRun(ws: Workspace): string {
  const [dir, ...more] = ws.runDirs();
  if (!dir || more.length > 0) throw new Error(`expected one run, found ${ws.runDirs().join(', ')}`);
  return dir;
}

describe('drillbook resume', () => {
  it('continues from the first step that did not pass, with the saved vars of the first run', async () => {
    const ws = workspace();
    ws.write('rb.yaml', DRILL);
    ws.write('seed', 'blue\n');
    const first = await runCli(['run', 'rb.yaml'], { cwd: ws.dir });
    expect(first.code, first.stdout).toBe(1);
    expect(counts(ws)).toEqual({ pick: 1, gate: 1, use: 0, restore: 1 });
    const runDir = onlyRun(ws);

    ws.write('seed', 'green\n');
    ws.write('go', '');
    const resumed = await runCli(['resume', runDir, '--junit', 'junit.xml'], { cwd: ws.dir });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/1 step\(s\) already passed/);
    expect(counts(ws)).toEqual({ pick: 1, gate: 2, use: 1, restore: 2 });
    expect(ws.read('use.out')).toBe('colour is blue\n');
    expect(ws.runDirs()).toHaveLength(2);
  });

  it('continues after kill -9, running the interrupted step again', async () => {
    const ws = workspace();
    const sleep = uniqueSleep(300);
    ws.write('rb.yaml', DRILL.replace('test -f go', `test -f go || sleep ${sleep}`));
    ws.write('seed', 'blue\n');
    const cli = startCli(['run', 'rb.yaml'], { cwd: ws.dir });
    await cli.waitForStdout(/start\s+Gate/);
    await waitUntil(() => processesMatching(`sleep ${sleep}`).length > 0, 'the gate step to start');
    cli.signal('SIGKILL');
    await cli.done;
    expect(counts(ws)).toEqual({ pick: 1, gate: 1, use: 0, restore: 0 });

    ws.write('go', '');
    const resumed = await runCli(['resume', onlyRun(ws)], { cwd: ws.dir });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(counts(ws)).toEqual({ pick: 1, gate: 2, use: 1, restore: 1 });
    expect(ws.read('use.out')).toBe('colour is blue\n');
  });

  it('refuses, exit 2, when the runbook changed since the run, and runs nothing', async () => {
    const ws = workspace();
    ws.write('rb.yaml', DRILL);
    ws.write('seed', 'blue\n');
    expect((await runCli(['run', 'rb.yaml'], { cwd: ws.dir })).code).toBe(1);
    ws.write('rb.yaml', DRILL.replace('test -f go', 'true'));
    const before = counts(ws);

    const r = await runCli(['resume', onlyRun(ws)], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rb\.yaml changed since run .*drillbook run/);
    expect(counts(ws)).toEqual(before);
    expect(ws.runDirs()).toHaveLength(1);
  });
});
