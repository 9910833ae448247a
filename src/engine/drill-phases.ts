import type { ActionStep, Step } from '../runbook/model.js';
import { linkedController, reasonText } from './abort.js';
import type { StepUndoneEvent } from './events.js';
import { afterId, beforeId, undoId } from './plan.js';
import { leaves, passedBefore, passedEarlier } from './resume-skip.js';
import type { RunContext } from './run-context.js';
import { endStep } from './step-events.js';
import { type DrillControl, runStep as runStepUnguarded, type StepOutcome } from './step-runner.js';
import { watchStopConditions } from './stop-conditions.js';

/**
 * One phase each of a drill, in the order runDrill calls them. They share the run's context,
 * the two stop controls and the first failure, which decides the verdict.
 */
export interface DrillRun {
  ctx: RunContext;
  /** Stops steps and the steady-state checks (the first Ctrl-C, a stop condition, the operator). */
  drill: DrillControl;
  /** Stops rollback and finally: only a forced stop (the second Ctrl-C) does. */
  cleanup: DrillControl;
  /** The first failure that was not tolerated; undefined while the drill is passing. */
  failure: string | undefined;
}

type NotRunPhase = 'main' | 'steady-state-after';

/** What main steps run under: the drill's control, plus stopping them alone (not rollback, not the verdict). */
interface MainControl extends DrillControl {
  cancel(reason: string): void;
}

function noteFailure(run: DrillRun, name: string, outcome: StepOutcome): void {
  if ((outcome.status === 'failed' || outcome.status === 'interrupted') && !outcome.tolerated)
    run.failure ??= `${name}: ${outcome.reason ?? outcome.status}`;
}

/** Reports a step (and the members of a parallel one) as skipped without running it. */
function notRun(
  run: DrillRun,
  step: Step,
  id: string,
  name: string,
  phase: NotRunPhase,
  reason: string,
): void {
  run.ctx.emit({
    type: 'step-end',
    time: Date.now(),
    stepId: id,
    name,
    phase,
    status: 'skipped',
    durationMs: 0,
    attempts: 0,
    reason,
  });
  if (step.kind === 'parallel') for (const m of step.steps) notRun(run, m, m.id, m.name, phase, reason);
}

/** Steady state before: the drill starts only on a healthy system. */
export async function checkSteadyStateBefore(run: DrillRun): Promise<void> {
  for (const s of run.ctx.runbook.steadyState) {
    if (run.failure || run.drill.signal.aborted) break;
    const at = {
      phase: 'steady-state-before' as const,
      id: beforeId(s.id),
      name: `Steady state (before): ${s.name}`,
    };
    const outcome = await runStep(run.ctx, s, at, run.drill);
    if (outcome.status === 'failed' || outcome.status === 'interrupted')
      run.failure = `steady state not met before the drill: ${s.name}: ${outcome.reason ?? outcome.status}`;
  }
}

/**
 * The main steps, with the stop conditions watched while they run. Returns the steps that
 * began acting (including those a resumed run passed earlier), in order of starting, for
 * rollback; a background step's place is filled when it ends.
 */
export async function runMainSteps(
  run: DrillRun,
  selected: (id: string) => string | undefined,
): Promise<ActionStep[]> {
  const { ctx, drill } = run;
  const { stopWhen } = ctx.runbook;
  const stopWatching =
    stopWhen.probes.length > 0 && !ctx.dryRun && !run.failure
      ? watchStopConditions(ctx, stopWhen.probes, stopWhen.interval, drill)
      : async () => {};
  // The main steps' own control: a failing background step cancels the step in progress
  // (a check waiting minutes for an alarm the broken attack never raises) without aborting the drill.
  const mainLink = linkedController(drill.signal);
  const main: MainControl = {
    signal: mainLink.controller.signal,
    abort: drill.abort,
    cancel: (reason) => {
      if (!mainLink.controller.signal.aborted) mainLink.controller.abort(reason);
    },
  };
  const started: (readonly ActionStep[])[] = [];
  let stepsEnded = false;
  try {
    for (const step of ctx.runbook.steps) started.push(await runMainStep(run, step, selected, main));
    stepsEnded = true;
  } finally {
    // Before undo, `finally` and the last stop check: nothing runs beside them. A background
    // step still running now was awaited by no step, so it is interrupted and fails the drill.
    await ctx.background.stopAll(
      drill.signal.aborted
        ? reasonText(drill.signal)
        : run.failure !== undefined
          ? 'stopped: the drill failed'
          : 'stopped: still running when the drill ended (no step awaited it)',
    );
    mainLink.dispose();
    // The last check runs only when the steps ended on their own and none failed.
    await stopWatching({ final: stepsEnded && run.failure === undefined });
  }
  return started.flat();
}

/**
 * Starts a background step and returns at once, with the list that will hold what of it
 * acted; its verdict counts when it ends, and a failure cancels the main step in progress.
 */
