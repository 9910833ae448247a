import type { RunState, StepView } from './run-state.js';

/**
 * What the end screen must say beside a green status, as the console and reports do: every
 * failure continue_on_error tolerated and every gated step that was skipped (never ran).
 */
export interface VerdictNotes {
  /** "passed with 1 tolerated failure and 1 skipped gate"; the status alone otherwise. */
  headline: string;
  tolerated: StepView[];
  skippedGates: StepView[];
}

export function verdictNotes(run: RunState): VerdictNotes | undefined {
  const end = run.end;
  if (!end) return undefined;
  const failedTolerated = (s: StepView) => s.status === 'failed' && s.tolerated === true;
  // A tolerated group is named through its failed members; a failed member of it is tolerated too.
  const toleratedGroups = new Set(run.steps.filter(failedTolerated).map((s) => s.id));
  const tolerated = run.steps.filter(
    (s) =>
      (failedTolerated(s) ||
        (s.status === 'failed' && s.group !== undefined && toleratedGroups.has(s.group))) &&
      !run.steps.some((m) => m.group === s.id && m.status === 'failed'),
  );
  // Under --fail-on-skip such a step is failed, and still never ran.
  const skippedGates = run.steps.filter((s) => s.decision?.startsWith('skipped'));
  const extras = [
    counted(tolerated.length, 'tolerated failure'),
    counted(skippedGates.length, 'skipped gate'),
  ];
  const said = extras.filter((e) => e !== '');
  const headline =
    end.status === 'passed' && said.length > 0 ? `passed with ${said.join(' and ')}` : end.status;
  return { headline, tolerated, skippedGates };
}

function counted(n: number, noun: string): string {
  return n === 0 ? '' : `${n} ${noun}${n === 1 ? '' : 's'}`;
}
