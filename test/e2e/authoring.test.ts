import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, STACK_FRAME, type Workspace, workspace } from '../support/cli.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'runbooks', 'authoring');

describe('Markdown authoring mistakes at the command line', () => {
  it('a misspelt [!CONFIRM] fails validate and plan with exit 2 and a did-you-mean, and never runs', async () => {
    const ws = workspace();
    const file = join(FIXTURES, 'confirm-typo.md');
    for (const command of ['validate', 'plan', 'run']) {
      const r = await runCli([command, file], { cwd: ws.dir });
      expect(r.code, `${command}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`${file}:5:3: unknown callout \`[!CONFRIM]\`: did you mean [!CONFIRM]?`);
      expect(r.stderr).not.toContain(STACK_FRAME);
      expect(r.stdout).not.toContain('stopping blue');
    }
  });

  it('runs a Runme-style runbook whose commands carry $ prompts (not `$: not found`)', async () => {
    const saved = readFileSync(join(FIXTURES, 'runme-prompts.md'), 'utf8');
    // As a person writes it, and as Runme saves it (with its runme: frontmatter).
    const plain = saved.replace(/^---\n[\s\S]*?\n---\n/, '');
    for (const [name, text] of [
      ['plain.md', plain],
      ['saved.md', saved],
    ] as const) {
      const ws = workspace();
      ws.write(name, text);
      const r = await runCli(['run', name, '--headless'], { cwd: ws.dir });
      expect(r.code, `${name}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).not.toContain('$: not found');
      expect(ws.read('logs/app.log.1')).toBe('line one\nline two\n');
      expect(r.stdout).toMatch(/line two/);
    }
  });
});

/** Every step and undo appends to a log, so a test can tell what ran, in order. */
const DRILL = `drillbook: 1
name: undo-resume
steps:
  - { id: prepare, run: "echo prepare >> ran", undo: { run: "echo undo-prepare >> ran" } }
  - id: both
    fail_fast: false
    parallel:
      - { id: left, run: "echo left >> ran" }
      - { id: right, run: "echo right >> ran; test -e go" }
  - { id: last, run: "echo last >> ran" }
`;

function ran(ws: Workspace): string[] {
  return ws.read('ran').trim().split('\n');
}

describe('resume after a rollback and a failed parallel member', () => {
  it('re-runs the undone step and only the parallel member that failed', async () => {
    const ws = workspace();
    ws.write('rb.yaml', DRILL);
    const first = await runCli(['run', 'rb.yaml', '--json', 'first.json'], { cwd: ws.dir });
    expect(first.code, first.stdout).toBe(1);
    expect(ran(ws).sort()).toEqual(['left', 'prepare', 'right', 'undo-prepare']);
    expect(first.stdout).toMatch(/prepare\s+passed, undone/);
    const json = JSON.parse(ws.read('first.json')) as { steps: Array<{ id: string; undone: unknown }> };
    expect(json.steps.find((s) => s.id === 'prepare')?.undone).toEqual({ status: 'passed' });

    ws.write('go', '');
    ws.write('ran', '');
    const [runDir] = ws.runDirs();
    const resumed = await runCli(['resume', runDir!], { cwd: ws.dir });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    // `prepare` was undone, so it runs again; `left` passed and stays passed; `right` failed.
    expect(resumed.stdout).toMatch(/1 step\(s\) already passed/);
    expect(ran(ws).sort()).toEqual(['last', 'prepare', 'right']);
    expect(resumed.stdout).toMatch(/left\s+passed\s/);
  });
});
