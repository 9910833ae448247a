/**
 * The engine asks a Gate whenever a person (or a policy standing in for one) must decide.
 * The TUI implements it by asking; headless implements it from flags. The engine never
 * knows which.
 */
import type { DecidedBy } from './events.js';

export interface ConfirmRequest {
  stepId: string;
  stepName: string;
  message: string;
  /** When set, approval requires typing this phrase exactly. */
  phrase?: string;
  description?: string;
  /** What the step will act on, e.g. `ssh blue: gremlin attack blackhole ...`. */
  summary: string;
}

export type ConfirmDecision =
  | { decision: 'approve'; by: DecidedBy; note: string }
  | { decision: 'skip'; by: DecidedBy; note: string }
  /** Refused: the step fails with the note as its reason. */
  | { decision: 'refuse'; by: DecidedBy; note: string }
  /** Stop the drill: remaining steps skipped, rollback and finally run. */
  | { decision: 'abort'; by: DecidedBy; note: string };

export interface FailureRequest {
  stepId: string;
  stepName: string;
  reason: string;
  attempts: number;
}

/**
 * `fail` accepts the failure (the drill fails: rollback and finally run); `ignore` lets the
 * drill go on as `continue_on_error` would (the failure stays visible as tolerated).
 */
export type FailureDecision = {
  decision: 'retry' | 'fail' | 'ignore' | 'abort';
  by: DecidedBy;
  note: string;
};

export interface Gate {
  /**
   * False for a policy that decides from flags: the engine then does not announce
   * after-failure questions, since nobody is asked.
   */
  readonly interactive?: boolean;
  /** Called before a step that has `confirm`. `signal` aborts the wait (timeout, Ctrl-C). */
  confirm(request: ConfirmRequest, signal: AbortSignal): Promise<ConfirmDecision>;
  /** Called when a step failed for good (retries used up). Headless always says `fail`. */
  failed(request: FailureRequest, signal: AbortSignal): Promise<FailureDecision>;
}
