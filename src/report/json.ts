import type { RunStatus, StepPart, StepStatus } from '../engine/events.js';
import type { MeasureResult } from '../engine/measure-result.js';
import type { Phase } from '../runbook/model.js';
import { describeGate } from './describe.js';
import type { RunReport, StepReport } from './report-model.js';
import { describeVerdictStep, verdictOf } from './verdict.js';

/**
 * The JSON report for dashboards. The shape is a contract: add fields freely, but change or
 * remove one only with a new `schemaVersion`. Times are ISO 8601 (UTC) strings, durations
 * milliseconds. Output is bounded: `head` + (`droppedBytes` cut from the middle) + `tail`
 * is the whole stream; `tail` is empty when nothing was cut.
 */
export interface JsonReportV1 {
  schemaVersion: 1;
  generator: 'drillbook';
  runId: string;
  runbook: { name: string; title: string; file: string; digest: string };
  status: RunStatus;
  /**
   * The status in words, with what a pass must not hide: "passed with 1 tolerated failure
   * and 1 skipped gate"; "(dry run: nothing was run)" for a dry run.
   */
  verdict: string;
  /** Failures continue_on_error let through (the drill went on), one entry per failure. */
  tolerated: JsonVerdictStepV1[];
  /** Gated steps whose gate was skipped (by a person or on_timeout: skip): they never ran. */
  skippedGates: JsonVerdictStepV1[];
  dryRun: boolean;
  /** null when the run never finished (killed). */
  exitCode: number | null;
  reason: string | null;
  complete: boolean;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  resumedFrom: string | null;
  vars: Record<string, string>;
  counts: {
    total: number;
    passed: number;
    failed: number;
    skipped: number;
    interrupted: number;
    notRun: number;
    tolerated: number;
    skippedGates: number;
  };
  stopTripped: Array<{ at: string; probeId: string; reason: string }>;
  steps: JsonStepV1[];
  /** Output that named no known step. */
  otherOutput: JsonOutputV1 | null;
  /**
   * The runbook's `measures:` as this run measured them (times in epoch ms, as journaled);
   * [] when it has none, and in reports of runs older than measures.
   */
  measures: MeasureResult[];
}

export interface JsonStepV1 {
  key: string;
  id: string;
  name: string;
  phase: Phase;
  group: string | null;
  status: StepStatus;
  notRun: boolean;
  tolerated: boolean;
  /** Ran with `background: true` (startedAt/endedAt are its own, around later steps). */
  background: boolean;
  /** Set when rollback ran the step's undo: how the undo ended. */
  undone: { status: StepStatus } | null;
  /** Position and count from step-start (`[index/total]`); null when it never started. */
  index: number | null;
  total: number | null;
  summary: string | null;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number;
  attempts: number;
  reason: string | null;
  gates: Array<{
    at: string;
    kind: 'confirm' | 'failed' | null;
    message: string | null;
    decision: string | null;
    by: string | null;
    note: string | null;
    /** One line for people, as the console and JUnit print it. */
    text: string;
  }>;
  retries: Array<{ at: string; attempt: number; reason: string; delayMs: number }>;
  saved: { name: string; value: string } | null;
  parts: StepPart[];
  outputs: JsonOutputV1[];
}

export interface JsonVerdictStepV1 {
  key: string;
  id: string;
  name: string;
  phase: Phase;
  reason: string | null;
  /** One line for people: "Restore blue (finally): command exited with status 1". */
  text: string;
}

export interface JsonOutputV1 {
  /** null for the step's own output; the host for ssh fan-out. */
  label: string | null;
  head: string;
  tail: string;
  droppedBytes: number;
  totalBytes: number;
}

export function toJsonReport(report: RunReport): JsonReportV1 {
  const count = (f: (s: StepReport) => boolean) => report.steps.filter(f).length;
  const verdict = verdictOf(report);
  return {
    schemaVersion: 1,
    generator: 'drillbook',
    runId: report.runId,
    runbook: { ...report.runbook },
    status: report.status,
    verdict: verdict.headline,
    tolerated: verdict.tolerated.map(toVerdictStep),
    skippedGates: verdict.skippedGates.map(toVerdictStep),
    dryRun: report.dryRun === true,
    exitCode: report.exitCode,
    reason: report.reason ?? null,
    complete: report.complete,
    startedAt: iso(report.startedAt),
    endedAt: iso(report.endedAt),
    durationMs: report.durationMs,
    resumedFrom: report.resumed?.from ?? null,
    vars: { ...report.vars },
    counts: {
      total: report.steps.length,
      passed: count((s) => s.status === 'passed'),
      failed: count((s) => s.status === 'failed'),
      skipped: count((s) => s.status === 'skipped' && !s.notRun),
      interrupted: count((s) => s.status === 'interrupted'),
      notRun: count((s) => s.notRun),
      tolerated: verdict.tolerated.length,
      skippedGates: verdict.skippedGates.length,
    },
    stopTripped: report.stopTripped.map((s) => ({ at: iso(s.time), probeId: s.probeId, reason: s.reason })),
    steps: report.steps.map(toJsonStep),
    otherOutput: report.otherOutput ? { label: null, ...report.otherOutput } : null,
    measures: report.measures.map((m) => ({ ...m })),
  };
}

/** Pretty-printed (two spaces) so a person can read it too; ends with a newline. */
export function renderJson(report: RunReport): string {
  return `${JSON.stringify(toJsonReport(report), null, 2)}\n`;
}

function toJsonStep(step: StepReport): JsonStepV1 {
  return {
    key: step.key,
    id: step.id,
    name: step.name,
    phase: step.phase,
    group: step.group ?? null,
    status: step.status,
    notRun: step.notRun,
    tolerated: step.tolerated,
    background: step.background === true,
    undone: step.undone ? { ...step.undone } : null,
    index: step.index ?? null,
    total: step.total ?? null,
    summary: step.summary ?? null,
    startedAt: step.startedAt === undefined ? null : iso(step.startedAt),
    endedAt: step.endedAt === undefined ? null : iso(step.endedAt),
    durationMs: step.durationMs,
    attempts: step.attempts,
    reason: step.reason ?? null,
    gates: step.gates.map((g) => ({
      at: iso(g.time),
      kind: g.kind ?? null,
      message: g.message ?? null,
      decision: g.decision ?? null,
      by: g.by ?? null,
      note: g.note ?? null,
      text: describeGate(g),
    })),
    retries: step.retries.map((r) => ({
      at: iso(r.time),
      attempt: r.attempt,
      reason: r.reason,
      delayMs: r.delayMs,
    })),
    saved: step.saved ? { ...step.saved } : null,
    parts: step.parts.map((p) => ({ ...p })),
    outputs: step.output.map((o) => ({
      label: o.label ?? null,
      head: o.head,
      tail: o.tail,
      droppedBytes: o.droppedBytes,
      totalBytes: o.totalBytes,
    })),
  };
}

function toVerdictStep(step: StepReport): JsonVerdictStepV1 {
  return {
    key: step.key,
    id: step.id,
    name: step.name,
    phase: step.phase,
    reason: step.reason ?? null,
    text: describeVerdictStep(step),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
