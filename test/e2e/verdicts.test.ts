import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, workspace } from '../support/cli.js';
import { caseNamed, jsonReport, junitCases } from './reports.js';

describe('tolerated failures are never green', () => {
  it('a tolerated main step, parallel member and finally restore: exit 0, each a JUnit failure of type tolerated, named in console and JSON', async () => {
    const ws = workspace();
    ws.write(
      'rb.yaml',
      `drillbook: 1
name: tolerated
steps:
  - id: optional
    name: Optional check
    run: "echo flaky; exit 4"
    continue_on_error: true
  - id: group
    parallel:
      - { id: member-ok, run: "true" }
      - { id: member-bad, name: Member that fails, run: "exit 5", continue_on_error: true }
finally:
  - id: restore
    name: Restore blue
    run: "exit 6"
    continue_on_error: true
`,
    );
    const r = await runCli(['run', 'rb.yaml', '--junit', 'junit.xml', '--json', 'report.json'], {
      cwd: ws.dir,
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Drill passed with 3 tolerated failures (exit 0)');
    expect(r.stdout).toContain('tolerated failure: Optional check: command exited with status 4');
    expect(r.stdout).toContain('tolerated failure: Member that fails: command exited with status 5');
    expect(r.stdout).toContain('tolerated failure: Restore blue (finally): command exited with status 6');

    // Validated against Jenkins' schema, then read by junit2json.
    const cases = await junitCases(ws.path('junit.xml'));
    for (const name of ['Optional check', 'Member that fails', 'Restore blue'])
      expect(caseNamed(cases, name).failure, name).toMatch(/^tolerated \(continue_on_error\)/);
    expect(caseNamed(cases, 'member-ok').failure).toBeUndefined();
    expect(ws.read('junit.xml')).toMatch(/<testsuite [^>]*failures="3"/);
    expect(ws.read('junit.xml').match(/<failure [^>]*type="tolerated"/g)).toHaveLength(3);

    const report = jsonReport(ws.path('report.json'));
    expect(report).toMatchObject({
      status: 'passed',
      exitCode: 0,
      verdict: 'passed with 3 tolerated failures',
    });
    expect((report['tolerated'] as { id: string }[]).map((t) => t.id)).toEqual([
      'optional',
      'member-bad',
      'restore',
    ]);
  });

  it('a tolerated undo is a tolerated failure too; the drill still fails for its own step', async () => {
    const ws = workspace();
    ws.write(
      'rb.yaml',
      `drillbook: 1
name: undo-tolerated
steps:
  - id: change
    run: "true"
    undo: { run: "exit 7" }
    continue_on_error: true
  - id: breaks
    run: "exit 1"
`,
    );
    const r = await runCli(['run', 'rb.yaml', '--junit', 'junit.xml'], { cwd: ws.dir });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const cases = await junitCases(ws.path('junit.xml'));
    expect(caseNamed(cases, 'Undo: change').failure).toMatch(/^tolerated/);
    expect(caseNamed(cases, 'breaks').failure).toContain('command exited with status 1');
  });
});

describe('--approve and DRILLBOOK_APPROVE name real steps', () => {
  const RUNBOOK = `drillbook: 1
name: gated
steps:
  - id: group
    parallel:
      - { id: blackhole-blue, confirm: Blackhole blue?, run: "touch blue.ran" }
finally:
  - { id: restore-blue, confirm: Restore?, run: "touch restore.ran" }
`;

  it('an unknown id is exit 2 with a did-you-mean, before step 1', async () => {
    const ws = workspace();
    ws.write('rb.yaml', RUNBOOK);
    const r = await runCli(['run', 'rb.yaml', '--approve', 'blackhole-blu'], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--approve blackhole-blu: no step has the id "blackhole-blu"; did you mean blackhole-blue?',
    );
    expect(ws.exists('blue.ran')).toBe(false);
    expect(ws.runDirs()).toEqual([]);

    const env = await runCli(['run', 'rb.yaml'], {
      cwd: ws.dir,
      env: { DRILLBOOK_APPROVE: 'blackhole-blue,restore-bleu' },
    });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain(
      'DRILLBOOK_APPROVE (restore-bleu): no step has the id "restore-bleu"; did you mean restore-blue?',
    );
    expect(ws.exists('blue.ran')).toBe(false);
  });

  it('parallel members, finally steps and DRILLBOOK_APPROVE=all are valid approvals', async () => {
    const ws = workspace();
    ws.write('rb.yaml', RUNBOOK);
    const ids = await runCli(['run', 'rb.yaml', '--approve', 'blackhole-blue', '--approve', 'restore-blue'], {
      cwd: ws.dir,
    });
    expect(ids.code, ids.stdout + ids.stderr).toBe(0);
    expect(ws.exists('blue.ran') && ws.exists('restore.ran')).toBe(true);
    const all = await runCli(['run', 'rb.yaml'], { cwd: ws.dir, env: { DRILLBOOK_APPROVE: 'all' } });
    expect(all.code, all.stdout + all.stderr).toBe(0);
  });
});

describe('--fail-on-skip', () => {
  it('run and resume accept it; a drill with no skipped gate still passes', async () => {
    const ws = workspace();
    ws.write(
      'rb.yaml',
      `drillbook: 1
name: fail-on-skip
steps:
  - { id: needs-marker, run: "test -f marker" }
`,
    );
    const first = await runCli(['run', 'rb.yaml', '--fail-on-skip'], { cwd: ws.dir });
    expect(first.code, first.stdout + first.stderr).toBe(1);
    ws.write('marker', '');
    const [runDir] = ws.runDirs();
    const resumed = await runCli(['resume', runDir!, '--fail-on-skip'], { cwd: ws.dir });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
  });
});

describe('run --dry-run', () => {
  it('every shipped runbook walks with exit 0, showing its commands and no "passed" group', async () => {
    const runbooks = shippedRunbooks();
    expect(runbooks.length).toBeGreaterThanOrEqual(4);
    const ws = workspace();
    for (const file of runbooks) {
      const r = await runCli(['run', file, '--dry-run', '--json', 'dry.json'], { cwd: ws.dir });
      const what = `${relative(REPO_ROOT, file)}\n${r.stdout}${r.stderr}`;
      expect(r.code, what).toBe(0);
      expect(r.stdout, what).toContain('Drill passed (dry run: nothing was run) (exit 0)');
      expect(r.stdout, what).toMatch(/│ would run: (sh|ssh|GET|POST|cloudwatch|route53)/);
      const report = jsonReport(ws.path('dry.json'));
      expect(report['dryRun'], what).toBe(true);
      const ran = report.steps.filter((s) => s.status !== 'skipped');
      expect(
        ran.map((s) => s.id),
        what,
      ).toEqual([]);
    }
  });

  it('prints the rendered command, marks a when on a saved var as decided at run time, and runs nothing', async () => {
    const ws = workspace();
    ws.write(
      'rb.yaml',
      `drillbook: 1
name: dry
vars: { colour: blue, live: unknown }
steps:
  - { id: find, run: "echo green; touch find.ran", save: live }
  - { id: only-green, run: "touch {{ vars.colour }}.ran", when: "{{ vars.live }} == green" }
  - { id: fixed, run: "touch never.ran", when: "{{ vars.colour }} == green" }
  - id: both
    parallel:
      - { id: a, run: "touch a.ran" }
      - { id: b, confirm: Really?, run: "touch b.ran" }
`,
    );
    const r = await runCli(['run', 'rb.yaml', '--dry-run', '--junit', 'junit.xml'], { cwd: ws.dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("would run: sh: touch 'blue'.ran");
    expect(r.stdout).toContain('when: {{ vars.live }} == green: decided at run time');
    expect(r.stdout).toContain('when: {{ vars.colour }} == green: does not hold now');
    expect(r.stdout).toContain('gate: Really? (asked at run time; nothing was approved)');
    expect(r.stdout).toMatch(/both: dry run: nothing was run; a parallel group of 2/);
    expect(r.stdout).not.toMatch(/passed\s+both/);
    for (const f of ['find.ran', 'blue.ran', 'never.ran', 'a.ran', 'b.ran'])
      expect(ws.exists(f), f).toBe(false);
    const cases = await junitCases(ws.path('junit.xml'));
    expect(caseNamed(cases, 'find').skipped).toContain('dry run');
  });
});

/** Every runbook under runbooks/ (Markdown and YAML). */
function shippedRunbooks(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(md|ya?ml)$/.test(name)) found.push(path);
    }
  };
  walk(join(REPO_ROOT, 'runbooks'));
  return found.sort();
}
