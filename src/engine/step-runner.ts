import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionContext, ActionDefinition, ActionResult } from '../plugin/contract.js';
import { formatDuration } from '../runbook/duration.js';
import type { ActionCall, ActionStep, ParallelStep, Step } from '../runbook/model.js';
import { ShellValues } from '../runbook/shell-values.js';
import { renderDeep } from '../runbook/template.js';
import { evaluateWhenTemplate } from '../runbook/when.js';
import { linkedController, reasonText } from './abort.js';
import { settingsFor } from './action-settings.js';
import type { AwaitResult } from './background.js';
import { dryRunGroupReason, dryRunView } from './dry-run.js';
import type { StepPart, StepStatus } from './events.js';
import { runGate } from './gate-step.js';
import { observer } from './observed.js';
import { OutputCapture } from './output-capture.js';
import { passedBefore, passedEarlier } from './resume-skip.js';
import type { RunContext } from './run-context.js';
import type { SealedValue } from './sealed.js';
import { emitStepStart, endStep } from './step-events.js';
import type { DrillControl, StepOutcome, StepPlacement } from './step-types.js';

/** After an abort, how long an action may take to return before the engine moves on. */
const ABORT_GRACE_MS = 5000;
const MAX_RETRY_DELAY_MS = 5 * 60_000;
const SAVED_PREVIEW_CHARS = 4096;
const RESUME_VALUE_CHARS = 64 * 1024;

export type { DrillControl, StepOutcome, StepPlacement };

export function runStep(
  ctx: RunContext,
  step: Step,
  at: StepPlacement,
  drill: DrillControl,
): Promise<StepOutcome> {
  return step.kind === 'parallel' ? runParallel(ctx, step, at, drill) : runActionStep(ctx, step, at, drill);
}

async function runActionStep(
  ctx: RunContext,
  step: ActionStep,
  at: StepPlacement,
  drill: DrillControl,
): Promise<StepOutcome> {
  if (ctx.dryRun) return walkDryRun(ctx, step, at);
  const def = actionDef(ctx, step.action);
  let attempts = 0;
  const started = emitStepStart(ctx, at, summarize(ctx, def, step.action), step.description);
  const end = (status: StepStatus, reason?: string, extra: Partial<StepEndFields> = {}): StepOutcome =>
    endStep(ctx, at, started, {
      status,
      reason,
      attempts,
      continueOnError: step.continueOnError,
      extra,
      // `attempts` counts calls of the action: none means it never started.
      acted: attempts > 0 ? [step] : [],
    });

  if (drill.signal.aborted) return end('skipped', `not run: ${reasonText(drill.signal)}`);
  if (step.await !== undefined) {
    const waited = await awaitBackground(ctx, step.await, at, drill.signal);
    if (waited.kind === 'stopped') return end('skipped', `not run: ${reasonText(drill.signal)}`);
    // Nothing of this step ran: it fails on the awaited step's verdict, with nothing to undo.
    if (waited.kind === 'failed') return end('failed', waited.reason);
  }
  if (step.when !== undefined) {
    let holds: boolean;
    try {
      holds = evaluateWhenTemplate(step.when, ctx.scope);
    } catch (error) {
      return end('failed', `when: ${errorText(error)}`);
    }
    if (!holds) return end('skipped', `condition not met: when: ${step.when}`);
  }

  if (step.confirm) {
    const gate = await runGate(ctx, step, at, drill, summarize(ctx, def, step.action));
    if (gate.outcome === 'skipped' && ctx.failOnSkip && !drill.signal.aborted)
      // continue_on_error tolerates the action failing, not a step nobody let run.
      return endStep(ctx, at, started, {
        status: 'failed',
        reason: `${gate.note}; --fail-on-skip makes a skipped gate fail the drill`,
        attempts,
        continueOnError: false,
        acted: [],
      });
    if (gate.outcome === 'refused' && gate.by === 'policy')
      // continue_on_error tolerates the action failing; headless, a gate nobody approved
      // is a pipeline missing its --approve, and the step never ran: not a pass of any colour.
      // (A person who refuses at the TUI chose to go on without it; that stays tolerated.)
      return endStep(ctx, at, started, {
        status: 'failed',
        reason: gate.note,
        attempts,
        continueOnError: false,
        acted: [],
      });
    if (gate.outcome !== 'approved') return end(gate.outcome === 'refused' ? 'failed' : 'skipped', gate.note);
  }

  let maxAttempts = step.retries + 1;
  for (;;) {
    attempts++;
    const attempt = await attemptOnce(ctx, step, def, at, drill.signal);
    if (attempt.result.ok) {
      const output = attempt.result.output ?? attempt.captured;
      ctx.scope.steps[step.id] = { output };
      let saved: StepEndFields['saved'] | undefined;
      if (step.save) {
        ctx.scope.vars[step.save] = output;
        saved = { name: step.save, value: ctx.redact(output.slice(0, SAVED_PREVIEW_CHARS)) };
      }
      const value = output ? resumeValue(ctx, output.slice(0, RESUME_VALUE_CHARS)) : {};
      return end('passed', undefined, { ...partsOf(attempt.result), ...(saved ? { saved } : {}), ...value });
    }
    const reason = attempt.result.reason;
    if (drill.signal.aborted) return end('interrupted', reason, partsOf(attempt.result));
    if (attempts < maxAttempts) {
      const delayMs = Math.min(step.retryDelay * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS);
      ctx.emit({
        type: 'step-retry',
        time: Date.now(),
        stepId: at.id,
        attempt: attempts + 1,
        reason,
        delayMs,
      });
      try {
        await sleep(delayMs, undefined, { signal: drill.signal });
      } catch {
        return end(
          'interrupted',
          `${reason}; retry cancelled: ${reasonText(drill.signal)}`,
          partsOf(attempt.result),
        );
      }
      continue;
    }
    const decision = await askAfterFailure(ctx, step, at, drill, reason, attempts);
    if (decision === 'retry') {
      maxAttempts++;
      ctx.emit({
        type: 'step-retry',
        time: Date.now(),
        stepId: at.id,
        attempt: attempts + 1,
        reason,
        delayMs: 0,
      });
      continue;
    }
    // Ignored by a person: tolerated as continue_on_error would, so the verdict still shows it.
    if (decision === 'ignore') return endIgnored(ctx, at, started, reason, attempts, step, attempt.result);
    return end('failed', reason, partsOf(attempt.result));
  }
}

