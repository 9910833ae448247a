import { describe, expect, it } from 'vitest';
import { runCli, type Workspace, workspace } from '../support/cli.js';
import { jsonReport, stepNamed } from './reports.js';

const DRILL = `drillbook: 1
name: selective
title: Selective drill
hosts:
  blue: { host: 10.0.0.1, user: ubuntu }
  green: { host: 10.0.0.2, user: ubuntu, port: 2222 }
steps:
  - id: a
    name: Step A
    run: touch a.ran
    timeout: 2m
  - id: b
    name: Step B
    confirm: Really run B?
    run: touch b.ran
    timeout: 30s
    retries: 2
  - id: c
    name: Step C
    ssh: { host: green, run: touch c.ran }
    timeout: 45s
  - id: d
    name: Step D
    run: touch d.ran
finally:
  - id: fin
    name: Restore
    run: touch fin.ran
`;

/** Step C would need a real host: selections that include it swap in a local command. */
const LOCAL = DRILL.replace('ssh: { host: green, run: touch c.ran }', 'run: touch c.ran');

function ran(ws: Workspace): string[] {
  return ['a', 'b', 'c', 'd', 'fin'].filter((id) => ws.exists(`${id}.ran`));
}

describe('choosing steps on the command line', () => {
  it.each([
    ['--only a d', ['--only', 'a', 'd'], ['a', 'd', 'fin']],
    ['--only a --only d', ['--only', 'a', '--only', 'd'], ['a', 'd', 'fin']],
    ['--from c', ['--from', 'c'], ['c', 'd', 'fin']],
    ['--skip b --skip c', ['--skip', 'b', '--skip', 'c'], ['a', 'd', 'fin']],
    ['--from b --skip c --yes', ['--from', 'b', '--skip', 'c', '--yes'], ['b', 'd', 'fin']],
  ])('%s runs exactly the chosen steps, then finally', async (_name, flags, expected) => {
    const ws = workspace();
    ws.write('rb.yaml', LOCAL);
    const r = await runCli(['run', 'rb.yaml', ...flags, '--json', 'report.json'], { cwd: ws.dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(ran(ws)).toEqual(expected);
    const report = jsonReport(ws.path('report.json'));
    for (const id of ['a', 'b', 'c', 'd'])
      expect(stepNamed(report, id).status, id).toBe(expected.includes(id) ? 'passed' : 'skipped');
  });

  it('an unknown step id is a usage error that names the ids, and nothing runs', async () => {
    const ws = workspace();
    ws.write('rb.yaml', LOCAL);
    for (const flags of [
      ['--only', 'nope'],
      ['--from', 'nope'],
      ['--skip', 'nope'],
    ]) {
      const r = await runCli(['run', 'rb.yaml', ...flags], { cwd: ws.dir });
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/nope: no step with that id \(ids: a, b, c, d\)/);
    }
    expect(ran(ws)).toEqual([]);
  });

  it('--dry-run walks every step, finally included, and runs nothing', async () => {
    const ws = workspace();
    ws.write('rb.yaml', DRILL);
    const r = await runCli(['run', 'rb.yaml', '--dry-run'], { cwd: ws.dir, stdin: 'open' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(ran(ws)).toEqual([]);
    for (const name of ['Step A', 'Step B', 'Step C', 'Step D', 'Restore'])
      expect(r.stdout).toMatch(new RegExp(`${name}: dry run`));
  });
});

describe('drillbook plan', () => {
  it('lists steps in order with hosts, gates and timeouts, and runs nothing', async () => {
    const ws = workspace();
    ws.write('rb.yaml', DRILL);
    const r = await runCli(['plan', 'rb.yaml'], { cwd: ws.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(ran(ws)).toEqual([]);
    expect(ws.runDirs()).toEqual([]);
    const out = r.stdout;
    expect(out).toContain('Selective drill');
    expect(out).toMatch(/blue: ubuntu@10\.0\.0\.1/);
    expect(out).toMatch(/green: ubuntu@10\.0\.0\.2:2222/);

    // Each step's block (from its line to the next step's) shows its own host, gate and timeout.
    const block = (from: string, to: string) => {
      const start = out.indexOf(from);
      const end = out.indexOf(to, start + 1);
      expect(start, `plan shows ${from}`).toBeGreaterThanOrEqual(0);
      expect(end, `plan shows ${to} after ${from}:\n${out}`).toBeGreaterThan(start);
      return out.slice(start, end);
    };
    expect(block('Step A', 'Step B')).toMatch(/timeout 2m/);
    const b = block('Step B', 'Step C');
    expect(b).toMatch(/timeout 30(\.0)?s/);
    expect(b).toMatch(/retries 2/);
    expect(b).toMatch(/gate.*Really run B\?/i);
    const c = block('Step C', 'Step D');
    expect(c).toMatch(/green/);
    expect(c).toMatch(/timeout 45(\.0)?s/);
    expect(c).not.toMatch(/gate/i);
    expect(block('Step D', 'Restore')).toMatch(/Finally/);
    // Only B has a gate.
    expect(out.match(/Really run B\?/g)).toHaveLength(1);
  });
});
