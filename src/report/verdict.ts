import { displayName } from './describe.js';
import type { RunReport, StepReport } from './report-model.js';

/**
 * The drill's verdict in words every report shares (console, JSON, JUnit, TUI). The run's
 * status and exit code come from the engine; this adds what a green status must not hide:
 * failures `continue_on_error` tolerated, and gated steps that were skipped and never ran.
 */
export interface Verdict {
  /** "passed", "passed with 2 tolerated failures and 1 skipped gate", "failed", "passed (dry run…)". */
  headline: string;
  tolerated: StepReport[];
  skippedGates: StepReport[];
}

export function verdictOf(report: RunReport): Verdict {
  const tolerated = toleratedFailures(report.steps);
  const skippedGates = report.steps.filter(isSkippedGate);
  const extras = [
    counted(tolerated.length, 'tolerated failure'),
    counted(skippedGates.length, 'skipped gate'),
  ].filter((e) => e !== '');
  let headline: string = report.status;
  if (report.status === 'passed' && extras.length > 0) headline = `passed with ${extras.join(' and ')}`;
  if (report.dryRun) headline = `${headline} (dry run: nothing was run)`;
  return { headline, tolerated, skippedGates };
}

/**
 * A gated step whose gate was skipped (by a person, or `on_timeout: skip`): it never ran.
 * Under `--fail-on-skip` it is also a failed step, and still listed here.
 */
export function isSkippedGate(step: StepReport): boolean {
  return step.gates.some((g) => g.kind === 'confirm' && g.decision === 'skipped');
}

/**
 * Failures `continue_on_error` let through, one per failure: a tolerated parallel group is
 * named through its failed members, so one failure is never counted twice.
 */
function toleratedFailures(steps: StepReport[]): StepReport[] {
  const isTolerated = (s: StepReport) => s.status === 'failed' && s.tolerated;
  return steps.filter(
    (s) => isTolerated(s) && !steps.some((m) => m.group === s.id && m.phase === s.phase && isTolerated(m)),
  );
}

/** "Restore blue (finally): command exited with status 1" */
export function describeVerdictStep(step: StepReport): string {
  const phase = step.phase === 'finally' ? ' (finally)' : '';
  return `${displayName(step)}${phase}: ${step.reason ?? step.status}`;
}

function counted(n: number, noun: string): string {
  return n === 0 ? '' : `${n} ${noun}${n === 1 ? '' : 's'}`;
}
