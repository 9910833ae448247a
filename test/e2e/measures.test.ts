import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { MeasureResult } from '../../src/engine/measure-result.js';
import { assertBuilt, BIN, REPO_ROOT, runCli, type Workspace, workspace } from '../support/cli.js';
import { assertValidJunit } from '../support/xmllint.js';

/** The demo as shipped, laid out as in the repository (it starts its world with ../../bin). */
function demoWorkspace(edit: (text: string) => string = (t) => t): { ws: Workspace; runbook: string } {
  const ws = workspace();
  mkdirSync(ws.path('runbooks/demo'), { recursive: true });
  mkdirSync(ws.path('bin'));
  const text = readFileSync(join(REPO_ROOT, 'runbooks/demo/failover.yaml'), 'utf8');
  writeFileSync(ws.path('runbooks/demo/failover.yaml'), edit(text));
  symlinkSync(BIN, ws.path('bin/drillbook.js'));
  const state = ws.path('runbooks/demo/.drillbook/demo-sandbox.json');
  onTestFinished(() => {
    if (existsSync(state)) spawnSync(process.execPath, [BIN, 'sandbox', '--stop', '--state', state]);
  });
  return { ws, runbook: 'runbooks/demo/failover.yaml' };
}

const measuresOf = (json: string): MeasureResult[] => JSON.parse(json).measures;

describe('recovery times of the demo drill (the built CLI, the practice world)', () => {
  it('prints each measure with its resolution, meets its objective, and `report` rebuilds the same', async () => {
    assertBuilt();
    const { ws, runbook } = demoWorkspace();
    const run = await runCli(['run', runbook, '--yes', '--json', 'run.json', '--junit', 'run.xml'], {
      cwd: ws.dir,
      timeoutMs: 90_000,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // The front fails over within a few seconds of blue stopping; polled every 250ms.
    expect(run.stdout).toMatch(/Measures:\n {2}failover +(\d+ms|\d+\.\ds) ± 250ms +max 30s +met\n/);
    expect(run.stdout).toMatch(/ {2}dns on green +(\d+ms|\d+\.\ds) ± 250ms +- +measured\n/);
    const measures = measuresOf(ws.read('run.json'));
    const failover = measures.find((m) => m.name === 'failover')!;
    expect(failover).toMatchObject({ verdict: 'met', resolutionMs: 250, maxMs: 30_000 });
    expect(failover.valueMs).toBeGreaterThan(100);
    expect(failover.valueMs).toBeLessThan(15_000);
    expect(measures.map((m) => m.verdict)).toEqual(['met', 'measured', 'measured']);
    assertValidJunit(ws.path('run.xml'));
    expect(ws.read('run.xml')).toMatch(
      /<testcase classname="demo-failover\.measures" name="failover" time="\d+\.\d{3}">/,
    );

    // The journal holds them: a report rebuilt from the run directory says the same.
    const [runDir] = ws.runDirs();
    const journal = readFileSync(join(runDir!, 'journal.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(journal.at(-2)!).type).toBe('measures');
    const report = await runCli(['report', runDir!, '--json', 'again.json'], {
      cwd: ws.dir,
      timeoutMs: 30_000,
    });
    expect(report.code).toBe(0);
    expect(measuresOf(ws.read('again.json'))).toEqual(measures);
    const summary = await runCli(['report', runDir!], { cwd: ws.dir, timeoutMs: 30_000 });
    expect(summary.stdout).toMatch(/Measures:\n {2}failover +\S+ ± 250ms +max 30s +met\n/);
  }, 120_000);

  it('a missed RTO fails the drill in console, JSON and JUnit, though every step passed', async () => {
    assertBuilt();
    const { ws, runbook } = demoWorkspace((t) => t.replace('max: 30s', 'max: 1ms'));
    const run = await runCli(['run', runbook, '--yes', '--json', 'run.json', '--junit', 'run.xml'], {
      cwd: ws.dir,
      timeoutMs: 90_000,
    });
    expect(run.code).toBe(1);
    const json = JSON.parse(ws.read('run.json'));
    expect(json.counts.failed).toBe(0);
    expect(json.status).toBe('failed');
    const failover = (json.measures as MeasureResult[]).find((m) => m.name === 'failover')!;
    expect(failover.verdict).toBe('missed');
    expect(json.reason).toMatch(/^RTO failover (\d+ms|\d+\.\ds) > 1ms$/);
    expect(run.stdout).toMatch(/ {2}failover +\S+ ± 250ms +max 1ms +MISSED\n/);
    expect(run.stdout).toMatch(/Drill failed \(exit 1\) in \S+: RTO failover \S+ > 1ms\n/);
    const xml = ws.read('run.xml');
    assertValidJunit(ws.path('run.xml'));
    expect(xml).toMatch(
      /<testcase classname="demo-failover\.measures" name="failover" time="[\d.]+">\n {6}<failure message="RTO failover \S+ &gt; 1ms" type="rto-missed">/,
    );
    expect(xml).toMatch(/<testsuite name="demo-failover" tests="\d+" failures="1"/);
  }, 120_000);
});
