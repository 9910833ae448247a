import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli, startCli, waitUntil, workspace } from '../support/cli.js';
import { seededRandom } from '../support/seeded-random.js';
import { assertValidJunit } from '../support/xmllint.js';

const STEPS = ['s1', 's2', 's3', 's4', 's5', 's6'];

/** Each step adds a line to its own counter file: how many times it really ran. */
function drill(counts: string): string {
  const steps = STEPS.map((id) => `  - id: ${id}\n    run: echo ran >> ${join(counts, id)}; sleep 0.05`);
  return `drillbook: 1\nname: killed\nsteps:\n${steps.join('\n')}\nfinally:\n  - id: restore\n    run: echo ran >> ${join(counts, 'restore')}\n`;
}

const ranTimes = (counts: string, id: string) =>
  existsSync(join(counts, id)) ? readFileSync(join(counts, id), 'utf8').split('\n').length - 1 : 0;

interface JournalLine {
  type: string;
  stepId?: string;
  status?: string;
  phase?: string;
}

function journalLines(runDir: string): JournalLine[] {
  const file = join(runDir, 'journal.jsonl');
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  // A kill mid-write cuts the last line: readers drop it, and so does this one.
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as JournalLine];
    } catch {
      return [];
    }
  });
}

/**
 * Runs the drill, kill -9s drillbook after `delayMs`, then checks what a user relies on:
 * `report` rebuilds valid reports with every finished step in them, and `resume` finishes
 * the drill without running again any step that passed.
 */
export type KillOutcome = 'before-record' | 'before-start' | 'after-end' | 'resumed';

export async function killThenReportAndResume(
  at: { afterRecord: boolean; delayMs: number },
  label: string,
): Promise<KillOutcome> {
  const ws = workspace();
  const counts = ws.path('counts');
  ws.write('counts/.keep', '');
  ws.write('rb.yaml', drill(counts));
  const cli = startCli(['run', 'rb.yaml'], { cwd: ws.dir });
  // Node's start alone can take a second on a loaded machine: count from the record's
  // creation to land among the steps, from the spawn to land in drillbook's own start.
  if (at.afterRecord)
    await waitUntil(() => ws.runDirs().length > 0 || cli.child.exitCode !== null, 'the run');
  await new Promise((r) => setTimeout(r, at.delayMs));
  cli.signal('SIGKILL');
  await cli.done;
  const [runDir] = ws.runDirs();
  if (!runDir) return 'before-record'; // Killed before it created its record: nothing ran.

  const report = await runCli(['report', runDir, '--junit', 'r.xml', '--json', 'r.json'], { cwd: ws.dir });
  expect(report.stderr, label).not.toContain('    at ');
  const events = journalLines(runDir);
  if (!events.some((e) => e.type === 'run-start')) {
    // Killed before the first journal line: refused as not a run, in one line.
    expect(report.code, `${label}\n${report.stderr}`).toBe(2);
    return 'before-start';
  }
  expect([0, 1], `${label}\n${report.stderr}`).toContain(report.code);
  assertValidJunit(ws.path('r.xml'));
  const json = JSON.parse(ws.read('r.json')) as { steps: { id: string; status: string }[] };
  const passed = events.filter((e) => e.type === 'step-end' && e.status === 'passed' && e.phase === 'main');
  for (const end of passed) {
    expect(json.steps.find((s) => s.id === end.stepId)?.status, `${label}: ${end.stepId}`).toBe('passed');
    expect(ws.read('r.xml'), label).toContain(`name="${end.stepId}"`);
  }

  const before = Object.fromEntries(STEPS.map((id) => [id, ranTimes(counts, id)]));
  const resume = await runCli(['resume', runDir], { cwd: ws.dir });
  expect(resume.stderr, label).not.toContain('    at ');
  if (events.some((e) => e.type === 'run-end')) {
    expect(resume.code, `${label}\n${resume.stderr}`).toBe(2); // already passed
    return 'after-end';
  }
  expect(resume.code, `${label}\n${resume.stdout}\n${resume.stderr}`).toBe(0);
  for (const id of STEPS) {
    const passedBefore = passed.some((e) => e.stepId === id);
    // Nothing that passed runs again; everything else ran by the end.
    if (passedBefore) expect(ranTimes(counts, id), `${label}: ${id} ran again`).toBe(before[id]);
    else expect(ranTimes(counts, id), `${label}: ${id} never ran`).toBeGreaterThanOrEqual(1);
  }
  return 'resumed';
}

/** Kill points from a seeded generator: mostly among the steps, some in drillbook's start. */
export async function killAtSeededPoints(seed: number, count: number): Promise<Record<KillOutcome, number>> {
  const random = seededRandom(seed);
  const outcomes: Record<KillOutcome, number> = {
    'before-record': 0,
    'before-start': 0,
    'after-end': 0,
    resumed: 0,
  };
  for (let i = 0; i < count; i++) {
    const afterRecord = random() >= 0.2;
    const delayMs = Math.floor(random() * (afterRecord ? 500 : 400));
    const label = `seed ${seed}, kill #${i} ${delayMs} ms after ${afterRecord ? 'the run dir appeared' : 'spawn'}`;
    outcomes[await killThenReportAndResume({ afterRecord, delayMs }, label)]++;
  }
  return outcomes;
}
