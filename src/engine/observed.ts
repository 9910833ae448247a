import type { ActionContext } from '../plugin/contract.js';
import type { RunContext } from './run-context.js';

/**
 * `ctx.observed` for one attempt of a step: the first call becomes a `step-observed` event
 * (for `STEP.observed` measures); later ones are ignored, so a nested poll inside a
 * `wait: until:` cannot move the time the step first saw its condition hold.
 */
export function observer(ctx: RunContext, stepId: string): NonNullable<ActionContext['observed']> {
  let seen = false;
  return ({ intervalMs }) => {
    if (seen) return;
    seen = true;
    ctx.emit({ type: 'step-observed', time: Date.now(), stepId, intervalMs });
  };
}
