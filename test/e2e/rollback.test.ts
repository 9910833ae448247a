import { describe, expect, it } from 'vitest';
import { runCli, type Workspace, workspace } from '../support/cli.js';
import { caseNamed, junitCases } from './reports.js';

/** Every step and undo appends its name to order.log; `three` fails unless told not to. */
function drill(threeFails: boolean): string {
  const step = (id: string, name: string, extra = '') => `  - id: ${id}
    name: ${name}
    run: echo ${id} >> order.log${extra}
    undo: { run: echo undo-${id} >> order.log }
`;
  return `drillbook: 1
name: rollback
steps:
${step('one', 'One')}${step('two', 'Two')}${step('three', 'Three', threeFails ? '; exit 1' : '')}${step('four', 'Four')}finally:
  - id: fin
    name: Restore
    run: echo finally >> order.log
`;
}

function order(ws: Workspace): string[] {
  return ws.read('order.log').trim().split('\n');
}

describe('undo and --rollback', () => {
  it('on failure, undoes every started step in reverse order, then runs finally; each undo is a testcase', async () => {
    const ws = workspace();
    ws.write('rb.yaml', drill(true));
    const r = await runCli(['run', 'rb.yaml', '--junit', 'junit.xml'], { cwd: ws.dir });
    expect(r.code, r.stdout).toBe(1);
    // `four` never started, so it has nothing to undo; `three` started (and failed) and does.
    expect(order(ws)).toEqual(['one', 'two', 'three', 'undo-three', 'undo-two', 'undo-one', 'finally']);

    const cases = await junitCases(ws.path('junit.xml'));
    const names = cases.map((c) => c.name);
    for (const name of ['Undo: Three', 'Undo: Two', 'Undo: One'])
      expect(caseNamed(cases, name).failure, name).toBeUndefined();
    expect(names.indexOf('Undo: Three')).toBeLessThan(names.indexOf('Undo: One'));
    expect(names).not.toContain('Undo: Four');
    expect(caseNamed(cases, 'Three').failure).toContain('exited with status 1');
  });

  it('--rollback never skips the undos but still runs finally', async () => {
    const ws = workspace();
    ws.write('rb.yaml', drill(true));
    const r = await runCli(['run', 'rb.yaml', '--rollback', 'never', '--junit', 'junit.xml'], {
      cwd: ws.dir,
    });
    expect(r.code).toBe(1);
    expect(order(ws)).toEqual(['one', 'two', 'three', 'finally']);
    expect((await junitCases(ws.path('junit.xml'))).map((c) => c.name)).not.toContain('Undo: One');
  });

  it('--rollback always undoes a passing drill too', async () => {
    const ws = workspace();
    ws.write('rb.yaml', drill(false));
    const r = await runCli(['run', 'rb.yaml', '--rollback', 'always', '--junit', 'junit.xml'], {
      cwd: ws.dir,
    });
    expect(r.code, r.stdout).toBe(0);
    expect(order(ws)).toEqual([
      'one',
      'two',
      'three',
      'four',
      'undo-four',
      'undo-three',
      'undo-two',
      'undo-one',
      'finally',
    ]);
    const cases = await junitCases(ws.path('junit.xml'));
    for (const name of ['Undo: Four', 'Undo: Three', 'Undo: Two', 'Undo: One']) caseNamed(cases, name);
  });

  it('by default a passing drill is not undone', async () => {
    const ws = workspace();
    ws.write('rb.yaml', drill(false));
    const r = await runCli(['run', 'rb.yaml'], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(order(ws)).toEqual(['one', 'two', 'three', 'four', 'finally']);
  });
});
