import { describe, expect, it } from 'vitest';
import { runCli, STACK_FRAME, workspace } from '../support/cli.js';
import { caseNamed, junitCases } from './reports.js';

const PASSING = `drillbook: 1
name: passing
steps:
  - id: first
    run: echo one
  - id: second
    run: echo two
`;

const FAILING = `drillbook: 1
name: failing
steps:
  - id: prepare
    run: echo ready
  - id: break-things
    name: Break things
    run: echo "about to fail"; exit 3
  - id: never
    run: touch never-ran
`;

describe('exit codes', () => {
  it('exits 0 when every step passes', async () => {
    const ws = workspace();
    ws.write('rb.yaml', PASSING);
    const r = await runCli(['run', 'rb.yaml'], { cwd: ws.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('one');
    expect(r.stdout).toContain('two');
  });

  it('exits 1 on a failing step, names it, and writes a valid JUnit file with its <failure>', async () => {
    const ws = workspace();
    ws.write('rb.yaml', FAILING);
    const r = await runCli(['run', 'rb.yaml', '--junit', 'out/junit.xml'], { cwd: ws.dir });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/failed\s+Break things.*exited with status 3/);
    expect(ws.exists('never-ran')).toBe(false);

    const cases = await junitCases(ws.path('out/junit.xml'));
    expect(caseNamed(cases, 'Break things').failure).toContain('exited with status 3');
    expect(caseNamed(cases, 'prepare').failure).toBeUndefined();
    expect(caseNamed(cases, 'never').skipped).toBeDefined();
  });

  it('exits 2 on a malformed runbook with file:line:col on stderr and no stack trace', async () => {
    const ws = workspace();
    ws.write('rb.yaml', 'drillbook: 1\nname: bad\nsteps:\n  - id: a\n    run: [unclosed\n');
    const r = await runCli(['run', 'rb.yaml'], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rb\.yaml:\d+:\d+/);
    expect(r.stderr).not.toContain(STACK_FRAME);
    expect(ws.runDirs()).toEqual([]);
  });

  it.each([
    ['an unknown flag', ['run', 'rb.yaml', '--frobnicate'], /Unknown argument: frobnicate/],
    ['a missing runbook argument', ['run'], /Missing required argument: runbook/],
    ['an invalid --rollback', ['run', 'rb.yaml', '--rollback', 'nevr'], /rollback.*Choices/s],
    ['no command', [], /Name a command/],
    ['an unknown sandbox flag', ['sandbox', '--bogus'], /Unknown argument: bogus/],
  ])('exits 2 on a usage error (%s) and runs nothing', async (_what, args, message) => {
    const ws = workspace();
    ws.write('rb.yaml', 'drillbook: 1\nname: touchy\nsteps:\n  - run: touch ran\n');
    const r = await runCli(args, { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    // Only the usage problem is reported: no loader noise like "undefined:1:1".
    expect(r.stderr).not.toContain('undefined');
    expect(r.stderr).not.toContain(STACK_FRAME);
    expect(ws.exists('ran')).toBe(false);
    expect(ws.runDirs()).toEqual([]);
  });

  it('documents exit codes 0, 1, 2, 130 and 143 in --help', async () => {
    const ws = workspace();
    const r = await runCli(['--help'], { cwd: ws.dir });
    expect(r.code).toBe(0);
    for (const code of ['0', '1', '2', '130', '143'])
      expect(r.stdout).toMatch(new RegExp(`^\\s*${code}\\s+\\S`, 'm'));
    expect(r.stdout).toMatch(/130.*SIGINT/);
    expect(r.stdout).toMatch(/143.*SIGTERM/);
  });
});
