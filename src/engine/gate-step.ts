import { formatDuration } from '../runbook/duration.js';
import type { ActionStep } from '../runbook/model.js';
import { renderTemplate } from '../runbook/template.js';
import { linkedController, reasonText } from './abort.js';
import { isDeadlineReason } from './deadline.js';
import type { DecidedBy } from './events.js';
import type { ConfirmDecision } from './gate.js';
import type { RunContext } from './run-context.js';
import type { DrillControl, StepPlacement } from './step-types.js';

export interface GateOutcome {
  outcome: 'approved' | 'skipped' | 'refused' | 'aborted';
  note: string;
  /** Who decided: `policy` is headless drillbook refusing for want of an approval. */
  by: DecidedBy;
}

/**
 * Asks the gate about a step's `confirm`, honouring the gate's own timeout
 * (`on_timeout: abort|skip`, like SSM's aws:approve), and records the decision as an event.
 */
export async function runGate(
  ctx: RunContext,
  step: ActionStep,
  at: StepPlacement,
  drill: DrillControl,
  summary: string,
): Promise<GateOutcome> {
  const confirm = step.confirm!;
  let message: string;
  try {
    message = ctx.redact(renderTemplate(confirm.message, ctx.scope, { shell: false }));
  } catch {
    message = confirm.message;
  }
  ctx.emit({
    type: 'gate-request',
    time: Date.now(),
    stepId: at.id,
    kind: 'confirm',
    message,
    ...(confirm.phrase !== undefined ? { phrase: confirm.phrase } : {}),
  });
  const { controller, dispose } = linkedController(drill.signal);
  const timeoutNote =
    confirm.timeout !== undefined ? `no decision within ${formatDuration(confirm.timeout)}` : undefined;
  const timer =
    confirm.timeout !== undefined
      ? setTimeout(() => controller.abort(timeoutNote), confirm.timeout)
      : undefined;
  let decision: ConfirmDecision;
  try {
    decision = await ctx.gate.confirm(
      {
        stepId: at.id,
        stepName: at.name,
        message,
        summary,
        ...(confirm.phrase !== undefined ? { phrase: confirm.phrase } : {}),
        ...(step.description !== undefined ? { description: step.description } : {}),
      },
      controller.signal,
    );
  } catch (error) {
    if (timeoutNote !== undefined && reasonText(controller.signal) === timeoutNote) {
      const skip = confirm.onTimeout === 'skip';
      decision = {
        decision: skip ? 'skip' : 'abort',
        by: 'timeout',
        note: `${timeoutNote}: ${skip ? 'step skipped' : 'drill aborted'} (on_timeout: ${confirm.onTimeout})`,
      };
    } else if (drill.signal.aborted && isDeadlineReason(reasonText(drill.signal))) {
      // Out of time with nobody's answer: refused, never approved by default.
      decision = { decision: 'refuse', by: 'policy', note: `refused: ${reasonText(drill.signal)}` };
    } else if (drill.signal.aborted) {
      decision = { decision: 'skip', by: 'policy', note: `not approved: ${reasonText(drill.signal)}` };
    } else {
      throw error;
    }
  } finally {
    if (timer) clearTimeout(timer);
    dispose();
  }
  const recorded = {
    approve: 'approved',
    skip: 'skipped',
    refuse: 'refused',
    abort: 'aborted',
  } as const;
  ctx.emit({
    type: 'gate-decision',
    time: Date.now(),
    stepId: at.id,
    decision: recorded[decision.decision],
    by: decision.by,
    note: ctx.redact(decision.note),
  });
  if (decision.decision === 'abort') drill.abort(decision.by === 'timeout' ? 'gate timed out' : 'user');
  return { outcome: recorded[decision.decision], note: decision.note, by: decision.by };
}
