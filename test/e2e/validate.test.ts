import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, STACK_FRAME, workspace } from '../support/cli.js';

const RUNBOOKS = join(REPO_ROOT, 'test', 'fixtures', 'runbooks');

describe('drillbook validate with several files', () => {
  it('exits 0 when every runbook is valid, YAML and Markdown', async () => {
    const ws = workspace();
    const r = await runCli(['validate', join(RUNBOOKS, 'good.yaml'), join(RUNBOOKS, 'good.md')], {
      cwd: ws.dir,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/good\.yaml: valid/);
    expect(r.stdout).toMatch(/good\.md: valid/);
    expect(r.stderr).toBe('');
  });

  it('exits 2 when one is bad, naming only the bad one with its position', async () => {
    const ws = workspace();
    const bad = join(RUNBOOKS, 'bad', 'typo-key.yaml');
    const r = await runCli(['validate', join(RUNBOOKS, 'good.yaml'), bad, join(RUNBOOKS, 'good.md')], {
      cwd: ws.dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:8:`);
    expect(r.stderr).not.toContain('good.');
    expect(r.stderr).not.toContain(STACK_FRAME);
    // The good files are still checked and reported, after the bad one too.
    expect(r.stdout).toMatch(/good\.yaml: valid/);
    expect(r.stdout).toMatch(/good\.md: valid/);
  });

  it('a file that does not exist is a problem with that file, not a crash', async () => {
    const ws = workspace();
    const r = await runCli(['validate', join(RUNBOOKS, 'good.yaml'), 'missing.yaml'], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^missing\.yaml:1:1: .*ENOENT/m);
    expect(r.stderr).not.toContain(STACK_FRAME);
  });
});