function endIgnored(
  ctx: RunContext,
  at: StepPlacement,
  started: number,
  reason: string,
  attempts: number,
  step: ActionStep,
  result: ActionResult,
): StepOutcome {
  return endStep(ctx, at, started, {
    status: 'failed',
    reason,
    attempts,
    continueOnError: true,
    extra: partsOf(result),
    acted: [step],
  });
}

/** `--dry-run`: shows what the step would do, runs nothing, judges no run-time value. */
function walkDryRun(ctx: RunContext, step: ActionStep, at: StepPlacement): StepOutcome {
  const view = dryRunView(ctx, step);
  const started = emitStepStart(ctx, at, view.summary, step.description);
  ctx.emit({
    type: 'output',
    time: Date.now(),
    stepId: at.id,
    stream: 'info',
    text: `${view.lines.join('\n')}\n`,
  });
  return endStep(ctx, at, started, {
    status: 'skipped',
    reason: view.reason,
    attempts: 0,
    continueOnError: false,
    acted: [],
  });
}

/** The output as the journal keeps it for resume: redacted, plus sealed when it held a secret. */
function resumeValue(ctx: RunContext, output: string): Partial<StepEndFields> {
  const sealed = ctx.seal(output);
  return { value: ctx.redact(output), ...(sealed ? { sealed } : {}) };
}

type StepEndFields = {
  saved: { name: string; value: string };
  value: string;
  sealed: SealedValue;
  parts: StepPart[];
};

function partsOf(result: ActionResult): Partial<StepEndFields> {
  if (!result.parts?.length) return {};
  return {
    parts: result.parts.map((p) => ({
      label: p.label,
      status: p.skipped ? 'skipped' : p.ok ? 'passed' : 'failed',
      durationMs: p.durationMs,
      ...(p.reason !== undefined ? { reason: p.reason } : {}),
    })),
  };
}

