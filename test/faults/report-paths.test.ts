import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { createReportSink } from '../../src/report/index.js';
import { capturingIo, healthyDir, STACK_LINE, writeRunbook } from './in-process.js';

/**
 * Report paths a user can get wrong. Checked before the drill runs where they can be
 * (exit 2: nothing ran, nothing was overwritten); a report path that is not a file is written
 * into (a character device) or refused with one line, never replaced by a plain file.
 */
const RUNBOOK = 'drillbook: 1\nname: paths\nsteps:\n  - id: a\n    run: echo ran >> ran.txt\n';

async function cli(cwd: string, args: string[]) {
  const { io, out } = capturingIo(cwd, { CI: 'true' });
  const code = await main(args, io);
  return { code, ...out };
}

describe('report paths refused before the drill runs (exit 2)', () => {
  it('the same file twice, the runbook itself, an option given twice, an empty name', async () => {
    const dir = healthyDir();
    const runbook = writeRunbook(dir, RUNBOOK);
    const text = readFileSync(runbook, 'utf8');
    const same = join(dir, 'r.out');
    const cases: Array<[string[], RegExp]> = [
      [['--junit', same, '--json', `${dir}/./r.out`], /--junit and --json name the same file/],
      [['--junit', runbook], /--junit .*drill\.yaml is the runbook itself; the report would overwrite it/],
      [['--json', runbook], /--json .*drill\.yaml is the runbook itself/],
      [
        ['--junit', join(dir, 'a.xml'), '--junit', join(dir, 'b.xml')],
        /--junit was given 2 times; give it once/,
      ],
      [['--json', ''], /--json needs a file name/],
    ];
    for (const [args, says] of cases) {
      const r = await cli(dir, ['run', runbook, '--headless', '--yes', ...args]);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(says);
      expect(r.stderr).not.toMatch(STACK_LINE);
    }
    expect(existsSync(join(dir, 'ran.txt')), 'the drill ran').toBe(false);
    expect(readFileSync(runbook, 'utf8')).toBe(text);
    const report = await cli(dir, ['report', join(dir, 'nowhere'), '--junit', same, '--json', same]);
    expect(report.code).toBe(2);
    expect(report.stderr).toMatch(/--junit and --json name the same file/);
  });

  it("report and resume never write a report over the run's journal or meta.json", async () => {
    const dir = healthyDir();
    const runbook = writeRunbook(dir, RUNBOOK);
    expect((await cli(dir, ['run', runbook, '--headless', '--yes'])).code).toBe(0);
    const runs = join(dir, '.drillbook', 'runs');
    const runDir = join(runs, readdirSync(runs)[0] ?? 'missing');
    const journal = readFileSync(join(runDir, 'journal.jsonl'), 'utf8');
    for (const [command, file, says] of [
      [
        'report',
        'journal.jsonl',
        /--json .*journal\.jsonl is the run's journal; the report would overwrite it/,
      ],
      ['resume', 'meta.json', /--json .*meta\.json is the run's record \(meta\.json\)/],
    ] as const) {
      const r = await cli(dir, [command, runDir, '--json', join(runDir, file)]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(says);
    }
    expect(readFileSync(join(runDir, 'journal.jsonl'), 'utf8')).toBe(journal);
  });
});

describe('a report path that is not a regular file', () => {
  const sinkTo = async (junit: string, json: string) => {
    const sink = createReportSink({ junit, json });
    return sink.finish();
  };

  it('a link to /dev/null is written into, the link and the device left as they are', async () => {
    const dir = healthyDir();
    const link = join(dir, 'null.xml');
    symlinkSync('/dev/null', link);
    const r = await sinkTo(link, join(dir, 'r.json'));
    expect(r.failed).toEqual([]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('/dev/null');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('a link to /dev/full: the write fails ENOSPC, the other report is still written', async () => {
    const dir = healthyDir();
    const link = join(dir, 'full.xml');
    symlinkSync('/dev/full', link);
    const r = await sinkTo(link, join(dir, 'r.json'));
    expect(r.failed.map((f) => `${f.what}: ${f.why}`)).toEqual([
      'JUnit report: ENOSPC (no space left on device)',
    ]);
    expect(r.written).toEqual([join(dir, 'r.json')]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('a fifo or a directory: refused with one line, the fifo left a fifo, nothing hangs', async () => {
    const dir = healthyDir();
    const fifo = join(dir, 'pipe.xml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    const r = await sinkTo(fifo, sub);
    expect(r.failed.map((f) => `${f.what}: ${f.why}`)).toEqual([
      'JUnit report: is a named pipe (fifo), not a file; reports are written to files (or /dev/stdout, /dev/null)',
      'JSON report: is a directory, not a file; reports are written to files (or /dev/stdout, /dev/null)',
    ]);
    expect(statSync(fifo).isFIFO()).toBe(true);
  });
});
