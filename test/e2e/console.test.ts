import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { assertBuilt, BIN, cleanEnv, runCli, STACK_FRAME, startCli, workspace } from '../support/cli.js';
import { caseNamed, junitCases } from './reports.js';

// The first step prints colour of its own: headless without colour strips it too.
const DRILL = `drillbook: 1
name: console
steps:
  - id: greet
    name: Greet
    run: printf 'plain \\033[31mred\\033[0m text\\n'
  - id: count
    name: Count
    run: echo counted
  - id: breaks
    name: Breaks
    run: exit 4
    continue_on_error: true
`;

const ESC = '\x1b';

/** Runs drillbook under a pseudo-terminal (util-linux `script`), so stdout is a TTY. */
function runInTty(
  dir: string,
  env: Record<string, string | undefined>,
): { code: number | null; out: string } {
  assertBuilt();
  const r = spawnSync(
    'script',
    ['-qefc', `'${process.execPath}' '${BIN}' run rb.yaml --headless`, '/dev/null'],
    {
      cwd: dir,
      env: cleanEnv(dir, { TERM: 'xterm-256color', ...env }),
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  if (r.error) throw new Error(`script (util-linux, apt package bsdutils) could not run: ${r.error.message}`);
  return { code: r.status, out: r.stdout };
}

describe('headless console', () => {
  it('prints [i/n] start and end lines, prefixed output and a summary table, without ANSI when piped', async () => {
    const ws = workspace();
    ws.write('rb.yaml', DRILL);
    const r = await runCli(['run', 'rb.yaml'], { cwd: ws.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain(ESC);
    const lines = r.stdout.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const order = [
      /^\[1\/3\] start\s+Greet$/,
      /plain red text$/,
      /^\[1\/3\] passed\s+Greet \(\d+(ms|\.\ds)\)$/,
      /^\[2\/3\] start\s+Count$/,
      /counted$/,
      /^\[2\/3\] passed\s+Count/,
      /^\[3\/3\] failed.*Breaks.*exited with status 4/,
      /^Summary/,
    ].map(at);
    expect(order, r.stdout).not.toContain(-1);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Output lines are marked as output, not mistaken for drillbook's own lines.
    expect(lines[order[1] ?? 0]).not.toMatch(/^plain/);

    const summary = lines.slice(order[7]);
    expect(summary.join('\n')).toMatch(/step\s+status\s+duration/);
    expect(summary.some((l) => /Greet\s+passed/.test(l))).toBe(true);
    expect(summary.some((l) => /Count\s+passed/.test(l))).toBe(true);
    expect(summary.some((l) => /Breaks\s+failed/.test(l))).toBe(true);
  });

  it('uses colour only when asked: FORCE_COLOR turns it on, NO_COLOR wins over it', async () => {
    const ws = workspace();
    ws.write('rb.yaml', DRILL);
    const forced = await runCli(['run', 'rb.yaml'], { cwd: ws.dir, env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain(ESC);
    const both = await runCli(['run', 'rb.yaml'], { cwd: ws.dir, env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(both.code).toBe(0);
    expect(both.stdout).not.toContain(ESC);
    expect(both.stdout).toContain('plain red text');
  });

  it('at a terminal with --headless: colour by default, none with NO_COLOR', () => {
    const ws = workspace();
    ws.write('rb.yaml', DRILL);
    const tty = runInTty(ws.dir, {});
    expect(tty.code, tty.out).toBe(0);
    expect(tty.out).toMatch(/\[1\/3\].*start/);
    expect(tty.out).toContain(ESC);
    const noColor = runInTty(ws.dir, { NO_COLOR: '1' });
    expect(noColor.code, noColor.out).toBe(0);
    expect(noColor.out).toMatch(/\[1\/3\] start\s+Greet/);
    expect(noColor.out).not.toContain(ESC);
  });

  it('a reader that goes away (`| head`) does not stop the drill: finally and the reports still happen', async () => {
    const ws = workspace();
    ws.write(
      'rb.yaml',
      `drillbook: 1
name: piped
steps:
  - id: chatty
    name: Chatty
    run: for i in 1 2 3 4 5; do echo "line $i"; sleep 0.1; done
finally:
  - id: restore
    run: touch restored
`,
    );
    const cli = startCli(['run', 'rb.yaml', '--junit', 'junit.xml'], { cwd: ws.dir });
    await cli.waitForStdout(/start\s+Chatty/);
    cli.child.stdout?.destroy();
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain(STACK_FRAME);
    expect(ws.exists('restored')).toBe(true);
    expect(caseNamed(await junitCases(ws.path('junit.xml')), 'Chatty').failure).toBeUndefined();
  });
});
