import { formatDuration } from '../runbook/duration.js';
import type { GateRecord, RetryRecord, StepReport } from './report-model.js';

/**
 * The words every report uses for a step, so JUnit, JSON and console agree. Undo and
 * steady-state entries repeat a main step's name, so they are told apart by a prefix, unless
 * the engine already gave one (`Undo: Deploy`, `Steady state (before): Health`).
 */
export function displayName(step: Pick<StepReport, 'name' | 'phase'>): string {
  const prefix = PHASE_PREFIX[step.phase];
  if (!prefix || step.name.toLowerCase().startsWith(prefix.match)) return step.name;
  return `${prefix.label}${step.name}`;
}

const PHASE_PREFIX: Partial<Record<StepReport['phase'], { match: string; label: string }>> = {
  undo: { match: 'undo', label: 'Undo: ' },
  'steady-state-before': { match: 'steady state', label: 'Steady state (before): ' },
  'steady-state-after': { match: 'steady state', label: 'Steady state (after): ' },
};

/** "approved by --yes", "refused: no approval; pass --yes or --approve ID". */
export function describeGate(gate: GateRecord): string {
  const asked = gate.kind === 'failed' ? 'after failure' : 'confirm';
  const question = gate.message ? ` "${gate.message}"` : '';
  if (gate.decision === undefined)
    return `gate (${asked})${question}: no decision; the run stopped while waiting`;
  const words =
    gate.note && gate.note.trim() !== '' ? gate.note : `${gate.decision} by ${gate.by ?? 'unknown'}`;
  return `gate (${asked})${question}: ${words} [${gate.decision}, ${gate.by ?? 'unknown'}]`;
}

export function describeRetry(retry: RetryRecord): string {
  return `retry: attempt ${retry.attempt} in ${formatDuration(retry.delayMs)} after: ${retry.reason}`;
}

/**
 * Status word for people; "not run" is a skipped step that never started. A step rolled back
 * says so: "passed, undone" (or "passed, undo failed" when its undo did not pass).
 */
export function statusWord(
  step: Pick<StepReport, 'status' | 'notRun' | 'tolerated'> & Partial<Pick<StepReport, 'undone'>>,
): string {
  if (step.notRun) return 'not run';
  const word = step.status === 'failed' && step.tolerated ? 'failed (tolerated)' : step.status;
  if (!step.undone) return word;
  return `${word}, ${step.undone.status === 'passed' ? 'undone' : `undo ${step.undone.status}`}`;
}

/** 1234567 -> "1,234,567" (plain, locale-independent). */
export function groupDigits(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The marker placed where output was cut from the middle. */
export function cutNote(droppedBytes: number, why: string): string {
  return `\n… [drillbook: ${groupDigits(droppedBytes)} bytes of output cut here; ${why}] …\n`;
}
