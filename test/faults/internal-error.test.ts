import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { assertBuilt, BIN, cleanEnv, expectNoProcesses, uniqueSleep, workspace } from '../support/cli.js';

/**
 * A bug that escapes every handler, made real: a module preloaded into the drillbook process
 * throws from a timer while a step runs, as a bug in an event handler would.
 */
function runWithBug(cwd: string, args: string[], env: Record<string, string> = {}) {
  assertBuilt();
  const bug = 'data:text/javascript,setTimeout(()=>{throw new Error("simulated bug\\nsecond line")},1500)';
  const child = spawn(process.execPath, ['--import', bug, BIN, ...args], {
    cwd,
    env: cleanEnv(cwd, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('an internal error that escapes', () => {
  it('prints one line with the run directory, no stack trace, kills the step, exit 70', async () => {
    const ws = workspace();
    const sleep = uniqueSleep(300);
    ws.write('rb.yaml', `drillbook: 1\nname: buggy\nsteps:\n  - id: long\n    run: sleep ${sleep}\n`);
    const r = await runWithBug(ws.dir, ['run', 'rb.yaml']);
    expect(r.code, r.stderr).toBe(70);
    expect(r.stderr).not.toContain('    at ');
    const runDir = ws.runDirs()[0] ?? 'no run dir';
    expect(r.stderr.trim().split('\n')).toEqual([
      `drillbook: internal error: simulated bug; the run's journal is in ${runDir} (DRILLBOOK_DEBUG=1 shows the stack trace)`,
    ]);
    await expectNoProcesses(`sleep ${sleep}`);
  });

  it('DRILLBOOK_DEBUG=1 adds the stack trace for developers', async () => {
    const ws = workspace();
    const sleep = uniqueSleep(300);
    ws.write('rb.yaml', `drillbook: 1\nname: buggy\nsteps:\n  - id: long\n    run: sleep ${sleep}\n`);
    const r = await runWithBug(ws.dir, ['run', 'rb.yaml'], { DRILLBOOK_DEBUG: '1' });
    expect(r.code, r.stderr).toBe(70);
    expect(r.stderr).toMatch(/^drillbook: internal error: simulated bug; the run's journal is in /);
    expect(r.stderr).toContain('    at ');
  });
});
