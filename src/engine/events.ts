import type { Phase } from '../runbook/model.js';
import type { MeasuresEvent } from './measure-result.js';
import type { SealedValue } from './sealed.js';

/**
 * Everything the engine tells the world. The TUI, the console reporter, the journal and the
 * report builders consume these and nothing else. Every event is plain JSON (the journal
 * writes one per line) and carries `time` in epoch milliseconds. Secrets are redacted before
 * an event is emitted.
 */
export type EngineEvent =
  | RunStartEvent
  | StepStartEvent
  | OutputEvent
  | GateRequestEvent
  | GateDecisionEvent
  | StepRetryEvent
  | StepEndEvent
  | StepUndoneEvent
  | StopTrippedEvent
  | StepObservedEvent
  | MeasuresEvent
  | RunEndEvent;

export type { MeasuresEvent } from './measure-result.js';

export interface PlannedStep {
  id: string;
  name: string;
  phase: Phase;
  /** Set for members of a `parallel` group: the group's id. */
  group?: string;
}

export interface RunStartEvent {
  type: 'run-start';
  time: number;
  runId: string;
  runbook: { name: string; title: string; file: string; digest: string };
  /** Steps in the order they would run when everything passes (undo steps are not listed). */
  plan: PlannedStep[];
  /** Set when this run continues an interrupted one: ids of steps that already passed. */
  resumed?: { from: string; passed: string[] };
  vars: Record<string, string>;
  /** `--dry-run`: every step is walked and shown, nothing runs. */
  dryRun?: true;
  /** Vars that held a secret, with the secret written as its name (see sealed.ts), for resume. */
  sealedVars?: Record<string, SealedValue>;
}

export interface StepStartEvent {
  type: 'step-start';
  time: number;
  stepId: string;
  name: string;
  phase: Phase;
  /** 1-based position among the run's steps, and how many there are (for `[3/12]`). */
  index: number;
  total: number;
  /** 1 for the first try. */
  attempt: number;
  /** What the step will do, for people: `sh: systemctl restart gunicorn`. */
  summary: string;
  description?: string;
  group?: string;
  /** Started with `background: true`: later steps run while it goes on. */
  background?: true;
}

export interface OutputEvent {
  type: 'output';
  time: number;
  stepId: string;
  stream: 'stdout' | 'stderr' | 'info';
  text: string;
  /** e.g. the host name for ssh fan-out. */
  label?: string;
}

export interface GateRequestEvent {
  type: 'gate-request';
  time: number;
  stepId: string;
  kind: 'confirm' | 'failed';
  message: string;
  phrase?: string;
}

/** Who or what decided a gate; recorded in every report. */
export type DecidedBy = 'yes-flag' | 'approve-flag' | 'approve-env' | 'person' | 'timeout' | 'policy';

export interface GateDecisionEvent {
  type: 'gate-decision';
  time: number;
  stepId: string;
  /**
   * For a confirm gate: approved, skipped, refused or aborted. After a failure: retry,
   * `failed` (the person let the failure stand) or aborted.
   */
  decision: 'approved' | 'skipped' | 'refused' | 'retry' | 'failed' | 'ignored' | 'aborted';
  by: DecidedBy;
  /** Human words for the report: "approved by --yes", "no approval: pass --yes or --approve ID". */
  note: string;
}

export interface StepRetryEvent {
  type: 'step-retry';
  time: number;
  stepId: string;
  attempt: number;
  reason: string;
  delayMs: number;
}

export type StepStatus = 'passed' | 'failed' | 'skipped' | 'interrupted';

/**
 * One sub-result of a step, e.g. one host of an ssh fan-out. Each becomes a JUnit testcase.
 * `skipped`: never started (the fan-out's error budget was spent, or the step stopped).
 */
export interface StepPart {
  label: string;
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  reason?: string;
}

export interface StepEndEvent {
  type: 'step-end';
  time: number;
  stepId: string;
  name: string;
  phase: Phase;
  status: StepStatus;
  durationMs: number;
  attempts: number;
  /** Why it failed or was skipped; a sentence a person can act on. */
  reason?: string;
  /** Failed but `continue_on_error` let the run go on. */
  tolerated?: boolean;
  /**
   * The step's output value as `{{ steps.ID.output }}` sees it (redacted, bounded), so a
   * resumed run can give later steps what this one produced.
   */
  value?: string;
  /**
   * `value` with each secret it held written as the secret's name (never its value), so a
   * resumed run can put the secret back from the environment instead of using `***`.
   */
  sealed?: SealedValue;
  /** Value saved with `save:`, redacted, bounded. */
  saved?: { name: string; value: string };
  parts?: StepPart[];
  /** Bytes of output that were dropped from the middle to keep reports bounded. */
  outputDropped?: number;
  /** Bounded tail of output that the journal did not already hold as `output` events. */
  outputTail?: string;
  group?: string;
}

/**
 * A step's `undo` ran during rollback, after the undo's own step-end (phase `undo`, id
 * `undo/<id>`). The step's effect is no longer in place as it was when it passed, so reports
 * show it as undone and `resume` runs it again. Journals written before this event existed
 * have only the undo's step-end; readers fall back to that.
 */
export interface StepUndoneEvent {
  type: 'step-undone';
  time: number;
  /** The step that was undone (not the `undo/` id). */
  stepId: string;
  name: string;
  /** How its undo ended: `passed` means the step is fully undone. */
  undo: StepStatus;
}

/**
 * A polling step first saw its condition hold (`STEP.observed` in measures). At most one per
 * step run; `intervalMs` is the time between its checks, so the condition began holding at
 * most that long (plus one check) before `time`.
 */
export interface StepObservedEvent {
  type: 'step-observed';
  time: number;
  stepId: string;
  intervalMs: number;
}

export interface StopTrippedEvent {
  type: 'stop-tripped';
  time: number;
  probeId: string;
  reason: string;
}

export type RunStatus = 'passed' | 'failed' | 'aborted' | 'interrupted';

export interface RunEndEvent {
  type: 'run-end';
  time: number;
  status: RunStatus;
  exitCode: number;
  reason?: string;
}

export type EventListener = (event: EngineEvent) => void;
