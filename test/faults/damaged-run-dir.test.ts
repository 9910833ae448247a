import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/commands/report.js';
import { resumeCommand } from '../../src/commands/resume.js';
import { capturingIo, healthyDir, runInProcess, STACK_LINE, writeRunbook } from './in-process.js';

/**
 * A run directory damaged after the run (a disk, a person, another tool, a newer drillbook):
 * `report` and `resume` end in exit 2 naming the file (and line) and what is wrong, never in
 * exit 70 halfway through rebuilding a report or resuming a drill, and resume runs nothing.
 */

const RUNBOOK = `drillbook: 1
name: damaged
steps:
  - id: first
    run: echo first-ran
  - id: second
    run: exit 3
`;

/** A real failed run (first passed, second failed) to damage; returns its run directory. */
async function recordedRun(): Promise<{ cwd: string; runDir: string }> {
  const cwd = healthyDir();
  const file = writeRunbook(cwd, RUNBOOK);
  const r = await runInProcess(file, cwd);
  expect(r.code, r.stderr).toBe(1);
  const runs = join(cwd, '.drillbook', 'runs');
  const [name] = readdirSync(runs);
  return { cwd, runDir: join(runs, name ?? 'missing') };
}

async function reportAndResume(cwd: string, runDir: string) {
  const report = capturingIo(cwd);
  const reportCode = await reportCommand({ runDir, junit: join(cwd, 'out', 'r.xml') }, report.io);
  const runsBefore = readdirSync(join(cwd, '.drillbook', 'runs')).length;
  const resume = capturingIo(cwd);
  const resumeCode = await resumeCommand({ runDir, headless: true, yes: true }, resume.io);
  const ranAgain = readdirSync(join(cwd, '.drillbook', 'runs')).length > runsBefore;
  return { reportCode, report: report.out, resumeCode, resume: resume.out, ranAgain };
}

type Damage = {
  what: string;
  file: 'meta.json' | 'journal.jsonl';
  edit: (text: string) => string;
  says: RegExp;
};

const lineEdit = (n: number, replace: (line: string) => string) => (text: string) =>
  text
    .split('\n')
    .map((line, i) => (i === n ? replace(line) : line))
    .join('\n');

const DAMAGES: Damage[] = [
  {
    what: 'meta.json not JSON',
    file: 'meta.json',
    edit: () => '{bad',
    says: /meta\.json: damaged run record: not valid JSON$/m,
  },
  {
    what: 'meta.json null',
    file: 'meta.json',
    edit: () => 'null',
    says: /meta\.json: damaged run record: it should be an object/,
  },
  { what: 'meta.json a list', file: 'meta.json', edit: () => '[]', says: /meta\.json: damaged run record/ },
  {
    what: 'meta.json without its runbook',
    file: 'meta.json',
    edit: (t) => JSON.stringify({ ...JSON.parse(t), runbook: 7 }),
    says: /meta\.json: damaged run record: `runbook` should be a string/,
  },
  {
    what: 'meta.json vars not strings',
    file: 'meta.json',
    edit: (t) => JSON.stringify({ ...JSON.parse(t), vars: { a: { b: 1 } } }),
    says: /`vars\.a` should be a string/,
  },
  {
    // Resume would otherwise run with a rollback policy nobody chose (it was cast, unchecked).
    what: 'meta.json with an unknown rollback policy',
    file: 'meta.json',
    edit: (t) => JSON.stringify({ ...JSON.parse(t), rollback: 'sometimes' }),
    says: /meta\.json: damaged run record: `rollback` should be one of always, on-failure, never/,
  },
  {
    what: 'meta.json from a newer drillbook',
    file: 'meta.json',
    edit: (t) => JSON.stringify({ ...JSON.parse(t), format: 2 }),
    says: /meta\.json: recorded by a newer drillbook \(run format 2; this one reads format 1 and older\)/,
  },
  {
    what: 'a null event',
    file: 'journal.jsonl',
    edit: lineEdit(1, () => 'null'),
    says: /journal\.jsonl:2: damaged event in the journal: an event should be an object/,
  },
  {
    what: 'a number event',
    file: 'journal.jsonl',
    edit: lineEdit(1, () => '42'),
    says: /journal\.jsonl:2: damaged event/,
  },
  {
    what: 'a garbage line',
    file: 'journal.jsonl',
    edit: lineEdit(1, () => 'garbage'),
    says: /journal\.jsonl:2: damaged line in the journal/,
  },
  {
    what: 'an event of unknown type',
    file: 'journal.jsonl',
    edit: lineEdit(1, () => '{"type":"from-the-future","time":1}'),
    says: /journal\.jsonl:2: damaged event in the journal: unknown event type "from-the-future"/,
  },
  {
    what: 'a bare step-end',
    file: 'journal.jsonl',
    edit: lineEdit(1, () => '{"type":"step-end"}'),
    says: /journal\.jsonl:2: damaged event in the journal: `time` should be a number/,
  },
  {
    what: 'a run-start without a plan',
    file: 'journal.jsonl',
    edit: lineEdit(0, (l) => JSON.stringify({ ...JSON.parse(l), plan: undefined })),
    says: /journal\.jsonl:1: damaged event in the journal: `plan` should be a list/,
  },
  {
    what: 'a step-end with an unknown status',
    file: 'journal.jsonl',
    edit: (t) => t.replace('"status":"passed"', '"status":"great"'),
    says: /damaged event in the journal: `status` should be one of passed, failed, skipped, interrupted/,
  },
];

