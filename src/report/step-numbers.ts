import type { PlannedStep } from '../engine/events.js';
import type { Phase } from '../runbook/model.js';

/**
 * The one step count every view uses (validate, plan, the headless `[n/N]`, the TUI): the
 * drill's own steps, numbered 1..N at the top level, members of a parallel group as
 * `n.m`. Steady-state checks, finally steps and undo are counted apart under their own
 * names, so "11 steps" means the same thing in every place it is printed.
 */
export interface StepNumbers {
  /** `3/11`, `3.2/11`, `finally 1/2`, `before 1/3`, `after 1/3`, `undo`, keyed `${phase}:${id}`. */
  tags: Map<string, string>;
  main: number;
  finally: number;
  steadyState: number;
}

export const stepKey = (phase: Phase, id: string) => `${phase}:${id}`;

export function numberSteps(plan: readonly Pick<PlannedStep, 'id' | 'phase' | 'group'>[]): StepNumbers {
  const topLevel = (phase: Phase) => plan.filter((p) => p.phase === phase && p.group === undefined).length;
  const totals: Partial<Record<Phase, number>> = {
    main: topLevel('main'),
    finally: topLevel('finally'),
    'steady-state-before': topLevel('steady-state-before'),
    'steady-state-after': topLevel('steady-state-after'),
  };
  const label: Record<Phase, string> = {
    main: '',
    finally: 'finally ',
    'steady-state-before': 'before ',
    'steady-state-after': 'after ',
    undo: 'undo',
  };
  const tags = new Map<string, string>();
  const position = new Map<string, number>();
  const count: Partial<Record<Phase, number>> = {};
  const members = new Map<string, number>();
  for (const p of plan) {
    if (p.phase === 'undo') {
      tags.set(stepKey(p.phase, p.id), 'undo');
      continue;
    }
    let at: string;
    if (p.group === undefined) {
      const n = (count[p.phase] ?? 0) + 1;
      count[p.phase] = n;
      position.set(p.id, n);
      at = String(n);
    } else {
      const m = (members.get(p.group) ?? 0) + 1;
      members.set(p.group, m);
      at = `${position.get(p.group) ?? '?'}.${m}`;
    }
    tags.set(stepKey(p.phase, p.id), `${label[p.phase]}${at}/${totals[p.phase] ?? 0}`);
  }
  return {
    tags,
    main: totals.main ?? 0,
    finally: totals.finally ?? 0,
    steadyState: totals['steady-state-before'] ?? 0,
  };
}

/** `11 steps`, `11 steps + 2 finally + 3 steady-state checks`. */
export function describeCount(n: Pick<StepNumbers, 'main' | 'finally' | 'steadyState'>): string {
  return [
    `${n.main} step${n.main === 1 ? '' : 's'}`,
    n.finally > 0 ? `${n.finally} finally` : '',
    n.steadyState > 0 ? `${n.steadyState} steady-state check${n.steadyState === 1 ? '' : 's'}` : '',
  ]
    .filter((x) => x !== '')
    .join(' + ');
}