async function askAfterFailure(
  ctx: RunContext,
  step: ActionStep,
  at: StepPlacement,
  drill: DrillControl,
  reason: string,
  attempts: number,
): Promise<'retry' | 'fail' | 'ignore'> {
  // A step allowed to fail goes on without asking, as it does headless. Nobody is asked
  // about a background step either: the question would pop up behind another step's work.
  if (step.continueOnError || step.background) return 'fail';
  const asks = ctx.gate.interactive !== false;
  if (asks)
    ctx.emit({ type: 'gate-request', time: Date.now(), stepId: at.id, kind: 'failed', message: reason });
  let decision: Awaited<ReturnType<RunContext['gate']['failed']>>;
  try {
    decision = await ctx.gate.failed({ stepId: at.id, stepName: at.name, reason, attempts }, drill.signal);
  } catch {
    return 'fail';
  }
  if (asks) {
    const recorded = { retry: 'retry', fail: 'failed', ignore: 'ignored', abort: 'aborted' } as const;
    ctx.emit({
      type: 'gate-decision',
      time: Date.now(),
      stepId: at.id,
      decision: recorded[decision.decision],
      by: decision.by,
      note: decision.note,
    });
  }
  if (decision.decision === 'abort') drill.abort('user');
  return decision.decision === 'abort' ? 'fail' : decision.decision;
}

/** `await: ID`: waits for the background step, saying so in the step's output. */
async function awaitBackground(
  ctx: RunContext,
  id: string,
  at: StepPlacement,
  signal: AbortSignal,
): Promise<AwaitResult> {
  const background = ctx.background;
  if (background.isRunning(id))
    ctx.emit({
      type: 'output',
      time: Date.now(),
      stepId: at.id,
      stream: 'info',
      text: `waiting for background step ${id} to end\n`,
    });
  return background.await(id, signal);
}

interface Attempt {
  result: ActionResult;
  /** Captured stdout, trimmed, bounded: the default value of `save:`. */
  captured: string;
}

async function attemptOnce(
  ctx: RunContext,
  step: ActionStep,
  def: ActionDefinition<unknown>,
  at: StepPlacement,
  parent: AbortSignal,
): Promise<Attempt> {
  const { controller, dispose } = linkedController(parent);
  const timeoutText = `timed out after ${formatDuration(step.timeout)}`;
  const timer = setTimeout(() => controller.abort(timeoutText), step.timeout);
  const capture = new OutputCapture();
  const streams = new Map<string, ReturnType<RunContext['redactStream']>>();
  const send = (stream: 'stdout' | 'stderr' | 'info', text: string, label?: string) => {
    if (text.length === 0) return;
    ctx.emit({
      type: 'output',
      time: Date.now(),
      stepId: at.id,
      stream,
      text,
      ...(label !== undefined ? { label } : {}),
    });
  };
  const actionContext: ActionContext = {
    signal: controller.signal,
    output(stream, text, label) {
      if (stream === 'stdout') capture.add(text);
      const key = `${stream}\u0000${label ?? ''}`;
      let redactor = streams.get(key);
      if (!redactor) {
        redactor = ctx.redactStream();
        streams.set(key, redactor);
      }
      send(stream, redactor.push(text), label);
    },
    runbookName: ctx.runbook.name,
    stepId: at.id,
    settings: settingsFor(ctx, def),
    hosts: ctx.runbook.hosts,
    hostGroups: ctx.runbook.hostGroups,
    env: ctx.env,
    shellValues: {},
    cwd: ctx.cwd,
    resources: ctx.resources,
    flags: ctx.flags,
    ...(step.leaveRunning ? { leaveRunning: true } : {}),
    probe: (call) => {
      const probeDef = actionDef(ctx, call as ActionCall);
      // The nested action reads its own settings block, not the one of the step's action.
      return invoke(ctx, probeDef, call.config, { ...actionContext, settings: settingsFor(ctx, probeDef) });
    },
    observed: observer(ctx, at.id),
  };
  let result: ActionResult;
  // Set the moment the action answers: an abort that lands after that (a sibling in a
  // parallel group failing fast) must not turn a finished, passing command into an interrupted one.
  let answeredBeforeAbort = false;
  try {
    const running = invoke(ctx, def, step.action.config, actionContext);
    running.then(
      () => {
        answeredBeforeAbort = !controller.signal.aborted;
      },
      () => {},
    );
    result = await withAbortGrace(running, controller.signal);
  } catch (error) {
    result = { ok: false, reason: errorText(error) };
  } finally {
    clearTimeout(timer);
    dispose();
    for (const [key, redactor] of streams) {
      const [stream, label] = key.split('\u0000') as ['stdout' | 'stderr' | 'info', string];
      send(stream, redactor.flush(), label || undefined);
    }
  }
  const why = reasonText(controller.signal);
  // A command that finished and passed keeps its result when something else stopped it
  // afterwards; only its own timeout overrules a late "ok".
  const finishedFirst = result.ok && (answeredBeforeAbort || why !== timeoutText);
  if (controller.signal.aborted && !finishedFirst) {
    const detail = result.ok ? '' : result.reason;
    const reason =
      why === timeoutText
        ? `${timeoutText}${detail && !detail.includes(why) ? ` (${detail})` : ''}`
        : `interrupted: ${why}`;
    result = { ok: false, reason, ...(result.parts ? { parts: result.parts } : {}) };
  }
  if (!result.ok) result = { ...result, reason: ctx.redact(result.reason) };
  return { result, captured: capture.value() };
}