describe('a damaged run directory', () => {
  it('report and resume exit 2 naming the file, line and field; resume runs nothing', async () => {
    const { cwd, runDir } = await recordedRun();
    for (const damage of DAMAGES) {
      const copy = join(cwd, `copy-${DAMAGES.indexOf(damage)}`);
      cpSync(runDir, copy, { recursive: true });
      const path = join(copy, damage.file);
      writeFileSync(path, damage.edit(readFileSync(path, 'utf8')));
      const r = await reportAndResume(cwd, copy);
      const context = `${damage.what}\n${r.report.stderr}\n${r.resume.stderr}`;
      expect(r.reportCode, context).toBe(2);
      expect(r.resumeCode, context).toBe(2);
      expect(r.report.stderr, context).toMatch(damage.says);
      expect(r.resume.stderr, context).toMatch(damage.says);
      expect(r.report.stderr + r.resume.stderr, context).not.toMatch(STACK_LINE);
      expect(r.ranAgain, context).toBe(false);
    }
  });

  it('an intact run directory still reports and resumes (meta.json records its format)', async () => {
    const { cwd, runDir } = await recordedRun();
    expect(JSON.parse(readFileSync(join(runDir, 'meta.json'), 'utf8')).format).toBe(1);
    const r = await reportAndResume(cwd, runDir);
    expect(r.reportCode, r.report.stderr).toBe(1);
    expect(r.resumeCode, r.resume.stderr).toBe(1);
    expect(r.resume.stdout).toContain('1 step(s) already passed');
    expect(r.ranAgain).toBe(true);
  });

  it('any field of any event replaced by any JSON value: exit 0, 1 or 2, never a throw', async () => {
    const { cwd, runDir } = await recordedRun();
    const lines = readFileSync(join(runDir, 'journal.jsonl'), 'utf8').trimEnd().split('\n');
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: lines.length - 1 }),
        fc.nat(),
        fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
        async (lineIndex, fieldPick, value) => {
          const event = JSON.parse(lines[lineIndex] ?? '{}') as Record<string, unknown>;
          const keys = Object.keys(event);
          event[keys[fieldPick % keys.length] ?? 'type'] = value;
          const copy = join(cwd, `fuzz-${n++}`);
          cpSync(runDir, copy, { recursive: true });
          const damaged = lines.map((l, i) => (i === lineIndex ? JSON.stringify(event) : l));
          writeFileSync(join(copy, 'journal.jsonl'), `${damaged.join('\n')}\n`);
          const io = capturingIo(cwd);
          const code = await reportCommand({ runDir: copy, json: join(copy, 'r.json') }, io.io);
          expect([0, 1, 2], io.out.stderr).toContain(code);
          expect(io.out.stderr).not.toMatch(STACK_LINE);
        },
      ),
      { numRuns: 150, seed: 13 },
    );
  });
});
