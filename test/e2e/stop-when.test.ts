import { describe, expect, it } from 'vitest';
import {
  expectNoProcesses,
  processesMatching,
  startCli,
  uniqueSleep,
  waitUntil,
  workspace,
} from '../support/cli.js';
import { caseNamed, jsonReport, junitCases, stepNamed } from './reports.js';

describe('stop_when', () => {
  it('a tripped probe stops the running step, skips the rest, rolls back, runs finally, exit 1', async () => {
    const ws = workspace();
    const sleep = uniqueSleep(30);
    ws.write(
      'rb.yaml',
      `drillbook: 1
name: guarded
stop_when:
  every: 200ms
  probes:
    - id: healthy
      name: Site healthy
      run: test ! -f stopfile
steps:
  - id: long
    name: Long step
    run: sleep ${sleep}
    undo: { run: echo undo >> order.log }
  - id: next
    run: touch next.ran
finally:
  - id: restore
    run: echo finally >> order.log
`,
    );
    const cli = startCli(['run', 'rb.yaml', '--junit', 'junit.xml', '--json', 'report.json'], {
      cwd: ws.dir,
    });
    await cli.waitForStdout(/start\s+Long step/);
    await waitUntil(() => processesMatching(`sleep ${sleep}`).length > 0, 'the long step to start');
    ws.write('stopfile', '');
    const r = await cli.done;

    expect(r.code, cli.transcript()).toBe(1);
    expect(r.stdout).toMatch(/stop condition.*healthy/i);
    expect(r.stdout).toMatch(/Drill aborted.*stop condition: Site healthy/);
    expect(ws.exists('next.ran')).toBe(false);
    expect(ws.read('order.log')).toBe('undo\nfinally\n');
    await expectNoProcesses(`sleep ${sleep}`);

    const long = caseNamed(await junitCases(ws.path('junit.xml')), 'Long step');
    expect(long.failure).toContain('stop condition: Site healthy');
    const report = jsonReport(ws.path('report.json'));
    expect(report.exitCode).toBe(1);
    expect(report.reason).toContain('stop condition: Site healthy');
    expect(report.stopTripped).toEqual([expect.objectContaining({ probeId: 'healthy' })]);
    const step = stepNamed(report, 'long');
    expect(step.status).toBe('interrupted');
    expect(step['durationMs']).toBeLessThan(20_000);
    expect(stepNamed(report, 'next').status).toBe('skipped');
  });
});
