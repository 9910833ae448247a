import { afterId, beforeId } from '../engine/plan.js';
import { envApprovals } from '../engine/policy-gate.js';
import { didYouMean } from '../runbook/did-you-mean.js';
import type { Runbook, Step } from '../runbook/model.js';

/**
 * Checks `--approve` and `DRILLBOOK_APPROVE` against the runbook before anything runs. An id
 * that names no step approves nothing, so the gate it was meant for would stop the drill (or,
 * worse, the typo hides that the id was renamed): it is a usage error, with a did-you-mean.
 * Returns one message per unknown id; empty when all are known.
 */
export function unknownApprovals(
  runbook: Runbook,
  approve: string[],
  envValue: string | undefined,
): string[] {
  const ids = stepIds(runbook);
  const gated = gatedIds(runbook);
  const known = new Set(ids);
  const problems: string[] = [];
  const check = (id: string, source: string) => {
    if (known.has(id)) return;
    const near = didYouMean(id, ids);
    const hint = near ? `did you mean ${near}?` : `steps with gates: ${gated.join(', ') || 'none'}`;
    problems.push(`${runbook.file}: ${source}: no step has the id "${id}"; ${hint}`);
  };
  for (const id of approve) check(id, `--approve ${id}`);
  // `all` is DRILLBOOK_APPROVE's own word for every gate (`--yes` is the flag's).
  for (const id of envApprovals(envValue)) if (id !== 'all') check(id, `DRILLBOOK_APPROVE (${id})`);
  return problems;
}

/** Every id a gate can be asked under: steps, parallel members, finally, steady state. */
function stepIds(runbook: Runbook): string[] {
  // Steady-state steps run twice, and their gates are asked as before/ID and after/ID.
  return [
    ...flatten(runbook.steps).map((s) => s.id),
    ...flatten(runbook.finally).map((s) => s.id),
    ...flatten(runbook.steadyState).flatMap((s) => [beforeId(s.id), afterId(s.id)]),
  ];
}

function gatedIds(runbook: Runbook): string[] {
  return [...flatten(runbook.steps), ...flatten(runbook.finally)].filter((s) => s.confirm).map((s) => s.id);
}

function flatten(steps: Step[]): Step[] {
  return steps.flatMap((s) => (s.kind === 'parallel' ? [s, ...flatten(s.steps)] : [s]));
}
