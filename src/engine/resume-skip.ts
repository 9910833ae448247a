import type { ActionStep, Step } from '../runbook/model.js';
import type { RunContext } from './run-context.js';
import type { StepOutcome, StepPlacement } from './step-types.js';

/** The action steps a step starts: itself, or every member of a parallel group. */
export function leaves(step: Step): ActionStep[] {
  return step.kind === 'action' ? [step] : step.steps.flatMap(leaves);
}

/**
 * Whether a step passed in the run being resumed, so it is not run again. A parallel group
 * counts only when every member did: otherwise the group runs, and its members that passed
 * are left out one by one (a resumed run works at the granularity of what ran).
 */
export function passedBefore(ctx: RunContext, step: Step): boolean {
  const passed = ctx.resumed?.passed;
  if (!passed?.has(step.id)) return false;
  return step.kind === 'action' || step.steps.every((m) => passedBefore(ctx, m));
}

/**
 * Reports a step (and its members) that passed in the run being resumed as passed, without
 * running it. Its effects are still in place, so it counts as acted: a failure in this run
 * undoes it along with what this run did.
 */
export function passedEarlier(ctx: RunContext, step: Step, at: StepPlacement): StepOutcome {
  const reason = `passed in run ${ctx.resumed?.runId}; not run again (resumed)`;
  const emit = (s: Step, place: StepPlacement) => {
    ctx.emit({
      type: 'step-end',
      time: Date.now(),
      stepId: place.id,
      name: place.name,
      phase: place.phase,
      status: 'passed',
      durationMs: 0,
      attempts: 0,
      reason,
      ...(place.group !== undefined ? { group: place.group } : {}),
    });
    if (s.kind === 'parallel')
      for (const m of s.steps) emit(m, { phase: place.phase, id: m.id, name: m.name, group: s.id });
  };
  emit(step, at);
  return { status: 'passed', acted: leaves(step) };
}
