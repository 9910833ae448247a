import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processesMatching, runCli, startCli, uniqueSleep, waitUntil, workspace } from '../support/cli.js';
import { caseNamed, journalEvents, jsonReport, junitCases, stepNamed } from './reports.js';

describe('run journal', () => {
  it('each run writes .drillbook/runs/<time>-<name>/journal.jsonl, one complete JSON object per line', async () => {
    const ws = workspace();
    ws.write(
      'rb.yaml',
      `drillbook: 1
name: journalled
steps:
  - id: talk
    run: printf 'line one\\nline "two"\\n'; printf 'no newline'
  - id: fail
    run: exit 5
`,
    );
    for (let i = 0; i < 2; i++) {
      const r = await runCli(['run', 'rb.yaml'], { cwd: ws.dir });
      expect(r.code, r.stderr).toBe(1);
    }
    const runs = ws.runDirs();
    expect(runs).toHaveLength(2);
    for (const dir of runs) expect(basename(dir)).toMatch(/^\d{4}-\d\d-\d\dT[\d-]+Z-[0-9a-f]+-journalled$/);

    const events = journalEvents(join(runs[0] ?? '', 'journal.jsonl'));
    expect(events[0]).toMatchObject({ type: 'run-start', runbook: { name: 'journalled' } });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'failed', exitCode: 1 });
    const output = events.filter((e) => e.type === 'output' && e['stepId'] === 'talk').map((e) => e['text']);
    expect(output.join('')).toBe('line one\nline "two"\nno newline');
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'step-end', stepId: 'fail', status: 'failed' }),
    );
  });
});

describe('drillbook report after kill -9', () => {
  it('rebuilds valid JUnit and JSON with the running step marked interrupted, exit 1', async () => {
    const ws = workspace();
    const sleep = uniqueSleep(300);
    ws.write(
      'rb.yaml',
      `drillbook: 1
name: killed
steps:
  - id: before
    name: Before
    run: echo done before
  - id: long
    name: Long step
    run: sleep ${sleep}
  - id: after
    run: echo after
finally:
  - id: restore
    run: echo restore
`,
    );
    const cli = startCli(['run', 'rb.yaml'], { cwd: ws.dir });
    await cli.waitForStdout(/start\s+Long step/);
    await waitUntil(() => processesMatching(`sleep ${sleep}`).length > 0, 'the long step to start');
    cli.signal('SIGKILL');
    expect((await cli.done).signal).toBe('SIGKILL');

    const [runDir] = ws.runDirs();
    if (!runDir) throw new Error('no run directory');
    const r = await runCli(['report', runDir, '--junit', 'junit.xml', '--json', 'report.json'], {
      cwd: ws.dir,
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/did not finish.*interrupted/);

    const cases = await junitCases(ws.path('junit.xml'));
    expect(caseNamed(cases, 'Before').failure).toBeUndefined();
    expect(caseNamed(cases, 'Long step').failure).toMatch(/interrupted/);
    const report = jsonReport(ws.path('report.json'));
    expect(report.complete).toBe(false);
    expect(stepNamed(report, 'before').status).toBe('passed');
    expect(stepNamed(report, 'long').status).toBe('interrupted');
    expect(stepNamed(report, 'after').status).not.toBe('passed');
  });

  it('refuses a directory that is not a run, exit 2', async () => {
    const ws = workspace();
    const r = await runCli(['report', ws.dir, '--junit', 'junit.xml'], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a drillbook run directory/);
    expect(ws.exists('junit.xml')).toBe(false);
  });
});
