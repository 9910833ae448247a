import { describe, expect, it } from 'vitest';
import { runCli, workspace } from '../support/cli.js';
import { DRILL_TOKEN, HTML_DRILL_YAML } from '../support/html-drill.js';
import { assertWellFormed, EXTERNAL } from '../support/well-formed.js';

describe('--html and history from the command line', () => {
  it('run --html writes the page, report --html rebuilds it from the journal, history lists the run', async () => {
    const ws = workspace();
    ws.write('drill.yaml', HTML_DRILL_YAML);
    const env = { DRILL_TOKEN };
    const run = await runCli(['run', 'drill.yaml', '--headless', '--yes', '--html', 'out/drill.html'], {
      cwd: ws.dir,
      env,
    });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^report: \/.*\/out\/drill\.html$/m);
    const page = ws.read('out/drill.html');
    assertWellFormed(page);
    expect(page).not.toMatch(EXTERNAL);
    expect(page).not.toContain(DRILL_TOKEN);
    expect(page).toMatch(/<rect data-step="main:blackhole" data-gate="approved"/);

    const [runDir] = ws.runDirs();
    const again = await runCli(['report', runDir!, '--html', 'again.html'], { cwd: ws.dir, env });
    expect(again.code).toBe(1);
    const rebuilt = ws.read('again.html');
    const steps = (p: string) => [...p.matchAll(/<rect data-step="([^"]+)"/g)].map((m) => m[1]).join(' ');
    expect(steps(rebuilt)).toBe(steps(page));

    const history = await runCli(['history'], { cwd: ws.dir, env });
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(
      /^time +runbook +verdict +duration\n\d{4}-\d\d-\d\d \d\d:\d\dZ +html-drill [0-9a-f]{8} +failed +\d/,
    );
  }, 60_000);

  it('refuses an --html path that is another report or the runbook, before anything runs', async () => {
    const ws = workspace();
    ws.write('drill.yaml', HTML_DRILL_YAML);
    const same = await runCli(['run', 'drill.yaml', '--json', 'r.out', '--html', 'r.out'], { cwd: ws.dir });
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('--json and --html name the same file (r.out)');
    const runbook = await runCli(['run', 'drill.yaml', '--html', 'drill.yaml'], { cwd: ws.dir });
    expect(runbook.code).toBe(2);
    expect(runbook.stderr).toContain('--html drill.yaml is the runbook itself');
    expect(ws.runDirs()).toEqual([]);
  });
});
