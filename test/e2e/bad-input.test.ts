import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, STACK_FRAME, workspace } from '../support/cli.js';

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

describe('a bad runbook is refused before anything runs', () => {
  it.each(CASES)(
    '%s: exit 2, file:%i:col and what is wrong, no stack trace',
    async (fixture, line, message) => {
      const ws = workspace();
      const file = join(BAD, fixture);
      const r = await runCli(['run', file], { cwd: ws.dir });
      expect(r.code, r.stdout + r.stderr).toBe(2);
      const first = r.stderr.split('\n')[0] ?? '';
      expect(first).toMatch(new RegExp(`^${escape(file)}:${line}:\\d+: `));
      expect(first).toMatch(message);
      expect(r.stderr).not.toContain(STACK_FRAME);
      expect(r.stdout).toBe('');
      expect(ws.runDirs(), 'a run was started').toEqual([]);
    },
  );

  it('an empty file: exit 2, file:1:1 says it is empty', async () => {
    const ws = workspace();
    const file = ws.write('empty.yaml', '\n  \n');
    const r = await runCli(['run', file], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${escape(file)}:1:1: .*empty`));
    expect(r.stderr).not.toContain(STACK_FRAME);
  });

  it('a binary file: exit 2, file:1:1 says it is binary', async () => {
    const ws = workspace();
    const file = ws.write(
      'image.yaml',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    );
    const r = await runCli(['run', file], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${escape(file)}:1:1: .*binary`));
    expect(r.stderr).not.toContain(STACK_FRAME);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
