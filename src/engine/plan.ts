import type { Runbook, Step } from '../runbook/model.js';
import type { PlannedStep } from './events.js';

export const beforeId = (id: string) => `before/${id}`;
export const afterId = (id: string) => `after/${id}`;
export const undoId = (id: string) => `undo/${id}`;

/**
 * Steps in the order they run when everything passes: steady state, the drill's steps
 * (parallel members after their group), finally, steady state again. Undo steps only
 * run on failure, so they are not planned.
 */
export function planSteps(runbook: Runbook): PlannedStep[] {
  const plan: PlannedStep[] = [];
  for (const s of runbook.steadyState)
    plan.push({ id: beforeId(s.id), name: `Steady state (before): ${s.name}`, phase: 'steady-state-before' });
  const addMain = (steps: Step[], phase: 'main' | 'finally', group?: string) => {
    for (const s of steps) {
      plan.push({ id: s.id, name: s.name, phase, ...(group !== undefined ? { group } : {}) });
      if (s.kind === 'parallel') addMain(s.steps, phase, s.id);
    }
  };
  addMain(runbook.steps, 'main');
  addMain(runbook.finally, 'finally');
  for (const s of runbook.steadyState)
    plan.push({ id: afterId(s.id), name: `Steady state (after): ${s.name}`, phase: 'steady-state-after' });
  return plan;
}
