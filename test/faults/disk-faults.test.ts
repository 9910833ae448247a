import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/commands/report.js';
import { startCli, uniqueSleep } from '../support/cli.js';
import { assertValidJunit } from '../support/xmllint.js';
import { capturingIo, healthyDir, runInProcess, STACK_LINE, writeRunbook } from './in-process.js';
import { fillUp, mountUnavailable, readOnlyDir, tmpfs, unmountAll } from './mounts.js';

afterAll(unmountAll);

const noMount = mountUnavailable();

/** A drill that counts, in files on a healthy disk, which of its steps ran. */
function countingDrill(marks: string, flood = false): string {
  const count = (name: string) => `echo ran >> ${join(marks, `${name}.count`)}`;
  return `drillbook: 1
name: faulty
steps:
  - id: first
    run: ${count('first')}
    undo: { run: ${count('undo-first')} }
  - id: flood
    run: ${flood ? "yes 'a line of output that fills the disk' | head -c 3000000; " : ''}${count('flood')}
    undo: { run: ${count('undo-flood')} }
  - id: after
    run: ${count('after')}
finally:
  - id: restore
    run: ${count('restore')}
`;
}

const ran = (marks: string, name: string) => existsSync(join(marks, `${name}.count`));

function expectOneLineNoTrace(stderr: string, ...patterns: RegExp[]): void {
  expect(stderr).not.toMatch(STACK_LINE);
  const lines = stderr.split('\n').filter((l) => patterns.every((p) => p.test(l)));
  expect(lines, stderr).toHaveLength(1);
}

describe.skipIf(noMount !== undefined)('disk faults on the journal (real tmpfs)', () => {
  it('disk full while journaling: stops starting steps, runs undo and finally, writes both reports elsewhere, exit 1', async () => {
    const cwd = tmpfs(200);
    const marks = healthyDir();
    const reports = healthyDir();
    const runbook = writeRunbook(marks, countingDrill(marks, true));
    const r = await runInProcess(runbook, cwd, {
      junit: join(reports, 'drill.xml'),
      json: join(reports, 'drill.json'),
    });
    expect(r.code, r.stderr).toBe(1);
    expectOneLineNoTrace(r.stderr, /journal\.jsonl/, /ENOSPC|no space left/);
    expect(ran(marks, 'first')).toBe(true);
    expect(ran(marks, 'after')).toBe(false);
    expect(ran(marks, 'undo-flood')).toBe(true);
    expect(ran(marks, 'undo-first')).toBe(true);
    expect(ran(marks, 'restore')).toBe(true);
    const junit = readFileSync(join(reports, 'drill.xml'), 'utf8');
    assertValidJunit(join(reports, 'drill.xml'));
    expect(junit).toMatch(/<testcase [^>]*name="restore"/);
    expect(junit).toMatch(/<testcase [^>]*name="Undo: flood"/);
    const json = JSON.parse(readFileSync(join(reports, 'drill.json'), 'utf8')) as {
      status: string;
      reason: string;
    };
    expect(json.status).toBe('aborted');
    expect(json.reason).toMatch(/journal/);
  });

  it('a disk already full: refuses before anything runs, one line naming the directory, exit 2', async () => {
    const cwd = tmpfs(200);
    fillUp(cwd);
    const marks = healthyDir();
    const runbook = writeRunbook(marks, countingDrill(marks));
    const r = await runInProcess(runbook, cwd, { junit: join(marks, 'drill.xml') });
    expect(r.code, r.stderr).toBe(2);
    expectOneLineNoTrace(
      r.stderr,
      new RegExp(`${cwd}/\\.drillbook`),
      /ENOSPC|no space left/,
      /nothing was run/,
    );
    for (const step of ['first', 'flood', 'after', 'restore']) expect(ran(marks, step)).toBe(false);
  });

  it('a read-only working directory: refuses before anything runs, names the directory, says read-only, exit 2', async () => {
    const cwd = readOnlyDir();
    const marks = healthyDir();
    const runbook = writeRunbook(marks, countingDrill(marks));
    const r = await runInProcess(runbook, cwd);
    expect(r.code, r.stderr).toBe(2);
    expectOneLineNoTrace(r.stderr, new RegExp(`${cwd}/\\.drillbook`), /EROFS|read-only/, /nothing was run/);
    expect(r.stderr).not.toMatch(/ENOENT/);
    for (const step of ['first', 'flood', 'after', 'restore']) expect(ran(marks, step)).toBe(false);
  });
});

