import type { BoundedTextSnapshot } from '../engine/bounded-text.js';
import type {
  DecidedBy,
  GateDecisionEvent,
  GateRequestEvent,
  RunStatus,
  StepPart,
  StepStatus,
} from '../engine/events.js';
import type { MeasureResult } from '../engine/measure-result.js';
import type { Phase } from '../runbook/model.js';

/**
 * What every report (JUnit, JSON, console summary) is rendered from. Built only from engine
 * events by `RunReportBuilder`, so a live run and a rebuild from the journal give the same.
 */
export interface RunReport {
  runId: string;
  runbook: { name: string; title: string; file: string; digest: string };
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms: the run-end event, or the last event seen when the run never ended. */
  endedAt: number;
  durationMs: number;
  status: RunStatus;
  /** null when the run never ended (killed): nobody chose an exit code. */
  exitCode: number | null;
  reason?: string;
  /** False when the events stop before run-end (run killed, journal cut short). */
  complete: boolean;
  resumed?: { from: string; passed: string[] };
  /** `--dry-run`: nothing ran, so the verdict only says the runbook could be walked. */
  dryRun?: true;
  vars: Record<string, string>;
  stopTripped: Array<{ time: number; probeId: string; reason: string }>;
  /** Output that named no step the report knows (kept bounded). */
  otherOutput?: BoundedTextSnapshot;
  steps: StepReport[];
  /** The run's measures, as journaled before run-end; [] when the runbook has none. */
  measures: MeasureResult[];
}

export interface GateRecord {
  time: number;
  /** The request, when it was seen. */
  kind?: GateRequestEvent['kind'];
  message?: string;
  /** Undefined when no decision came (the run stopped while waiting). */
  decision?: GateDecisionEvent['decision'];
  /** Epoch ms of the decision: with `time`, how long the gate waited (not the action's time). */
  decidedAt?: number;
  by?: DecidedBy;
  /** Words for people: "approved by --yes". */
  note?: string;
}

export interface RetryRecord {
  time: number;
  /** The attempt about to start. */
  attempt: number;
  reason: string;
  delayMs: number;
}

/** Output of a step, one entry per source: `label` is undefined for the step itself. */
export interface OutputRecord extends BoundedTextSnapshot {
  label?: string;
}

export interface StepReport {
  /** Unique within the report: `${phase}:${id}` (undo and steady-state repeat ids). */
  key: string;
  id: string;
  name: string;
  phase: Phase;
  group?: string;
  /** Started with `background: true`: its start and end are its own, around later steps. */
  background?: true;
  status: StepStatus;
  /** In the plan but never started; status is then `skipped` and reason the run's reason. */
  notRun: boolean;
  /** `[index/total]` from step-start, when it started. */
  index?: number;
  total?: number;
  summary?: string;
  description?: string;
  startedAt?: number;
  endedAt?: number;
  durationMs: number;
  attempts: number;
  reason?: string;
  tolerated: boolean;
  /** Rolled back: its undo ran (`status` is how the undo ended). `resume` runs it again. */
  undone?: { status: StepStatus };
  gates: GateRecord[];
  retries: RetryRecord[];
  saved?: { name: string; value: string };
  parts: StepPart[];
  output: OutputRecord[];
}
