import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processesMatching, uniqueSleep } from '../support/cli.js';
import { alive } from '../support/drill.js';
import { assertValidJunit } from '../support/xmllint.js';
import { healthyDir, runInProcess, writeRunbook } from './in-process.js';

const pidOf = (pattern: string) => Number(processesMatching(pattern)[0]?.split(' ')[0] ?? Number.NaN);

describe.skipIf(process.platform !== 'linux')('processes a step leaves outside its process group', () => {
  it('are named (pid and command line) in the output and both reports, and killed; leave_running keeps them', async () => {
    const dir = healthyDir();
    const [held, quiet, nohup, daemon, kept, keptHolding] = [1, 2, 3, 4, 5, 6].map(() =>
      uniqueSleep(300),
    ) as [string, string, string, string, string, string];
    const runbook = writeRunbook(
      dir,
      `drillbook: 1
name: leftovers
steps:
  # Holds the step's stdout: the step must end now, not at its timeout.
  - id: held
    run: setsid sleep ${held} & echo started
    timeout: 20s
  - id: quiet
    run: setsid sleep ${quiet} >/dev/null 2>&1 & sleep 0.3
  - id: nohup
    run: nohup setsid sleep ${nohup} >/dev/null 2>&1 & sleep 0.3
  # A double-fork daemon: its parent exits, it is re-parented, in a session of its own.
  - id: daemon
    run: (setsid sh -c 'sleep ${daemon} & exit' >/dev/null 2>&1 &); sleep 0.3
  # An ordinary background job of the step's own group is still waited for, output kept.
  - id: background
    run: (sleep 0.3; echo late) & echo early
  - id: kept
    leave_running: true
    run: setsid sleep ${kept} >/dev/null 2>&1 & sleep 0.3
  # Kept, and holding the step's stdout: the step still ends now, not at its timeout.
  - id: kept-holding
    leave_running: true
    timeout: 20s
    run: setsid sleep ${keptHolding} & sleep 0.3
`,
    );
    const junit = join(dir, 'drill.xml');
    const json = join(dir, 'drill.json');
    const started = Date.now();
    const r = await runInProcess(runbook, dir, { junit, json });
    expect(r.code, r.stdout).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    const keptPids = [kept, keptHolding].map((sleep) => pidOf(`sleep ${sleep}`));
    try {
      for (const [i, sleep] of [kept, keptHolding].entries()) {
        expect(alive(keptPids[i] ?? 0), sleep).toBe(true);
        expect(r.stdout).toContain(
          `drillbook: left running pid ${keptPids[i]} \`sleep ${sleep}\` (leave_running: true)`,
        );
      }
      const junitText = readFileSync(junit, 'utf8');
      const jsonText = readFileSync(json, 'utf8');
      for (const sleep of [held, quiet, nohup, daemon]) {
        const line = new RegExp(`killed leftover pid (\\d+) \`sleep ${sleep.replace('.', '\\.')}\``);
        const pid = Number(r.stdout.match(line)?.[1]);
        expect(pid, `${sleep} in\n${r.stdout}`).toBeGreaterThan(0);
        expect(alive(pid)).toBe(false);
        expect(junitText).toMatch(line);
        expect(jsonText).toMatch(line);
      }
      expect(processesMatching(held)).toEqual([]);
      expect(r.stdout).toMatch(/early\n[\s\S]*late\n/);
      expect(r.stdout).not.toMatch(/killed leftover pid \d+ `sleep 0\.3`/);
      assertValidJunit(junit);
    } finally {
      for (const pid of keptPids) if (pid > 0) process.kill(pid, 'SIGKILL');
    }
  });

  it("an undo does not inherit its step's leave_running: what the undo leaves behind is killed", async () => {
    const dir = healthyDir();
    const [kept, byUndo] = [uniqueSleep(300), uniqueSleep(300)];
    const runbook = writeRunbook(
      dir,
      `drillbook: 1
name: undo-leftovers
steps:
  - id: start-daemon
    leave_running: true
    run: setsid sleep ${kept} >/dev/null 2>&1 & sleep 0.3
    undo:
      run: setsid sleep ${byUndo} >/dev/null 2>&1 & sleep 0.3
  - id: breaks
    run: exit 1
`,
    );
    try {
      const r = await runInProcess(runbook, dir);
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`left running pid \\d+ \`sleep ${kept.replace('.', '\\.')}\``));
      expect(r.stdout).toMatch(
        new RegExp(`killed leftover pid \\d+ \`sleep ${byUndo.replace('.', '\\.')}\``),
      );
      expect(processesMatching(byUndo)).toEqual([]);
    } finally {
      for (const sleep of [kept, byUndo]) {
        const pid = pidOf(sleep);
        if (pid > 0) process.kill(pid, 'SIGKILL');
      }
    }
  });
});
