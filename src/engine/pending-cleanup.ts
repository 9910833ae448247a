import type { ActionStep, Runbook, Step } from '../runbook/model.js';
import type { CleanupOnly, OpenStep } from './cleanup-only.js';
import type { RunVerdict } from './deadline.js';
import type { StepEndEvent, StepStartEvent } from './events.js';
import type { JournalContents } from './journal-read.js';

/** What `drillbook finally` would run for a run, and the CleanupOnly that runs it. */
export interface PendingCleanup {
  cleanup: CleanupOnly;
  /** Steps whose undo it runs (none unless the run's --rollback wants them). */
  undo: readonly ActionStep[];
  finallySteps: readonly Step[];
}

interface Started {
  event: StepStartEvent;
  /** A confirm gate was asked, and whether it was approved: unapproved means it never acted. */
  asked: boolean;
  approved: boolean;
}

/**
 * Reads from a run's journal what is left to clean up: the undo of every step whose action
 * started and that was not undone (if the run's --rollback wants it: `never` never; `always`
 * always; `on-failure` unless the run ended passed), and every finally step that did not end
 * (not started, cut by the kill, or stopped by a second signal). `force` runs every finally
 * step and every undo again.
 */
export function pendingCleanup(journal: JournalContents, runbook: Runbook, force: boolean): PendingCleanup {
  const actionSteps = new Map(runbook.steps.flatMap(leaves).map((s) => [s.id, s]));
  const acted: string[] = [...(journal.start.resumed?.passed ?? [])];
  const undone = new Set<string>();
  const finallyDone = new Set<string>();
  const open = new Map<string, Started>();
  let lastTime = journal.start.time;
  for (const e of journal.events) {
    lastTime = e.time;
    if (e.type === 'step-start') open.set(keyOf(e), { event: e, asked: false, approved: false });
    else if (e.type === 'gate-request' && e.kind === 'confirm')
      openById(open, e.stepId, (s) => (s.asked = true));
    else if (e.type === 'gate-decision' && e.decision === 'approved')
      openById(open, e.stepId, (s) => (s.approved = true));
    else if (e.type === 'step-undone' && e.undo !== 'interrupted') undone.add(e.stepId);
    else if (e.type === 'step-end') {
      open.delete(keyOf(e));
      if (e.phase === 'main' && e.attempts > 0) acted.push(e.stepId);
      if (e.phase === 'undo' && e.attempts > 0 && ended(e)) undone.add(e.stepId.replace(/^undo\//, ''));
      if (e.phase === 'finally' && ended(e)) finallyDone.add(e.stepId);
    }
  }
  const openSteps: OpenStep[] = [...open.values()].map(({ event, asked, approved }) => ({
    stepId: event.stepId,
    name: event.name,
    phase: event.phase,
    ...(event.group !== undefined ? { group: event.group } : {}),
    durationMs: Math.max(0, lastTime - event.time),
    attempts: asked && !approved ? 0 : 1,
  }));
  for (const s of openSteps) if (s.phase === 'main' && s.attempts > 0) acted.push(s.stepId);

  const actedSteps = [...new Set(acted)].flatMap((id) => {
    const step = actionSteps.get(id);
    return step?.undo && (force || !undone.has(id)) ? [step] : [];
  });
  const lastEnd = journal.events.findLast((e) => e.type === 'run-end');
  const policy = journal.meta.rollback;
  const rollback = policy === 'always' || (policy === 'on-failure' && lastEnd?.status !== 'passed');
  const finallySteps = runbook.finally.filter((s) => force || !finallyDone.has(s.id));
  const before: RunVerdict = lastEnd
    ? {
        status: lastEnd.status,
        exitCode: lastEnd.exitCode,
        ...(lastEnd.reason ? { reason: lastEnd.reason } : {}),
      }
    : { status: 'interrupted', exitCode: 1, reason: 'killed before it finished (its journal has no end)' };
  return {
    undo: rollback ? actedSteps : [],
    finallySteps,
    cleanup: {
      acted: actedSteps,
      rollback,
      finallySteps,
      open: openSteps,
      verdict: (failure) => verdictAfter(before, failure),
    },
  };
}

/** The run's verdict stays; the reason adds how the late cleanup went. A failed one fails a pass. */
function verdictAfter(before: RunVerdict, failure: string | undefined): RunVerdict {
  const how = failure
    ? `drillbook finally: rollback and finally failed: ${failure}`
    : 'rollback and finally completed later by drillbook finally';
  const reason = before.reason ? `${before.reason}; ${how}` : how;
  if (failure && before.status === 'passed') return { status: 'failed', exitCode: 1, reason };
  return { ...before, reason };
}

/** A step-end that finished its business: not cut by a kill, not skipped by a forced stop. */
function ended(e: StepEndEvent): boolean {
  if (e.status === 'interrupted') return false;
  return !(e.status === 'skipped' && e.reason?.startsWith('not run:'));
}

function keyOf(e: { phase: string; stepId: string }): string {
  return `${e.phase}:${e.stepId}`;
}

/** Gate events name only the step: they belong to the open step with that id. */
function openById(open: Map<string, Started>, stepId: string, update: (s: Started) => void): void {
  for (const s of open.values()) if (s.event.stepId === stepId) update(s);
}

function leaves(step: Step): ActionStep[] {
  return step.kind === 'parallel' ? step.steps.flatMap(leaves) : [step];
}
