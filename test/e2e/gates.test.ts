import { describe, expect, it } from 'vitest';
import { runCli, workspace } from '../support/cli.js';
import { caseNamed, jsonReport, junitCases, stepNamed } from './reports.js';

const GATED = `drillbook: 1
name: gates
steps:
  - id: blackhole
    name: Blackhole blue
    confirm: Blackhole blue's dependencies?
    run: touch blackhole-ran
  - id: shutdown
    name: Shut blue down
    confirm: Shut blue down?
    run: touch shutdown-ran
`;

const REPORTS = ['--junit', 'junit.xml', '--json', 'report.json'];

describe('headless confirmation gates', () => {
  it('fail without approval, naming --yes and --approve, without waiting on an open stdin', async () => {
    const ws = workspace();
    ws.write('rb.yaml', GATED);
    // stdin is a pipe nobody writes to and nobody closes: reading it would hang until the kill.
    const r = await runCli(['run', 'rb.yaml', ...REPORTS], { cwd: ws.dir, stdin: 'open', timeoutMs: 20_000 });
    expect(r.signal, 'drillbook hung on stdin and was killed').toBeNull();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/failed\s+Blackhole blue.*--yes.*--approve blackhole/);
    expect(ws.exists('blackhole-ran')).toBe(false);
    expect(ws.exists('shutdown-ran')).toBe(false);

    const failure = caseNamed(await junitCases(ws.path('junit.xml')), 'Blackhole blue').failure;
    expect(failure).toContain('--yes');
    expect(failure).toContain('--approve blackhole');
    const gates = stepNamed(jsonReport(ws.path('report.json')), 'blackhole').gates;
    expect(gates).toEqual([expect.objectContaining({ decision: 'refused', by: 'policy' })]);
  });

  it('--yes approves every gate, and the reports say so', async () => {
    const ws = workspace();
    ws.write('rb.yaml', GATED);
    const r = await runCli(['run', 'rb.yaml', '--yes', ...REPORTS], { cwd: ws.dir, stdin: 'open' });
    expect(r.code, r.stdout).toBe(0);
    expect(ws.exists('blackhole-ran') && ws.exists('shutdown-ran')).toBe(true);
    const cases = await junitCases(ws.path('junit.xml'));
    expect(caseNamed(cases, 'Blackhole blue').out).toContain('approved by --yes');
    expect(caseNamed(cases, 'Shut blue down').out).toContain('approved by --yes');
    const report = jsonReport(ws.path('report.json'));
    for (const id of ['blackhole', 'shutdown'])
      expect(stepNamed(report, id).gates).toEqual([
        expect.objectContaining({ decision: 'approved', by: 'yes-flag' }),
      ]);
  });

  it('--approve ID and DRILLBOOK_APPROVE=ID approve those gates, each recorded with how', async () => {
    const ws = workspace();
    ws.write('rb.yaml', GATED);
    const r = await runCli(['run', 'rb.yaml', '--approve', 'blackhole', ...REPORTS], {
      cwd: ws.dir,
      env: { DRILLBOOK_APPROVE: 'shutdown' },
    });
    expect(r.code, r.stdout).toBe(0);
    expect(ws.exists('blackhole-ran') && ws.exists('shutdown-ran')).toBe(true);
    const cases = await junitCases(ws.path('junit.xml'));
    expect(caseNamed(cases, 'Blackhole blue').out).toContain('approved by --approve blackhole');
    expect(caseNamed(cases, 'Shut blue down').out).toContain('approved by DRILLBOOK_APPROVE=shutdown');
    const report = jsonReport(ws.path('report.json'));
    expect(stepNamed(report, 'blackhole').gates[0]).toMatchObject({
      decision: 'approved',
      by: 'approve-flag',
    });
    expect(stepNamed(report, 'shutdown').gates[0]).toMatchObject({ decision: 'approved', by: 'approve-env' });
  });

  it('--approve ID approves only that gate', async () => {
    const ws = workspace();
    ws.write('rb.yaml', GATED);
    const r = await runCli(['run', 'rb.yaml', '--approve', 'blackhole'], { cwd: ws.dir, stdin: 'open' });
    expect(r.code).toBe(1);
    expect(ws.exists('blackhole-ran')).toBe(true);
    expect(ws.exists('shutdown-ran')).toBe(false);
    expect(r.stdout).toMatch(/failed\s+Shut blue down.*--approve shutdown/);
  });
});
