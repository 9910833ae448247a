// The types one step's run is described by, apart from step-runner.ts so that the files it
// uses (gate-step, step-events, resume-skip) can name them without an import cycle.
import type { ActionStep, Phase } from '../runbook/model.js';
import type { StepStatus } from './events.js';

export interface StepOutcome {
  status: StepStatus;
  reason?: string;
  /** Failed but continue_on_error let the run go on. */
  tolerated?: boolean;
  /**
   * The action steps whose action started (a member of a parallel group each on its own), so
   * rollback undoes only what was done: not a step skipped by `when`, refused or skipped at
   * its gate, or never reached.
   */
  acted: readonly ActionStep[];
}

/** The drill as one step sees it: a signal that says stop, and a way to stop everything. */
export interface DrillControl {
  signal: AbortSignal;
  abort(reason: string): void;
}

export interface StepPlacement {
  phase: Phase;
  /** Id and name as the run shows them (steady-state steps run twice with prefixed ids). */
  id: string;
  name: string;
  group?: string;
  /** Runs in the background (`background: true`): no one is asked about its failure. */
  background?: true;
}
