import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, REPO_ROOT, runCli, STACK_FRAME, workspace } from '../support/cli.js';

const BAD = join(REPO_ROOT, 'test', 'fixtures', 'runbooks', 'bad');

/**
 * Each fixture has one mistake; the message must name the file, the line of the mistake and
 * a column, and say what is wrong in words a runbook author can act on.
 */
const CASES: [fixture: string, line: number, message: RegExp][] = [
  ['yaml-indent.yaml', 6, /YAML syntax error.*indentation/],
  ['yaml-unclosed-quote.yaml', 6, /YAML syntax error.*quoted/],
  ['yaml-tab.yaml', 5, /YAML syntax error.*tab/],
  ['duplicate-id.yaml', 8, /duplicate step id "deploy".*line 4/],
  ['unknown-action.yaml', 7, /unknown key "teleport".*\bhttp\b.*\bssh\b/],
  ['two-actions.yaml', 8, /exactly one action.*run and wait/],
  ['typo-key.yaml', 8, /unknown key "timout".*did you mean "timeout"/],
  ['bad-duration.yaml', 8, /timeout.*duration like.*"5 minutes"/],
  ['negative-retries.yaml', 6, /retries.*>= 0.*-1/],
  ['unclosed-template.yaml', 8, /\{\{ is never closed/],
  ['undefined-var.yaml', 8, /undefined variable.*regoin.*did you mean region/],
  ['unknown-host.yaml', 10, /unknown host "gren".*did you mean "green"/],
  ['no-steps.md', 4, /no steps/],
  ['unterminated-fence.md', 14, /fence is never closed/],
];

describe('a bad runbook is refused with where and what', () => {
  // One `validate` over every fixture (a CLI start costs more than the checks); each test
  // then reads its own file's message from it.
  let result: CliResult;
  // cwd (and HOME, where drillbook keeps its cache) outside the repository.
  const home = mkdtempSync(join(tmpdir(), 'drillbook-e2e-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  beforeAll(async () => {
    result = await runCli(['validate', ...CASES.map(([fixture]) => join(BAD, fixture))], { cwd: home });
  });

  it('exit 2, nothing reported valid, no stack trace', () => {
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toContain(STACK_FRAME);
    // One summary line per file: every file was checked, not just the first bad one.
    expect(result.stderr.match(/^drillbook: \d+ problems? found$/gm)).toHaveLength(CASES.length);
  });

  it.each(CASES)('%s: file:%i:col and what is wrong', (fixture, line, message) => {
    const file = join(BAD, fixture);
    const lines = result.stderr.split('\n').filter((l) => l.startsWith(`${file}:`));
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${escapeRegExp(file)}:${line}:\\d+: `));
    expect(lines[0]).toMatch(message);
  });

  it('an empty file and a binary file: file:1:1 says which is which', async () => {
    const ws = workspace();
    const empty = ws.write('empty.yaml', '\n  \n');
    const binary = ws.write(
      'image.yaml',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 13]),
    );
    const r = await runCli(['run', empty], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${escapeRegExp(empty)}:1:1: .*empty`));
    expect(r.stderr).not.toContain(STACK_FRAME);
    const v = await runCli(['validate', binary], { cwd: ws.dir });
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(new RegExp(`^${escapeRegExp(binary)}:1:1: .*binary`));
    expect(v.stderr).not.toContain(STACK_FRAME);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