/**
 * Fills templates, then runs the action. Shell text gets references to variables; their
 * values go to the action as `shellValues`, fresh for each call (a nested `wait: until:`
 * call has its own).
 */
async function invoke(
  ctx: RunContext,
  def: ActionDefinition<unknown>,
  config: unknown,
  actionContext: ActionContext,
): Promise<ActionResult> {
  const values = new ShellValues();
  const filled = renderDeep(config, ctx.scope, def.shellKeys ?? [], values);
  return def.run(filled, { ...actionContext, shellValues: values.env });
}

/** Resolves with the action's result, or gives up ABORT_GRACE_MS after an abort. */
function withAbortGrace(run: Promise<ActionResult>, signal: AbortSignal): Promise<ActionResult> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      timer = setTimeout(
        () =>
          resolve({ ok: false, reason: `did not stop within ${ABORT_GRACE_MS / 1000}s of being told to` }),
        ABORT_GRACE_MS,
      );
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    run.then(resolve, reject).finally(() => {
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}

async function runParallel(
  ctx: RunContext,
  step: ParallelStep,
  at: StepPlacement,
  drill: DrillControl,
): Promise<StepOutcome> {
  const started = emitStepStart(
    ctx,
    at,
    `parallel: ${step.steps.map((s) => s.name).join(', ')}`,
    step.description,
  );
  const { controller, dispose } = linkedController(drill.signal);
  const group: DrillControl = { signal: controller.signal, abort: drill.abort };
  const outcomes = await Promise.all(
    step.steps.map(async (member) => {
      const place = { phase: at.phase, id: member.id, name: member.name, group: at.id };
      // Only main steps are resumed; finally and steady state always run in full.
      if (at.phase === 'main' && passedBefore(ctx, member))
        return { member, outcome: passedEarlier(ctx, member, place) };
      const outcome = await runStep(ctx, member, place, group);
      if (step.failFast && outcome.status === 'failed' && !outcome.tolerated && !controller.signal.aborted)
        controller.abort(`cancelled: ${member.name} failed`);
      return { member, outcome };
    }),
  );
  dispose();
  if (ctx.dryRun)
    return endStep(ctx, at, started, {
      status: 'skipped',
      reason: dryRunGroupReason(step),
      attempts: 0,
      continueOnError: false,
      acted: [],
    });
  const failed = outcomes.filter(
    (o) => (o.outcome.status === 'failed' || o.outcome.status === 'interrupted') && !o.outcome.tolerated,
  );
  let status: StepStatus = failed.length > 0 ? 'failed' : 'passed';
  if (drill.signal.aborted && failed.length > 0) status = 'interrupted';
  const reason =
    failed.length > 0
      ? failed.map((f) => `${f.member.name}: ${f.outcome.reason ?? f.outcome.status}`).join('; ')
      : undefined;
  return endStep(ctx, at, started, {
    status,
    reason,
    attempts: 1,
    continueOnError: step.continueOnError,
    acted: outcomes.flatMap((o) => o.outcome.acted),
  });
}

function actionDef(ctx: RunContext, call: ActionCall): ActionDefinition<unknown> {
  const def = ctx.actions.get(call.type);
  if (!def) throw new Error(`unknown action ${call.type}`);
  return def;
}

function summarize(ctx: RunContext, def: ActionDefinition<unknown>, call: ActionCall): string {
  try {
    return ctx.redact(def.summary(renderDeep(call.config, ctx.scope, def.shellKeys ?? [], 'display')));
  } catch {
    return ctx.redact(def.summary(call.config));
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