describe.skipIf(noMount !== undefined)('disk full after a signal (real tmpfs, the CLI)', () => {
  it('SIGTERM, then finally fills the disk: finally completes, JUnit is written elsewhere, one line, exit 143', async () => {
    const cwd = tmpfs(200);
    const marks = healthyDir();
    const sleep = uniqueSleep(300);
    const runbook = writeRunbook(
      marks,
      `drillbook: 1
name: term
steps:
  - id: long
    run: sleep ${sleep}
finally:
  - id: noisy-restore
    run: yes 'restoring, loudly' | head -c 3000000; echo ran > ${join(marks, 'restore.count')}
`,
    );
    // HOME off the small disk: the schema cache in ~/.cache would fill it before the drill starts.
    const cli = startCli(['run', runbook, '--junit', join(marks, 'drill.xml')], {
      cwd,
      env: { HOME: marks },
    });
    await cli.waitForStdout(/start\s+long/);
    cli.signal('SIGTERM');
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(143);
    expect(ran(marks, 'restore')).toBe(true);
    expectOneLineNoTrace(
      r.stderr,
      /^drillbook: not written: journal .*journal\.jsonl/,
      /ENOSPC|no space left/,
    );
    assertValidJunit(join(marks, 'drill.xml'));
    expect(readFileSync(join(marks, 'drill.xml'), 'utf8')).toMatch(/<testcase [^>]*name="noisy-restore"/);
  });
});

describe.skipIf(noMount !== undefined)('disk faults on the reports (real tmpfs)', () => {
  for (const [full, healthy] of [
    ['junit', 'json'],
    ['json', 'junit'],
  ] as const) {
    it(`${full} report on a full disk: the ${healthy} report is still written, one line says why, exit 1`, async () => {
      const fullDisk = tmpfs(64);
      fillUp(fullDisk);
      const marks = healthyDir();
      const runbook = writeRunbook(marks, countingDrill(marks));
      const paths = {
        [full]: join(fullDisk, 'reports', `drill.${full}`),
        [healthy]: join(marks, `drill.${healthy}`),
      };
      const r = await runInProcess(runbook, marks, paths);
      expect(r.code, r.stderr).toBe(1);
      expect(ran(marks, 'after')).toBe(true);
      expectOneLineNoTrace(r.stderr, new RegExp(`drill\\.${full}`), /ENOSPC|no space left/);
      expect(existsSync(paths[healthy] ?? '')).toBe(true);
      if (healthy === 'junit') assertValidJunit(paths['junit'] ?? '');
      else expect(JSON.parse(readFileSync(paths['json'] ?? '', 'utf8'))).toMatchObject({ status: 'passed' });
      expect(r.stdout).toContain(`report: ${paths[healthy]}`);
    });
  }

  it('a report in a read-only directory: the other report and the journal are kept, exit 1', async () => {
    const ro = readOnlyDir();
    const marks = healthyDir();
    const runbook = writeRunbook(marks, countingDrill(marks));
    const r = await runInProcess(runbook, marks, {
      junit: join(ro, 'drill.xml'),
      json: join(marks, 'drill.json'),
    });
    expect(r.code, r.stderr).toBe(1);
    expectOneLineNoTrace(r.stderr, /drill\.xml/, /EROFS|read-only/);
    expect(existsSync(join(marks, 'drill.json'))).toBe(true);
  });

  it('drillbook report into a read-only directory: the other report is written, one line, exit 1', async () => {
    const ro = readOnlyDir();
    const marks = healthyDir();
    const runbook = writeRunbook(marks, countingDrill(marks));
    expect((await runInProcess(runbook, marks)).code).toBe(0);
    const runDir = join(marks, '.drillbook', 'runs', readdirSync(join(marks, '.drillbook', 'runs'))[0] ?? '');
    const { io, out } = capturingIo(marks);
    const code = await reportCommand(
      { runDir, junit: join(ro, 'x', 'drill.xml'), json: join(marks, 'r.json') },
      io,
    );
    expect(code, out.stderr).toBe(1);
    expectOneLineNoTrace(out.stderr, /drill\.xml/, /EROFS|read-only/);
    expect(JSON.parse(readFileSync(join(marks, 'r.json'), 'utf8'))).toMatchObject({ status: 'passed' });
  });
});
