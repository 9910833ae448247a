import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { historyCommand } from '../../src/commands/history.js';
import { findRegressions, median } from '../../src/history/regression.js';
import type { RunRecord } from '../../src/history/run-record.js';
import { measure, writeJsonReport, writeRunDir } from '../support/history-runs.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 1, 3, 0);
const DAY = 86_400_000;

async function history(args: string[], cwd: string, tty = false) {
  let stdout = '';
  let stderr = '';
  const flag = (name: string) => args.includes(name);
  const value = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const regression = args.indexOf('--regression');
  const code = await historyCommand(
    {
      dirs: args.filter(
        (a, i) =>
          !a.startsWith('--') &&
          !['--window', '--runbook', '--last', '--regression'].includes(args[i - 1] ?? ''),
      ),
      json: flag('--json'),
      csv: flag('--csv'),
      ...(regression >= 0
        ? { regression: args[regression + 1]?.startsWith('--') ? '' : (args[regression + 1] ?? '') }
        : {}),
      window: Number(value('--window') ?? 5),
      last: Number(value('--last') ?? 500),
      ...(value('--runbook') ? { runbook: value('--runbook')! } : {}),
    },
    {
      stdout: { write: (t: string) => (stdout += t), isTTY: tty },
      stderr: { write: (t: string) => (stderr += t) },
      stdin: {},
      env: {},
      cwd,
    },
  );
  return { code, stdout, stderr };
}

/**
 * Six nightly runs of stage4 in `.drillbook/runs` (journals), two archived Jenkins builds as
 * JSON reports, the first two runs from before measures existed. Failover times hover around
 * 4 minutes; `regressed` makes the newest run take 6.
 */
function sixNights(regressed: boolean): string {
  const cwd = mkdtempSync(join(tmpdir(), 'drillbook-history-'));
  const runs = join(cwd, '.drillbook', 'runs');
  const failover = [null, null, 4.0, 4.2, 3.9, 4.1, 4.0, regressed ? 6.0 : 4.3];
  failover.forEach((minutes, i) => {
    const run = {
      runId: `2026-11-0${i + 1}T03-00-00-000Z-00${i}`,
      time: T0 + i * DAY,
      durationMs: 20 * MIN + i * 1000,
      ...(minutes === null
        ? {}
        : {
            measures: [
              measure('RTO failover', minutes * MIN, { maxMs: 8 * MIN }),
              measure('blue healthy', 2 * MIN),
            ],
          }),
    };
    // Builds 3 and 4 come back from Jenkins as archived JSON reports, not run directories.
    if (i === 3 || i === 4)
      writeJsonReport(join(cwd, 'jenkins', `${i}`, 'archive', 'reports', 'drill.json'), run);
    else writeRunDir(runs, run);
  });
  return cwd;
}

