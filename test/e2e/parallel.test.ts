import { describe, expect, it } from 'vitest';
import { expectNoProcesses, runCli, uniqueSleep, workspace } from '../support/cli.js';
import { jsonReport, stepNamed } from './reports.js';

describe('parallel groups', () => {
  it('take about as long as the slowest member, not the sum', async () => {
    const ws = workspace();
    ws.write(
      'rb.yaml',
      `drillbook: 1
name: parallel
steps:
  - id: group
    name: Three at once
    parallel:
      - { id: m1, run: sleep 1; touch m1.ran }
      - { id: m2, run: sleep 1; touch m2.ran }
      - { id: m3, run: sleep 1; touch m3.ran }
`,
    );
    const r = await runCli(['run', 'rb.yaml', '--json', 'report.json'], { cwd: ws.dir });
    expect(r.code, r.stdout).toBe(0);
    expect(['m1', 'm2', 'm3'].every((m) => ws.exists(`${m}.ran`))).toBe(true);
    const report = jsonReport(ws.path('report.json'));
    // Measured by drillbook itself, so Node's start-up on a busy machine does not count.
    const group = stepNamed(report, 'group')['durationMs'] as number;
    expect(group).toBeGreaterThanOrEqual(1000);
    expect(group).toBeLessThan(2500);
    for (const m of ['m1', 'm2', 'm3']) expect(stepNamed(report, m).status).toBe('passed');
  });

  it('fail_fast: one member failing cancels the others (and their processes) and fails the drill', async () => {
    const ws = workspace();
    const sleep = uniqueSleep(20);
    ws.write(
      'rb.yaml',
      `drillbook: 1
name: failfast
steps:
  - id: group
    name: Fail fast
    fail_fast: true
    parallel:
      - { id: quick-fail, run: sleep 0.2; exit 3 }
      - { id: slow-a, run: sleep ${sleep}; touch a.ran }
      - { id: slow-b, run: sleep ${sleep}; touch b.ran }
  - id: after
    run: touch after.ran
`,
    );
    const r = await runCli(['run', 'rb.yaml', '--json', 'report.json'], { cwd: ws.dir });
    expect(r.code, r.stdout).toBe(1);
    await expectNoProcesses(`sleep ${sleep}`);
    expect(ws.exists('a.ran') || ws.exists('b.ran') || ws.exists('after.ran')).toBe(false);
    const report = jsonReport(ws.path('report.json'));
    expect(stepNamed(report, 'quick-fail')).toMatchObject({
      status: 'failed',
      reason: 'command exited with status 3',
    });
    for (const id of ['slow-a', 'slow-b']) {
      const member = stepNamed(report, id);
      expect(member.status).not.toBe('passed');
      expect(member.reason).toMatch(/cancelled: quick-fail failed/);
      expect(member['durationMs']).toBeLessThan(10_000);
    }
    expect(stepNamed(report, 'group').status).toBe('failed');
  });

  it('fail_fast: false lets the other members finish', async () => {
    const ws = workspace();
    ws.write(
      'rb.yaml',
      `drillbook: 1
name: patient
steps:
  - id: group
    fail_fast: false
    parallel:
      - { id: quick-fail, run: exit 3 }
      - { id: slow, run: sleep 0.5; touch slow.ran }
`,
    );
    const r = await runCli(['run', 'rb.yaml'], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(ws.exists('slow.ran')).toBe(true);
  });
});
