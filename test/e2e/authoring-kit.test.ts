import { describe, expect, it, onTestFinished } from 'vitest';
import { assertBuilt, runCli, workspace } from '../support/cli.js';

describe('drillbook init against the sandbox', () => {
  it('the starter runbook runs against the practice world and passes; report prints its summary', async () => {
    assertBuilt();
    const ws = workspace();
    const opts = { cwd: ws.dir, timeoutMs: 120_000 };
    expect((await runCli(['init', '--yaml', 'first'], opts)).code).toBe(0);
    const up = await runCli(['sandbox', '--detach', '--alarm-delay', '300ms'], opts);
    expect(up.code, up.stderr).toBe(0);
    onTestFinished(async () => {
      await runCli(['sandbox', '--stop'], opts);
    });
    const run = await runCli(['run', 'first.yaml', '--headless', '--yes'], opts);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Drill passed/);
    expect(run.stdout).toMatch(/Front fails over to green\s+passed/);
    expect(run.stdout).toMatch(/Restore blue\s+passed/);

    // `report` with neither --junit nor --json: the summary, not an error.
    const [dir] = ws.runDirs();
    const report = await runCli(['report', dir ?? ''], opts);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stderr).toBe('');
    expect(report.stdout).toMatch(/^Summary: Starter drill \(first\), run /);
    expect(report.stdout).toMatch(/Stop blue\s+passed/);
    expect(report.stdout).toMatch(/Drill passed/);

    // The Markdown starter is the same drill, and runs the same.
    expect((await runCli(['init', '--md', 'second'], opts)).code).toBe(0);
    const md = await runCli(['run', 'second.md', '--headless', '--yes'], opts);
    expect(md.code, md.stdout + md.stderr).toBe(0);
    expect(md.stdout).toMatch(/Front fails over to green\s+passed/);
  }, 180_000);
});
