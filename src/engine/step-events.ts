import type { ActionStep } from '../runbook/model.js';
import type { StepEndEvent, StepStatus } from './events.js';
import type { RunContext } from './run-context.js';
import type { StepOutcome, StepPlacement } from './step-types.js';

/** Emits a step's step-start event (first attempt). */
export function emitStepStart(
  ctx: RunContext,
  at: StepPlacement,
  summary: string,
  description?: string,
): number {
  const time = Date.now();
  ctx.emit({
    type: 'step-start',
    time,
    stepId: at.id,
    name: at.name,
    phase: at.phase,
    index: ctx.indexOf(at.id),
    total: ctx.total,
    attempt: 1,
    summary,
    ...(description !== undefined ? { description } : {}),
    ...(at.group !== undefined ? { group: at.group } : {}),
    ...(at.background ? { background: true as const } : {}),
  });
  return time;
}

export interface StepEnding {
  status: StepStatus;
  reason?: string | undefined;
  attempts: number;
  /** The step's continue_on_error: a failure is then tolerated. */
  continueOnError: boolean;
  extra?: Partial<Pick<StepEndEvent, 'saved' | 'value' | 'sealed' | 'parts'>>;
  /** See StepOutcome.acted. */
  acted: readonly ActionStep[];
}

/** Emits a step's step-end event and returns the outcome the runner acts on. */
export function endStep(
  ctx: RunContext,
  at: StepPlacement,
  started: number,
  ending: StepEnding,
): StepOutcome {
  const { status, reason } = ending;
  const tolerated = status === 'failed' && ending.continueOnError;
  ctx.emit({
    type: 'step-end',
    time: Date.now(),
    stepId: at.id,
    name: at.name,
    phase: at.phase,
    status,
    durationMs: Date.now() - started,
    attempts: ending.attempts,
    ...(reason !== undefined ? { reason } : {}),
    ...(tolerated ? { tolerated } : {}),
    ...(at.group !== undefined ? { group: at.group } : {}),
    ...ending.extra,
  });
  return {
    status,
    ...(reason !== undefined ? { reason } : {}),
    ...(tolerated ? { tolerated } : {}),
    acted: ending.acted,
  };
}
