import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import type { ConfirmDecision, Gate } from '../../src/engine/gate.js';
import { Journal } from '../../src/engine/journal.js';
import { readJournal, resumeStateFrom } from '../../src/engine/journal-read.js';
import { palette } from '../../src/report/color.js';
import { renderSummary } from '../../src/report/console-summary.js';
import { toJsonReport } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { RunReportBuilder } from '../../src/report/run-report.js';
import type { Runbook } from '../../src/runbook/model.js';
import { drill, yamlRunbook } from '../support/drill.js';

// Rollback undoes only what was done, the journal says what was undone, and resume re-runs
// exactly what did not pass: undone steps, and failed members of a parallel group (issue 12).

/** A gate that approves, refuses or never answers, by step id, as a person at the TUI would. */
function person(decide: (stepId: string) => ConfirmDecision['decision'] | 'wait'): Gate {
  return {
    confirm: (request, signal) => {
      const decision = decide(request.stepId);
      if (decision === 'wait')
        return new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      return Promise.resolve({ decision, by: 'person', note: `${decision} by a person` } as ConfirmDecision);
    },
    failed: async () => ({ decision: 'fail', by: 'person', note: 'let it fail' }),
  };
}

/** Lines a drill's commands appended to `file` in the runbook's directory. */
function lines(rb: Runbook, file: string): string[] {
  const path = join(dirname(rb.file), file);
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean) : [];
}

/** A step that records that it acted, and whose undo records that it was undone. */
const acting = (id: string, extra = '') =>
  `  - { id: ${id}, run: "echo ${id} >> acted", undo: { run: "echo undo-${id} >> undone" }${extra} }\n`;

describe('undo runs only for steps whose action started', () => {
  it('skips the undo of refused, timed-out, skipped, unmet and never-reached steps, in groups too', async () => {
    const rb = await yamlRunbook(`
steps:
${acting('first')}${acting('refused', ', confirm: "Go?", continue_on_error: true')}${acting('timed-out', ', confirm: { message: "Go?", timeout: 50ms, on_timeout: skip }')}${acting('skipped', ', confirm: "Go?"')}${acting('when-false', ', when: "no"')}  - { id: never-saves, run: "true", save: never_saved, when: "no" }
${acting('when-error', ', when: "{{ vars.never_saved }}", continue_on_error: true')}  - id: group
    parallel:
    ${acting('member-acts').trimStart()}    ${acting('member-refused', ', confirm: "Go?", continue_on_error: true').trimStart()}    ${acting('member-skipped', ', when: "no"').trimStart()}${acting('retried', ', retries: 1, retry_delay: 10ms').replace('echo retried >> acted', 'echo retried >> acted; test -e tried || { touch tried; exit 1; }')}${acting('fails', '').replace('>> acted"', '>> acted; exit 1"')}${acting('never-reached')}`);
    const gate = person((id) =>
      id.includes('refused') ? 'refuse' : id === 'timed-out' ? 'wait' : id === 'skipped' ? 'skip' : 'approve',
    );
    const r = await drill(rb, { gate });
    expect(r.end.status).toBe('failed');
    expect(r.ends.get('refused')).toMatchObject({ status: 'failed', tolerated: true });
    expect(r.ends.get('when-error')).toMatchObject({ status: 'failed', tolerated: true });
    expect(lines(rb, 'acted')).toEqual(['first', 'member-acts', 'retried', 'retried', 'fails']);
    // Reverse order of what acted; nothing for a step whose action never started.
    expect(lines(rb, 'undone')).toEqual(['undo-fails', 'undo-retried', 'undo-member-acts', 'undo-first']);
    const undoIds = r.events.flatMap((e) => (e.type === 'step-end' && e.phase === 'undo' ? [e.stepId] : []));
    expect(undoIds).toEqual(['undo/fails', 'undo/retried', 'undo/member-acts', 'undo/first']);
  });

  it('a gate that times out and aborts the drill is not undone; what ran before it is', async () => {
    const rb = await yamlRunbook(`
steps:
${acting('first')}${acting('gate', ', confirm: { message: "Go?", timeout: 50ms, on_timeout: abort }')}${acting('after')}`);
    const r = await drill(rb, { gate: person(() => 'wait') });
    expect(r.end.status).toBe('aborted');
    expect(lines(rb, 'acted')).toEqual(['first']);
    expect(lines(rb, 'undone')).toEqual(['undo-first']);
  });

  it('headless, an unapproved gate is refused and its step is not undone', async () => {
    const rb = await yamlRunbook(`
steps:
${acting('first')}${acting('gate', ', confirm: "Go?"')}`);
    const r = await drill(rb); // the policy gate, with no approvals
    expect(r.ends.get('gate')).toMatchObject({ status: 'failed' });
    expect(lines(rb, 'acted')).toEqual(['first']);
    expect(lines(rb, 'undone')).toEqual(['undo-first']);
  });
});

