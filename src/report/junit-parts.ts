import type { Phase } from '../runbook/model.js';
import type { GateRecord, OutputRecord, StepReport } from './report-model.js';

/**
 * The JUnit classname's second half: Jenkins groups testcases by classname, so steady-state
 * checks, the main steps, rollback and `finally` each get their own group. Both steady-state
 * phases share one: the same probes, run before and after.
 */
export type JunitSection = 'steady_state' | 'main' | 'undo' | 'finally' | 'drill' | 'measures';

export function sectionOf(phase: Phase): JunitSection {
  switch (phase) {
    case 'steady-state-before':
    case 'steady-state-after':
      return 'steady_state';
    case 'main':
    case 'undo':
    case 'finally':
      return phase;
  }
}

/**
 * How long a gate waited for a person (or a timeout): request to decision. A gate that never
 * got a decision waited until the step ended (the run stopped while it was asking).
 */
export function gateWaitMs(gate: GateRecord, step: StepReport): number {
  const end = gate.decidedAt ?? step.endedAt ?? gate.time;
  return Math.max(0, end - gate.time);
}

/**
 * The step's own time: the engine's step time runs from step-start to step-end and so
 * includes every gate's wait; a testcase that took "40 min" because nobody pressed `y`
 * would hide how long the action itself took.
 */
export function actionTimeMs(step: StepReport): number {
  const waited = step.gates.reduce((sum, gate) => sum + gateWaitMs(gate, step), 0);
  return Math.max(0, step.durationMs - waited);
}

/** Lines of output a failure body ends with: enough to see the error, never the whole log. */
const FAILURE_TAIL_LINES = 20;
const FAILURE_TAIL_CHARS = 4096;

/**
 * The last lines of a step's output for a `<failure>` body, so Jenkins' test page shows why
 * without opening system-out. Output is already redacted when it reaches the report.
 * Empty when the step printed nothing.
 */
export function failureTail(records: OutputRecord[]): string {
  const last = records.at(-1);
  if (!last) return '';
  // Across a cut, only the tail is contiguous output.
  const text = last.droppedBytes > 0 ? last.tail : `${last.head}${last.tail}`;
  const lines = text.replace(/\n+$/, '').split('\n').slice(-FAILURE_TAIL_LINES);
  let tail = lines.join('\n');
  if (tail.length > FAILURE_TAIL_CHARS) tail = `…${tail.slice(tail.length - FAILURE_TAIL_CHARS)}`;
  if (tail.trim() === '') return '';
  const from = last.label !== undefined ? ` from ${last.label}` : '';
  return `\n--- last lines of output${from} ---\n${tail}\n`;
}