function startInBackground(run: DrillRun, step: ActionStep, main: MainControl): readonly ActionStep[] {
  const acted: ActionStep[] = [];
  const at = { phase: 'main' as const, id: step.id, name: step.name, background: true as const };
  run.ctx.background.start(
    step,
    main,
    (own) => runStep(run.ctx, step, at, own),
    (outcome) => {
      acted.push(...outcome.acted);
      noteFailure(run, step.name, outcome);
      const broke = outcome.status === 'failed' || outcome.status === 'interrupted';
      if (broke && !outcome.tolerated) main.cancel(`cancelled: background step ${step.id} ${outcome.status}`);
    },
  );
  return acted;
}

/** Runs, skips or carries over one main step; returns what of it began acting. */
async function runMainStep(
  run: DrillRun,
  step: Step,
  selected: (id: string) => string | undefined,
  main: MainControl,
): Promise<readonly ActionStep[]> {
  const { ctx, drill } = run;
  const at = { phase: 'main' as const, id: step.id, name: step.name };
  const why = selected(step.id);
  if (why) {
    notRun(run, step, step.id, step.name, 'main', why);
    return [];
  }
  if (passedBefore(ctx, step)) return passedEarlier(ctx, step, at).acted;
  if (run.failure || drill.signal.aborted) {
    const cause = drill.signal.aborted ? reasonText(drill.signal) : 'an earlier step failed';
    notRun(run, step, step.id, step.name, 'main', `not run: ${cause}`);
    return [];
  }
  if (step.kind === 'action' && step.background) return startInBackground(run, step, main);
  const outcome = await runStep(ctx, step, at, main);
  noteFailure(run, step.name, outcome);
  // Only what began acting needs undoing: not a step skipped by `when` or at its gate.
  return outcome.acted;
}

/** Undoes, newest first, the started steps that have an undo. */
export async function rollBack(run: DrillRun, started: readonly ActionStep[]): Promise<void> {
  for (const step of [...started].reverse()) {
    if (!step.undo) continue;
    // The undo runs unconditionally, without a gate, once, and saves nothing. The step's
    // leave_running is for the daemon the step starts on purpose; an undo puts things
    // back, so whatever it leaves outside its process group is named and killed.
    const {
      when: _when,
      confirm: _confirm,
      save: _save,
      leaveRunning: _leave,
      background: _background,
      await: _await,
      ...rest
    } = step;
    const undoStep: ActionStep = { ...rest, action: step.undo, retries: 0 };
    const at = { phase: 'undo' as const, id: undoId(step.id), name: `Undo: ${step.name}` };
    const undone = await runStep(run.ctx, undoStep, at, run.cleanup);
    noteFailure(run, `Undo: ${step.name}`, undone);
    if (undone.acted.length > 0) run.ctx.emit(undoneEvent(step, undone));
  }
}

/** The finally steps (`drillbook finally` passes the ones a killed run did not end). */
export async function runFinally(
  run: DrillRun,
  steps: readonly Step[] = run.ctx.runbook.finally,
): Promise<void> {
  for (const step of steps) {
    const at = { phase: 'finally' as const, id: step.id, name: step.name };
    noteFailure(run, step.name, await runStep(run.ctx, step, at, run.cleanup));
  }
}

/** Steady state after: the system must be healthy again once the drill is over. */
export async function checkSteadyStateAfter(run: DrillRun): Promise<void> {
  const { ctx, drill, cleanup } = run;
  for (const s of ctx.runbook.steadyState) {
    const id = afterId(s.id);
    const name = `Steady state (after): ${s.name}`;
    if (drill.signal.aborted || cleanup.signal.aborted) {
      notRun(run, s, id, name, 'steady-state-after', `not run: ${reasonText(drill.signal)}`);
      continue;
    }
    const outcome = await runStep(ctx, s, { phase: 'steady-state-after', id, name }, drill);
    if (outcome.status === 'failed' || outcome.status === 'interrupted')
      run.failure ??= `steady state not met after the drill: ${s.name}: ${outcome.reason ?? outcome.status}`;
  }
}

/**
 * A bug in an action or the engine fails that step, never the whole run: rollback,
 * finally and the reports must still happen.
 */
async function runStep(...args: Parameters<typeof runStepUnguarded>): Promise<StepOutcome> {
  const [ctx, step, at] = args;
  try {
    return await runStepUnguarded(...args);
  } catch (error) {
    const reason = `internal error: ${error instanceof Error ? error.message : String(error)}`;
    return endStep(ctx, at, Date.now(), {
      status: 'failed',
      reason,
      attempts: 1,
      continueOnError: step.continueOnError,
      // Whether the action started is unknown; an undo restores, so err on undoing.
      acted: leaves(step),
    });
  }
}

/** Records that a step was undone, so reports show it and `resume` runs it again. */
function undoneEvent(step: ActionStep, undo: StepOutcome): StepUndoneEvent {
  return { type: 'step-undone', time: Date.now(), stepId: step.id, name: step.name, undo: undo.status };
}