/** Runs a drill with a journal in a fresh run directory, as `drillbook run` does. */
async function journalled(rb: Runbook, options: Parameters<typeof drill>[1] = {}) {
  const dir = join(mkdtempSync(join(tmpdir(), 'drillbook-run-')), 'run');
  const journal = new Journal(dir, {
    runbook: rb.file,
    digest: rb.digest,
    vars: {},
    rollback: options.rollback ?? 'on-failure',
    acceptNewHostKeys: false,
  });
  try {
    const result = await drill(rb, { ...options, onEvent: journal.listener });
    return { ...result, dir };
  } finally {
    journal.close();
  }
}

function reportOf(events: EngineEvent[]) {
  const builder = new RunReportBuilder();
  for (const e of events) builder.add(e);
  return builder.build();
}

describe('the journal records undone steps, and resume runs them again', () => {
  const DRILL = `
steps:
${acting('prepare')}  - id: group
    parallel:
    ${acting('left').trimStart()}    ${acting('right').trimStart()}  - { id: check, run: "echo check >> acted; test -e go" }
`;

  it('after a rollback, undone steps are recorded as undone and resume re-runs them', async () => {
    const rb = await yamlRunbook(DRILL);
    const first = await journalled(rb);
    expect(first.end.status).toBe('failed');
    expect(lines(rb, 'undone')).toEqual(['undo-right', 'undo-left', 'undo-prepare']);

    const undone = first.events.flatMap((e) => (e.type === 'step-undone' ? [[e.stepId, e.undo]] : []));
    expect(undone).toEqual([
      ['right', 'passed'],
      ['left', 'passed'],
      ['prepare', 'passed'],
    ]);
    const report = reportOf((await readJournal(first.dir)).events);
    for (const id of ['prepare', 'left', 'right'])
      expect(report.steps.find((s) => s.key === `main:${id}`)?.undone, id).toEqual({ status: 'passed' });
    expect(report.steps.find((s) => s.key === 'main:check')?.undone).toBeUndefined();
    // Every report says so: the console summary, JSON and JUnit.
    const summary = renderSummary(report, palette(false));
    expect(summary).toMatch(/prepare\s+passed, undone/);
    expect(summary).toMatch(/check\s+failed\s/);
    const json = toJsonReport(report).steps.find((s) => s.id === 'left');
    expect(json?.undone).toEqual({ status: 'passed' });
    expect(toJsonReport(report).steps.find((s) => s.id === 'check')?.undone).toBeNull();
    expect(renderJunit(report)).toContain('UNDONE during rollback (its undo passed); resume runs it again');

    const state = resumeStateFrom(await readJournal(first.dir));
    expect(state.passed).toEqual([]);

    const again = await drill(rb, { resume: state, rollback: 'never' });
    expect(again.end.status).toBe('failed');
    expect(lines(rb, 'acted').filter((l) => l === 'prepare')).toHaveLength(2);
  });

  it('reads an old journal, which has no step-undone records, the same way', async () => {
    const rb = await yamlRunbook(DRILL);
    const first = await journalled(rb);
    const journal = await readJournal(first.dir);
    const old = { ...journal, events: journal.events.filter((e) => e.type !== 'step-undone') };
    expect(resumeStateFrom(old).passed).toEqual([]);
  });

  it('resume re-runs only the parallel members that did not pass', async () => {
    const rb = await yamlRunbook(`
steps:
  - { id: before, run: "echo before >> acted" }
  - id: group
    fail_fast: false
    parallel:
      - { id: ok, run: "echo ok >> acted" }
      - { id: flaky, run: "echo flaky >> acted; test -e go" }
      - id: inner
        parallel:
          - { id: inner-ok, run: "echo inner-ok >> acted" }
  - { id: after, run: "echo after >> acted" }
`);
    const first = await journalled(rb);
    expect(first.ends.get('flaky')?.status).toBe('failed');
    expect(lines(rb, 'acted').sort()).toEqual(['before', 'flaky', 'inner-ok', 'ok']);

    const state = resumeStateFrom(await readJournal(first.dir));
    expect(state.passed.sort()).toEqual(['before', 'inner', 'inner-ok', 'ok']);
    writeFileSync(join(dirname(rb.file), 'go'), '');
    const again = await drill(rb, { resume: state });
    expect(again.end.status).toBe('passed');
    expect(lines(rb, 'acted').sort()).toEqual(['after', 'before', 'flaky', 'flaky', 'inner-ok', 'ok']);
    expect(again.ends.get('ok')).toMatchObject({ status: 'passed', attempts: 0 });
    expect(again.ends.get('ok')?.reason).toMatch(/not run again \(resumed\)/);
    expect(again.ends.get('inner-ok')).toMatchObject({ status: 'passed', attempts: 0 });
    expect(again.ends.get('flaky')).toMatchObject({ status: 'passed', attempts: 1 });
    expect(again.ends.get('group')?.status).toBe('passed');
  });

  it('a resumed run that fails also undoes what passed in the run it continues', async () => {
    const rb = await yamlRunbook(`
steps:
${acting('prepare')}  - { id: check, run: "echo check >> acted; exit 1" }
`);
    // The first run stopped without rolling back (as after kill -9, or --rollback never).
    const first = await journalled(rb, { rollback: 'never' });
    expect(lines(rb, 'undone')).toEqual([]);
    const state = resumeStateFrom(await readJournal(first.dir));
    expect(state.passed).toEqual(['prepare']);
    const again = await drill(rb, { resume: state });
    expect(again.end.status).toBe('failed');
    expect(lines(rb, 'acted')).toEqual(['prepare', 'check', 'check']);
    expect(lines(rb, 'undone')).toEqual(['undo-prepare']);
  });
});

describe('a parallel group has no gate, condition or undo of its own', () => {
  it('refuses confirm, when and undo on a group, where they are written, instead of ignoring them', async () => {
    const text = `
steps:
  - id: group
    confirm: "Blackhole both?"
    when: "no"
    undo: { run: "echo undo-group" }
    parallel:
      - { id: a, run: "echo a" }
`;
    const message = await yamlRunbook(text).then(
      () => '',
      (error: Error) => error.message,
    );
    expect(message.split('\n').map((l) => l.replace(/^.*runbook\.yaml:/, ''))).toEqual([
      '4:5: steps[0].confirm: `confirm` cannot go on a parallel group: its members would run without this gate (put a confirm step before the group, or `confirm` on each member)',
      '5:5: steps[0].when: `when` cannot go on a parallel group: its members would run whatever it says (put `when` on each member)',
      '6:5: steps[0].undo: `undo` cannot go on a parallel group: rollback undoes each member that acted, with its own undo (put `undo` on the members that need one)',
    ]);
  });
});