describe('drillbook history', () => {
  it('shows one row per run, oldest first, with each measure and its resolution', async () => {
    const cwd = sixNights(false);
    const r = await history(['.drillbook/runs', 'jenkins'], cwd);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^time +runbook +verdict +duration +RTO failover +blue healthy$/);
    expect(rows).toHaveLength(9);
    expect(rows[1]).toMatch(/^2026-11-01 03:00Z +stage4 ab12cd34 +passed +20m00s/);
    // Runs from before measures existed: a dash, not a zero.
    expect(rows[1]).toMatch(/passed +20m00s +- +-$/);
    expect(rows[4]).toContain('4m12s ± 5s');
    expect(rows[8]).toContain('4m18s ± 5s');
    expect(r.stdout).not.toMatch(/regression|▲/);
  });

  it('flags a planted regression in the newest run and exits 1 (CI)', async () => {
    const cwd = sixNights(true);
    const r = await history(['.drillbook/runs', 'jenkins', '--regression', '20%'], cwd);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[8]).toContain('6m00s ± 5s ▲');
    expect(r.stdout).toMatch(
      /regression: stage4 RTO failover 6m00s in run 2026-11-08T03-00-00-000Z-007 is 50% above the median 4m00s of the 5 runs before$/m,
    );
    // The other measure did not regress; without --regression nothing is judged.
    expect(r.stdout).not.toMatch(/regression: stage4 blue healthy/);
    expect((await history(['.drillbook/runs', 'jenkins'], cwd)).code).toBe(0);
    // 50% tolerates it; a bare --regression means 20%.
    expect((await history(['.drillbook/runs', 'jenkins', '--regression', '50%'], cwd)).code).toBe(0);
    expect((await history(['.drillbook/runs', 'jenkins', '--regression'], cwd)).code).toBe(1);
  });

  it('shows an earlier regression but fails only on the newest run', async () => {
    const cwd = sixNights(true);
    writeRunDir(join(cwd, '.drillbook', 'runs'), {
      runId: '2026-11-09T03-00-00-000Z-008',
      time: T0 + 8 * DAY,
      measures: [measure('RTO failover', 4.1 * MIN)],
    });
    const r = await history(['.drillbook/runs', 'jenkins', '--regression', '20%'], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/regression: stage4 RTO failover 6m00s .* \(an earlier run\)/);
  });

  it('--window takes the median over that many earlier runs', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'drillbook-history-'));
    const runs = join(cwd, 'runs');
    for (const [i, minutes] of [10, 10, 10, 1, 1, 1.1].entries())
      writeRunDir(runs, { runId: `r${i}`, time: T0 + i * DAY, measures: [measure('m', minutes * MIN)] });
    // Median of the last 2 (1, 1): 1.1 is 10% worse. Of the last 5 (10, 10, 1, 1 ...): better.
    expect((await history(['runs', '--regression', '5%', '--window', '2'], cwd)).code).toBe(1);
    expect((await history(['runs', '--regression', '5%', '--window', '5'], cwd)).code).toBe(0);
  });

  it('--json and --csv', async () => {
    const cwd = sixNights(true);
    const json = JSON.parse(
      (await history(['.drillbook/runs', 'jenkins', '--json', '--regression', '20'], cwd)).stdout,
    );
    expect(json.generator).toBe('drillbook');
    expect(json.runs).toHaveLength(8);
    expect(json.runs[7]).toMatchObject({
      runId: '2026-11-08T03-00-00-000Z-007',
      runbook: { name: 'stage4', digest: 'ab12cd34ef56' },
      startedAt: '2026-11-08T03:00:00.000Z',
      status: 'passed',
      complete: true,
      durationMs: 20 * MIN + 7000,
    });
    expect(json.runs[7].measures[0]).toMatchObject({
      name: 'RTO failover',
      valueMs: 6 * MIN,
      resolutionMs: 5000,
      maxMs: 8 * MIN,
      verdict: 'met',
    });
    expect(json.runs[0].measures).toEqual([]);
    expect(json.regressions).toEqual([
      expect.objectContaining({
        measure: 'RTO failover',
        valueMs: 6 * MIN,
        medianMs: 4 * MIN,
        over: 5,
        newest: true,
      }),
    ]);
    const csv = (await history(['.drillbook/runs', 'jenkins', '--csv'], cwd)).stdout;
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('time,runbook,digest,verdict,duration,RTO failover,blue healthy');
    expect(lines[1]).toBe('2026-11-01T03:00:00.000Z,stage4,ab12cd34ef56,passed,1200,,');
    expect(lines[8]).toBe('2026-11-08T03:00:00.000Z,stage4,ab12cd34ef56,passed,1207,360,120');
    expect(lines[9]).toBe('');
    // One build's run directory: one header and one row, as the Plot plugin reads a build.
    const one = (await history(['.drillbook/runs', '--csv', '--last', '1'], cwd)).stdout.split('\r\n');
    expect(one.filter(Boolean)).toHaveLength(2);
  });

  it('at a terminal, a sparkline per measure; never in a pipe', async () => {
    const cwd = sixNights(true);
    const tty = await history(['.drillbook/runs', 'jenkins'], cwd, true);
    expect(tty.stdout).toMatch(/stage4 RTO failover {2}[▁▂▃▄▅▆▇█ ]{8} {2}3m54s \.\. 6m00s, last 6m00s/);
    expect(tty.stdout).toContain('    ▁▂▁▂▁█  ');
    expect((await history(['.drillbook/runs', 'jenkins'], cwd, false)).stdout).not.toMatch(/[▁▂▃▄▅▆▇█]/);
  });

  it('skips damaged and foreign files with one line each, never a stack trace', async () => {
    const cwd = sixNights(false);
    const runs = join(cwd, '.drillbook', 'runs');
    // A journal damaged in the middle, a journal cut by kill -9 (kept), foreign JSON, a bad measure.
    const damaged = writeRunDir(runs, { runId: 'damaged', time: T0 + 20 * DAY, measures: [] });
    writeFileSync(join(damaged, 'journal.jsonl'), '{"type":"run-start",\nnot json\n{}\n');
    const cut = writeRunDir(runs, {
      runId: 'cut',
      time: T0 + 21 * DAY,
      status: 'interrupted',
      outputLines: 3,
    });
    appendFileSync(join(cut, 'journal.jsonl'), '{"type":"step-end","time":17');
    writeFileSync(join(cwd, 'package.json'), '{"name":"x"}');
    writeFileSync(join(cwd, 'broken.json'), '{"generator":');
    writeJsonReport(join(cwd, 'bad-measure.json'), {
      runId: 'bad',
      time: T0,
      measures: [{ name: 'x' } as never],
    });
    mkdirSync(join(cwd, 'empty-run'));
    writeFileSync(join(cwd, 'empty-run', 'journal.jsonl'), '');
    writeFileSync(join(cwd, 'notes.txt'), 'hello');
    const r = await history(
      [
        '.drillbook/runs',
        'package.json',
        'broken.json',
        'bad-measure.json',
        'empty-run',
        'notes.txt',
        'missing',
      ],
      cwd,
    );
    expect(r.code).toBe(0);
    const lines = r.stderr.trimEnd().split('\n').sort();
    const expected = [
      /notes\.txt: not a run directory or a \.json report$/,
      /missing: ENOENT$/,
      /damaged-stage4\/journal\.jsonl:1: damaged line \(not JSON\)$/,
      /empty-run\/journal\.jsonl: empty journal$/,
      /bad-measure\.json: `measures\[0\]` is not a measure drillbook wrote$/,
      /broken\.json: not valid JSON$/,
      /package\.json: not a drillbook JSON report/,
    ];
    for (const pattern of expected)
      expect(
        lines.filter((l) => pattern.test(l)),
        String(pattern),
      ).toHaveLength(1);
    expect(lines.every((l) => l.startsWith('drillbook history: skipped /'))).toBe(true);
    expect(new Set(lines).size).toBe(7);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // The killed run is still a row: interrupted, its duration up to its last event.
    expect(r.stdout).toMatch(/stage4 ab12cd34 +interrupted +\d.*\+/);
  });

  it('--runbook keeps one runbook; --last keeps the newest runs', async () => {
    const cwd = sixNights(false);
    writeRunDir(join(cwd, '.drillbook', 'runs'), {
      runId: 'other',
      time: T0 + 30 * DAY,
      runbook: 'demo',
      measures: [measure('x', 1000)],
    });
    writeJsonReport(join(cwd, '.drillbook', 'runs', 'dry.json'), {
      runId: 'dry',
      time: T0 + 31 * DAY,
      runbook: 'dry-run-only',
    });
    const dry = join(cwd, '.drillbook', 'runs', 'dry.json');
    writeFileSync(
      dry,
      readFileSync(dry, 'utf8').replace('"complete": true', '"complete": true, "dryRun": true'),
    );
    const all = await history([], cwd);
    // A dry run ran nothing: its times are not a run's.
    expect(all.stdout).not.toMatch(/dry-run-only/);
    expect(all.stdout).toMatch(/demo ab12cd34/);
    const stage4 = await history(['--runbook', 'stage4'], cwd);
    expect(stage4.stdout).not.toMatch(/demo/);
    const last = await history(['--last', '2'], cwd);
    expect(last.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(last.stdout).toMatch(/demo/);
  });

  it('reads a run with a large journal line by line', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'drillbook-history-'));
    const runDir = writeRunDir(join(cwd, 'runs'), {
      runId: 'big',
      time: T0,
      outputLines: 20_000,
      measures: [measure('m', 1500)],
    });
    // One output line far longer than any line history keeps (it is never needed).
    const journal = join(runDir, 'journal.jsonl');
    const lines = readFileSync(journal, 'utf8').split('\n');
    lines.splice(
      2,
      0,
      JSON.stringify({
        type: 'output',
        time: T0 + 1,
        stepId: 'a',
        stream: 'stdout',
        text: 'y'.repeat(6_000_000),
      }),
    );
    writeFileSync(journal, lines.join('\n'));
    const r = await history(['runs'], cwd);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('1.5s ± 5s');
  });

  it('refuses bad flag values with exit 2', async () => {
    const cwd = sixNights(false);
    expect((await history(['--regression', 'lots'], cwd)).code).toBe(2);
    expect((await history(['--window', '0'], cwd)).code).toBe(2);
    expect((await history(['--json', '--csv'], cwd)).code).toBe(2);
  });
});

describe('findRegressions', () => {
  const record = (i: number, valueMs: number): RunRecord => ({
    source: '',
    runId: `r${i}`,
    runbook: { name: 'rb', digest: '' },
    startedAt: i,
    status: 'passed',
    durationMs: 0,
    complete: true,
    dryRun: false,
    measures: [measure('m', valueMs)],
  });

  it('flags exactly the values above median × (1 + threshold) of the window before them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 100 }),
        (values, window, percent) => {
          const found = findRegressions(
            values.map((v, i) => record(i, v)),
            { threshold: percent / 100, window },
          );
          const expected = values.flatMap((v, i) => {
            const before = values.slice(Math.max(0, i - window), i);
            return before.length > 0 && v > median(before) * (1 + percent / 100) ? [`r${i}`] : [];
          });
          expect(found.map((f) => f.runId)).toEqual(expected);
          expect(found.filter((f) => f.newest).every((f) => f.runId === `r${values.length - 1}`)).toBe(true);
        },
      ),
    );
  });
});
