import { describe, expect, it } from 'vitest';
import type { RunStartEvent } from '../../src/engine/events.js';
import type { JournalContents } from '../../src/engine/journal-read.js';
import { pendingCleanup } from '../../src/engine/pending-cleanup.js';
import type { RollbackPolicy } from '../../src/engine/run-settings.js';
import { yamlRunbook } from '../support/drill.js';
import { EventScript } from '../support/events.js';

const RUNBOOK = `
name: demo
steps:
  - { id: deploy, run: "true", undo: { run: "true" } }
  - { id: gated, run: "true", confirm: "go?", undo: { run: "true" } }
  - parallel:
      - { id: m1, run: "true", undo: { run: "true" } }
      - { id: m2, run: "true" }
    id: group
  - { id: plain, run: "true" }
finally:
  - { id: halt, run: "true" }
  - { id: restore, run: "true" }
`;

function journalOf(script: EventScript, rollback: RollbackPolicy = 'on-failure'): JournalContents {
  const start = script.events[0] as RunStartEvent;
  return {
    meta: { runbook: 'demo.yaml', digest: 'sha256:abc', vars: {}, rollback, acceptNewHostKeys: false },
    events: script.events,
    start,
    finished: script.events.some((e) => e.type === 'run-end'),
  };
}

const PLAN = [
  'deploy',
  'gated',
  'group',
  { id: 'm1', group: 'group' },
  { id: 'm2', group: 'group' },
  'plain',
];

describe('what drillbook finally finds left to do in a journal', () => {
  it('killed in the middle: the undo of what acted (in acting order) and every finally step; open steps are closed', async () => {
    const rb = await yamlRunbook(RUNBOOK);
    const s = new EventScript().runStart(PLAN).step('deploy');
    // A gate asked and never answered: the step never acted, so it has nothing to undo.
    s.stepStart('gated').push({
      type: 'gate-request',
      time: s.now,
      stepId: 'gated',
      kind: 'confirm',
      message: 'go?',
    });
    const p = pendingCleanup(journalOf(s), rb, false);
    expect(p.undo.map((x) => x.id)).toEqual(['deploy']);
    expect(p.finallySteps.map((x) => x.id)).toEqual(['halt', 'restore']);
    expect(p.cleanup.open).toEqual([
      expect.objectContaining({ stepId: 'gated', phase: 'main', attempts: 0 }),
    ]);
    expect(p.cleanup.verdict(undefined)).toEqual({
      status: 'interrupted',
      exitCode: 1,
      reason:
        'killed before it finished (its journal has no end); rollback and finally completed later by drillbook finally',
    });
  });

  it('a step killed while acting, and parallel members, count on their own', async () => {
    const rb = await yamlRunbook(RUNBOOK);
    const s = new EventScript().runStart(PLAN).step('deploy');
    s.stepStart('gated').gate('gated', 'approved', 'yes-flag', 'approved by --yes').tick(10).stepEnd('gated');
    s.stepStart('group').stepStart('m1').stepStart('m2').tick(5).stepEnd('m2');
    const p = pendingCleanup(journalOf(s), rb, false);
    // m1 was running (acted); m2 has no undo; the group itself has none.
    expect(p.undo.map((x) => x.id)).toEqual(['deploy', 'gated', 'm1']);
    expect(p.cleanup.open.map((o) => o.stepId).sort()).toEqual(['group', 'm1']);
  });

  it('a rollback and finally cut by the kill (or a second signal) are run for what did not end', async () => {
    const rb = await yamlRunbook(RUNBOOK);
    const s = new EventScript().runStart(PLAN).step('deploy').step('gated', { status: 'failed' });
    s.stepStart('undo/gated', { phase: 'undo' }).stepEnd('undo/gated', 'passed', { phase: 'undo' });
    s.push({ type: 'step-undone', time: s.now, stepId: 'gated', name: 'gated', undo: 'passed' });
    s.stepStart('undo/deploy', { phase: 'undo' });
    const cut = pendingCleanup(journalOf(s), rb, false);
    expect(cut.undo.map((x) => x.id)).toEqual(['deploy']);
    expect(cut.finallySteps.map((x) => x.id)).toEqual(['halt', 'restore']);

    // Forced stop: the run ended, but restore was skipped as "not run: SIGTERM".
    const forced = new EventScript().runStart(PLAN).step('deploy', { status: 'failed' });
    forced.stepStart('undo/deploy', { phase: 'undo' }).stepEnd('undo/deploy', 'passed', { phase: 'undo' });
    forced.stepStart('halt', { phase: 'finally' }).stepEnd('halt', 'passed', { phase: 'finally' });
    forced.stepEnd('restore', 'skipped', { phase: 'finally', attempts: 0, reason: 'not run: SIGTERM' });
    forced.runEnd('interrupted', 143, 'interrupted by SIGTERM');
    const p = pendingCleanup(journalOf(forced), rb, false);
    expect(p.undo).toEqual([]);
    expect(p.finallySteps.map((x) => x.id)).toEqual(['restore']);
    expect(p.cleanup.verdict('restore: exit 1')).toEqual({
      status: 'interrupted',
      exitCode: 143,
      reason: 'interrupted by SIGTERM; drillbook finally: rollback and finally failed: restore: exit 1',
    });
  });

  it('a run that ended with its finally done has nothing left, unless forced; --rollback never undoes nothing', async () => {
    const rb = await yamlRunbook(RUNBOOK);
    const s = new EventScript().runStart(PLAN).step('deploy').step('plain');
    s.stepStart('halt', { phase: 'finally' }).stepEnd('halt', 'passed', { phase: 'finally' });
    // A finally step skipped by its own `when:` did end: it is not run again.
    s.stepEnd('restore', 'skipped', { phase: 'finally', attempts: 0, reason: 'condition not met: when: no' });
    s.runEnd('passed');
    const done = pendingCleanup(journalOf(s), rb, false);
    expect(done.undo).toEqual([]);
    expect(done.finallySteps).toEqual([]);
    const forced = pendingCleanup(journalOf(s), rb, true);
    // on-failure: a passed run is not rolled back, even with --force.
    expect(forced.undo).toEqual([]);
    expect(forced.finallySteps.map((x) => x.id)).toEqual(['halt', 'restore']);
    // A passed run whose late cleanup fails is failed.
    expect(forced.cleanup.verdict('halt: boom')).toMatchObject({ status: 'failed', exitCode: 1 });

    const killed = new EventScript().runStart(PLAN).step('deploy');
    expect(pendingCleanup(journalOf(killed, 'never'), rb, false).undo).toEqual([]);
    expect(pendingCleanup(journalOf(killed, 'always'), rb, false).undo.map((x) => x.id)).toEqual(['deploy']);
  });

  it('a resumed run also undoes what passed in the run it continued', async () => {
    const rb = await yamlRunbook(RUNBOOK);
    const s = new EventScript().runStart(PLAN);
    (s.events[0] as RunStartEvent).resumed = { from: 'run-0', passed: ['deploy'] };
    s.step('gated');
    expect(pendingCleanup(journalOf(s), rb, false).undo.map((x) => x.id)).toEqual(['deploy', 'gated']);
  });
});
