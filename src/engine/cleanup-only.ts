import type { ActionStep, Phase, Step } from '../runbook/model.js';
import type { RunVerdict } from './deadline.js';
import { type DrillRun, rollBack, runFinally } from './drill-phases.js';
import type { EngineEvent } from './events.js';

/**
 * `drillbook finally`: what an interrupted run left undone, read from its journal. The runner
 * runs only this (the undo of `acted`, then `finallySteps`) and appends it to that journal.
 */
export interface CleanupOnly {
  /** Steps whose action started and that were not undone, in the order they acted. */
  acted: readonly ActionStep[];
  /** Whether their undo runs (the run's --rollback decides). */
  rollback: boolean;
  finallySteps: readonly Step[];
  /** Steps the run started and never ended (it was killed): recorded as interrupted first. */
  open: readonly OpenStep[];
  /** The run's verdict, given how the cleanup went (`failure`: the first step that failed). */
  verdict(failure: string | undefined): RunVerdict;
}

export interface OpenStep {
  stepId: string;
  name: string;
  phase: Phase;
  group?: string;
  /** From its start to the last event the journal holds. */
  durationMs: number;
  /** 1 when its action had started (no gate, or an approved one), else 0. */
  attempts: number;
}

/** Ends, as interrupted, the steps a killed run left open, so every report can close them. */
export function closeOpenSteps(emit: (event: EngineEvent) => void, open: readonly OpenStep[]): void {
  for (const step of open)
    emit({
      type: 'step-end',
      time: Date.now(),
      stepId: step.stepId,
      name: step.name,
      phase: step.phase,
      status: 'interrupted',
      durationMs: step.durationMs,
      attempts: step.attempts,
      reason: 'interrupted: drillbook was stopped while this step ran (killed: its journal ends here)',
      ...(step.group !== undefined ? { group: step.group } : {}),
    });
}

/** The cleanup alone: the pending undo (when the run's --rollback wants it), then finally. */
export async function runCleanupOnly(run: DrillRun, cleanup: CleanupOnly): Promise<void> {
  if (cleanup.rollback) await rollBack(run, cleanup.acted);
  await runFinally(run, cleanup.finallySteps);
}
