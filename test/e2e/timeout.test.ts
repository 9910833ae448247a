import { describe, expect, it } from 'vitest';
import { expectNoProcesses, runCli, uniqueSleep, workspace } from '../support/cli.js';
import { caseNamed, jsonReport, junitCases, stepNamed } from './reports.js';

function timeoutDrill(command: string): string {
  return `drillbook: 1
name: timeouts
steps:
  - id: slow
    name: Slow step
    run: ${JSON.stringify(command)}
    timeout: 1s
  - id: next
    run: touch next-ran
`;
}

describe('step timeout', () => {
  it('fails the step "timed out after 1.0s" and kills the grandchildren too', async () => {
    const ws = workspace();
    const sleep = uniqueSleep(60);
    ws.write('rb.yaml', timeoutDrill(`sh -c 'sleep ${sleep} & sleep ${sleep}; wait'`));
    const r = await runCli(['run', 'rb.yaml', '--junit', 'junit.xml', '--json', 'report.json'], {
      cwd: ws.dir,
    });
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/failed\s+Slow step.*timed out after 1\.0s/);
    expect(ws.exists('next-ran')).toBe(false);
    await expectNoProcesses(`sleep ${sleep}`);
    expect(caseNamed(await junitCases(ws.path('junit.xml')), 'Slow step').failure).toContain(
      'timed out after 1.0s',
    );
    expect(stepNamed(jsonReport(ws.path('report.json')), 'slow').reason).toContain('timed out after 1.0s');
  });

  it('SIGKILLs a child that ignores SIGTERM once the grace period is over', async () => {
    const ws = workspace();
    const sleep = uniqueSleep(60);
    // The ignored TERM is inherited by both sleeps: only SIGKILL ends them.
    ws.write('rb.yaml', timeoutDrill(`trap '' TERM; sleep ${sleep} & sleep ${sleep}; wait`));
    const r = await runCli(['run', 'rb.yaml', '--json', 'report.json'], { cwd: ws.dir });
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/failed\s+Slow step.*timed out after 1\.0s/);
    await expectNoProcesses(`sleep ${sleep}`);
    const slow = stepNamed(jsonReport(ws.path('report.json')), 'slow');
    // 1 s timeout + the SIGTERM grace period before SIGKILL (2 s); far from 60 s.
    expect(slow['durationMs']).toBeGreaterThanOrEqual(2000);
    expect(slow['durationMs']).toBeLessThan(20_000);
  });
});
