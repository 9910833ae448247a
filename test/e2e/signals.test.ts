import { describe, expect, it } from 'vitest';
import {
  expectNoProcesses,
  processesMatching,
  startCli,
  uniqueSleep,
  waitUntil,
  workspace,
} from '../support/cli.js';
import { caseNamed, journalEvents, jsonReport, junitCases, stepNamed } from './reports.js';

/** A long step whose shell starts a grandchild, and a finally step that leaves a marker. */
function longDrill(sleep: string): string {
  return `drillbook: 1
name: interrupted
steps:
  - id: warmup
    run: echo warm
  - id: long
    name: Long step
    run: sh -c 'sleep ${sleep} & sleep ${sleep}; wait'
  - id: after
    run: touch after-ran
finally:
  - id: restore
    run: echo restored > finally-marker
`;
}

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
  // The SSH session or terminal that started the drill closed: it used to kill drillbook
  // outright (no rollback, no finally, no reports).
  ['SIGHUP', 129],
] as const)('%s during a long step', (sig, exitCode) => {
  it(`exits ${exitCode}, runs finally, writes valid reports and leaves no process behind`, async () => {
    const ws = workspace();
    const sleep = uniqueSleep(300);
    ws.write('rb.yaml', longDrill(sleep));
    const cli = startCli(['run', 'rb.yaml', '--junit', 'junit.xml', '--json', 'report.json'], {
      cwd: ws.dir,
    });
    await cli.waitForStdout(/start\s+Long step/);
    // Both sleeps running means the grandchild exists too: the kill must reach it.
    await waitUntil(() => processesMatching(`sleep ${sleep}`).length >= 2, 'the step to start its sleeps');
    cli.signal(sig);
    const r = await cli.done;

    expect(r.code, cli.transcript()).toBe(exitCode);
    expect(ws.read('finally-marker')).toBe('restored\n');
    expect(ws.exists('after-ran')).toBe(false);
    await expectNoProcesses(`sleep ${sleep}`);
    expect(r.stdout).toMatch(/interrupted\s+Long step/);
    expect(r.stderr).toContain(sig);

    const long = caseNamed(await junitCases(ws.path('junit.xml')), 'Long step');
    expect(long.failure).toContain(`interrupted: ${sig}`);
    const report = jsonReport(ws.path('report.json'));
    expect(report.status).toBe('interrupted');
    expect(report.exitCode).toBe(exitCode);
    expect(stepNamed(report, 'long').status).toBe('interrupted');
    expect(stepNamed(report, 'restore').status).toBe('passed');

    const [runDir] = ws.runDirs();
    const events = journalEvents(`${runDir}/journal.jsonl`);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'interrupted', exitCode });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'step-end', stepId: 'long', status: 'interrupted' }),
    );
  });
});
