import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type CliResult, runCli, STACK_FRAME, type Workspace, workspace } from '../support/cli.js';
import { fuzzCases } from '../support/fuzz.js';

/**
 * Hostile or accidental inputs (a huge file, deep nesting, an alias bomb) must be refused
 * quickly with a position, not hang or exhaust memory. "Quickly" is measured against the same
 * CLI validating a tiny runbook, so a loaded machine's slow Node start-up does not count.
 */
let baselineMs = 0;

async function validateTimed(
  ws: Workspace,
  name: string,
  text: string,
): Promise<{ r: CliResult; extraMs: number }> {
  if (baselineMs === 0) {
    ws.write('tiny.yaml', 'drillbook: 1\nname: tiny\nsteps:\n  - run: echo\n');
    const baseline = await runCli(['validate', 'tiny.yaml'], { cwd: ws.dir });
    expect(baseline.code, baseline.stderr).toBe(0);
    baselineMs = baseline.ms;
  }
  ws.write(name, text);
  const r = await runCli(['validate', name], { cwd: ws.dir, timeoutMs: 20_000 });
  return { r, extraMs: r.ms - baselineMs };
}

describe('hostile input', () => {
  it('a 10 MB runbook is refused in well under 2 s', async () => {
    const ws = workspace();
    const step = `  - run: echo ${'x'.repeat(100)}\n`;
    const text = `drillbook: 1\nname: huge\nsteps:\n${step.repeat(Math.ceil((10 * 1024 * 1024) / step.length))}`;
    const { r, extraMs } = await validateTimed(ws, 'huge.yaml', text);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^huge\.yaml:1:1: .*MB/);
    expect(r.stderr).not.toContain(STACK_FRAME);
    expect(extraMs).toBeLessThan(2000);
  });

  it('10000 levels of [ are refused with the line, fast', async () => {
    const ws = workspace();
    const text = `drillbook: 1\nname: deep\nvars:\n  x: ${'['.repeat(10_000)}${']'.repeat(10_000)}\nsteps:\n  - run: echo\n`;
    const { r, extraMs } = await validateTimed(ws, 'deep.yaml', text);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^deep\.yaml:4:\d+: .*nesting/);
    expect(r.stderr).not.toContain(STACK_FRAME);
    expect(extraMs).toBeLessThan(2000);
  });

  it('a billion-laughs alias bomb is refused, fast', async () => {
    const ws = workspace();
    const lines = [
      'drillbook: 1',
      'name: laughs',
      'vars:',
      '  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
    ];
    let previous = 'a';
    for (const name of 'bcdefghi') {
      lines.push(`  ${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
      previous = name;
    }
    lines.push('steps:', '  - run: echo', '');
    const { r, extraMs } = await validateTimed(ws, 'laughs.yaml', lines.join('\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^laughs\.yaml:\d+:\d+: .*alias/);
    expect(r.stderr).not.toContain(STACK_FRAME);
    expect(extraMs).toBeLessThan(2000);
  });

  it('validate, plan and run refuse a fifo and devices at once, without reading them', async () => {
    const ws = workspace();
    const fifo = ws.path('drill.yaml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const limit = { cwd: ws.dir, timeoutMs: 15_000 };
    const v = await runCli(['validate', fifo, '/dev/zero', '/dev/urandom', ws.dir], limit);
    expect(v.signal, 'validate hung and was killed').toBeNull();
    expect(v.code).toBe(2);
    expect(v.stderr).toContain(`${fifo}:1:1: is a named pipe (fifo), expected a runbook file`);
    expect(v.stderr).toContain('/dev/zero:1:1: is a character device, expected a runbook file');
    expect(v.stderr).toContain('/dev/urandom:1:1: is a character device, expected a runbook file');
    expect(v.stderr).toContain(`${ws.dir}:1:1: is a directory, expected a runbook file`);
    expect(v.stderr).not.toContain(STACK_FRAME);
    for (const args of [
      ['plan', fifo],
      ['run', '/dev/zero', '--headless'],
    ]) {
      const r = await runCli(args, limit);
      expect(r.signal, `${args[0]} hung and was killed`).toBeNull();
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/:1:1: is a (named pipe|character device).*expected a runbook file/);
      expect(r.stderr).not.toContain(STACK_FRAME);
    }
    expect(ws.runDirs()).toEqual([]);
  });

  it('a Latin-1 runbook is refused at its first bad byte, not run with U+FFFD', async () => {
    const ws = workspace();
    const file = ws.write(
      'latin1.yaml',
      Buffer.concat([
        Buffer.from('drillbook: 1\nsteps:\n  - run: echo gr'),
        Buffer.from([0xfc]),
        Buffer.from('n\n'),
      ]),
    );
    const r = await runCli(['run', file, '--headless'], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/latin1\.yaml:3:17: the runbook is not valid UTF-8 \(byte 0xFC\)/);
    expect(r.stdout).not.toContain('\uFFFD');
  });

  it('a self-referencing alias and 2000 nested `> ` end in exit 2 with a position, no stack trace', async () => {
    const ws = workspace();
    const alias = ws.write('alias.yaml', 'drillbook: 1\nvars: &v {a: *v}\nsteps:\n  - run: echo\n');
    const quotes = ws.write(
      'quotes.md',
      `# Drill\n\n## Go\n\n${'> '.repeat(2000)}x\n\n\`\`\`sh\necho\n\`\`\`\n`,
    );
    const r = await runCli(['validate', alias, quotes], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${alias}:2:11: vars.a: a YAML alias here refers to a value that contains it`);
    expect(r.stderr).toContain(`${quotes}:5:65: quotes and lists nested more than 32 deep`);
    expect(r.stderr).not.toContain(STACK_FRAME);
    expect(r.stderr).not.toContain('RangeError');
  });

  it('10000 errors: linear time, 50 shown then how many more', async () => {
    const ws = workspace();
    const steps = Array.from({ length: 10_000 }, (_, i) => `  - { id: s${i}, run: echo, timout: 5s }\n`).join(
      '',
    );
    const { r, extraMs } = await validateTimed(ws, 'many.yaml', `drillbook: 1\nsteps:\n${steps}`);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(52);
    expect(lines.slice(-2)).toEqual([
      'drillbook: and 9950 more problems not shown',
      'drillbook: 10000 problems found',
    ]);
    expect(extraMs).toBeLessThan(10_000);
  });

  it('a handful of mutated runbooks through the real CLI: exit 0 or 2, a position on every problem', async () => {
    const ws = workspace();
    const files = fuzzCases(5, 8).map((c) => ws.write(c.name, c.bytes));
    const r = await runCli(['validate', ...files], { cwd: ws.dir, timeoutMs: 20_000 });
    expect([0, 2]).toContain(r.code);
    expect(r.stderr).not.toContain(STACK_FRAME);
    for (const line of r.stderr.trimEnd().split('\n').filter(Boolean))
      expect(line).toMatch(/^(\/\S+:\d+:\d+: \S|drillbook: )/);
  });
});
