import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assertBuilt, BIN, cleanEnv, workspace } from '../support/cli.js';

/**
 * The console failing under the drill: `drillbook run ... > log` on a full disk (here the
 * real /dev/full, which fails every write with ENOSPC), stderr too. The console is only a
 * view: rollback, finally and the reports still run, and the exit code is the drill's.
 * It used to be exit 70 with finally and the reports never run.
 */
function runInto(cwd: string, args: string[], stdoutPath: string, stderrPath: string) {
  assertBuilt();
  const out = openSync(stdoutPath, 'w');
  const err = openSync(stderrPath, 'w');
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: cleanEnv(cwd, {}),
    stdio: ['ignore', out, err],
  });
  closeSync(out);
  closeSync(err);
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve(code);
    }),
  );
}

const DRILL = `drillbook: 1
name: console-full
steps:
  - id: did
    run: for i in $(seq 1 500); do echo line $i; done
    undo:
      run: echo undone > undone.txt
  - id: breaks
    run: exit 3
finally:
  - id: restore
    run: echo restored > finally.txt
`;

describe.skipIf(!existsSync('/dev/full'))('stdout and stderr on a full disk (/dev/full)', () => {
  it('rollback and finally run, the reports are written, exit 1 (not 70)', async () => {
    const ws = workspace();
    ws.write('rb.yaml', DRILL);
    for (const stderr of [ws.path('stderr.txt'), '/dev/full']) {
      const code = await runInto(ws.dir, ['run', 'rb.yaml', '--json', 'r.json'], '/dev/full', stderr);
      const said = stderr === '/dev/full' ? '' : readFileSync(stderr, 'utf8');
      expect(code, said).toBe(1);
      expect(said).not.toContain('internal error');
      expect(ws.read('undone.txt')).toBe('undone\n');
      expect(ws.read('finally.txt')).toBe('restored\n');
      const report = JSON.parse(ws.read('r.json')) as { status: string };
      expect(report.status).toBe('failed');
    }
  });
});
