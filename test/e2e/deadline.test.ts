import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectNoProcesses, runCli, uniqueSleep, workspace } from '../support/cli.js';
import { caseNamed, journalEvents, jsonReport, junitCases, stepNamed } from './reports.js';

describe('run --deadline', () => {
  it('stops a sleeping step in time, runs finally, exits 124, and every report says deadline', async () => {
    const ws = workspace();
    const sleep = uniqueSleep(120);
    ws.write(
      'rb.yaml',
      `name: deadline
finally_budget: 1s
steps:
  - { id: attack, name: Long attack, run: "sleep ${sleep}" }
  - { id: after, run: touch after-ran }
finally:
  - { id: restore, name: Restore blue, run: "sleep 1; echo restored > marker" }
`,
    );
    const r = await runCli(
      [
        'run',
        'rb.yaml',
        '--deadline',
        '6s',
        '--junit',
        'junit.xml',
        '--json',
        'report.json',
        '--run-dir',
        'run',
      ],
      { cwd: ws.dir, timeoutMs: 60_000 },
    );
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(124);
    // The attack had started (a loaded machine can take seconds to start Node) and was stopped.
    expect(r.stdout).toMatch(/interrupted\s+Long attack/);
    const reason = 'deadline 6s reached (finally budget 1s kept)';
    expect(r.stdout).toContain(`Drill aborted (exit 124)`);
    expect(r.stdout).toContain(reason);
    expect(ws.read('marker')).toBe('restored\n');
    expect(ws.exists('after-ran')).toBe(false);
    await expectNoProcesses(`sleep ${sleep}`);

    const cases = await junitCases(ws.path('junit.xml'));
    expect(caseNamed(cases, 'Long attack').failure).toContain(reason);
    expect(caseNamed(cases, 'Restore blue').failure).toBeUndefined();
    expect(readFileSync(ws.path('junit.xml'), 'utf8')).toMatch(
      /<property name="drillbook\.exitCode" value="124"\s*\/>/,
    );
    const json = jsonReport(ws.path('report.json'));
    expect(json).toMatchObject({ status: 'aborted', exitCode: 124 });
    expect(json.reason).toContain(reason);
    expect(stepNamed(json, 'restore').status).toBe('passed');
    const end = journalEvents(ws.path('run/journal.jsonl')).at(-1);
    expect(end).toMatchObject({ type: 'run-end', status: 'aborted', exitCode: 124 });
    expect(String(end?.['reason'])).toContain(reason);
  }, 90_000);

  it('resume --deadline stops the resumed run the same way', async () => {
    const ws = workspace();
    const sleep = uniqueSleep(120);
    ws.write(
      'rb.yaml',
      `name: resumed\nfinally_budget: 1s\nsteps:\n  - { id: first, run: "test -f fixed" }\n  - { id: slow, run: "sleep ${sleep}" }\nfinally:\n  - { id: restore, run: echo restored >> marker }\n`,
    );
    const failed = await runCli(['run', 'rb.yaml', '--run-dir', 'run'], { cwd: ws.dir });
    expect(failed.code).toBe(1);
    ws.write('fixed', '');
    const resumed = await runCli(['resume', 'run', '--json', 'r.json'], {
      cwd: ws.dir,
      env: { DRILLBOOK_DEADLINE: '6s' },
      timeoutMs: 60_000,
    });
    expect(resumed.code, `${resumed.stdout}\n${resumed.stderr}`).toBe(124);
    expect(jsonReport(ws.path('r.json')).reason).toContain('deadline 6s reached (finally budget 1s kept)');
    expect(ws.read('marker')).toBe('restored\nrestored\n');
    const bad = await runCli(['resume', 'run', '--deadline', 'soon'], { cwd: ws.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--deadline soon');
  }, 90_000);

  it('a finally_budget not shorter than the deadline is exit 2 before anything runs, with a JUnit that says why', async () => {
    const ws = workspace();
    ws.write('rb.yaml', 'name: tight\nfinally_budget: 15m\nsteps:\n  - { id: a, run: touch ran }\n');
    const r = await runCli(['run', 'rb.yaml', '--junit', 'junit.xml'], {
      cwd: ws.dir,
      env: { DRILLBOOK_DEADLINE: '10m' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rb\.yaml:2:\d+: finally_budget 15m is not shorter than --deadline 10m/);
    expect(ws.exists('ran')).toBe(false);
    expect(ws.runDirs()).toEqual([]);
    const [refused] = await junitCases(ws.path('junit.xml'));
    expect(refused?.failure).toContain('finally_budget 15m is not shorter');

    const bad = await runCli(['run', 'rb.yaml', '--deadline', '90'], { cwd: ws.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--deadline 90: "90" is not a duration');
    expect(bad.stderr).not.toContain('    at ');
  }, 60_000);
});
