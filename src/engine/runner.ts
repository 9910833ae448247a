import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import type { ActionStep, Runbook, Step } from '../runbook/model.js';
import { exitCodeFor, linkedController, reasonText } from './abort.js';
import type { EngineEvent, EventListener, RunEndEvent, RunStatus, StepUndoneEvent } from './events.js';
import type { Gate } from './gate.js';
import { emitMeasures, MeasureClock } from './measures.js';
import { afterId, beforeId, planSteps, undoId } from './plan.js';
import { createRedactor } from './redact.js';
import { ResourcePool } from './resources.js';
import { leaves, passedBefore, passedEarlier } from './resume-skip.js';
import type { MutableScope, RunContext } from './run-context.js';
import { createSealer, type SealedValue } from './sealed.js';
import { secretsFromEnv } from './secret-values.js';
import { endStep } from './step-events.js';
import { type DrillControl, runStep as runStepUnguarded, type StepOutcome } from './step-runner.js';
import { watchStopConditions } from './stop-conditions.js';

export type RollbackPolicy = 'always' | 'on-failure' | 'never';

/** What `resume` carries over from the interrupted run's journal. */
export interface ResumeState {
  runId: string;
  /** Ids of main steps that passed; they are not run again. */
  passed: string[];
  outputs: Record<string, string>;
  vars: Record<string, string>;
}

export interface DrillOptions {
  runbook: Runbook;
  gate: Gate;
  /** Aborting it stops the drill: reason 'SIGINT' | 'SIGTERM' | 'user'. Rollback and finally still run. */
  signal: AbortSignal;
  /** Aborting it also stops rollback and finally (a second Ctrl-C). */
  forceSignal?: AbortSignal;
  onEvent: EventListener;
  rollback: RollbackPolicy;
  acceptNewHostKeys: boolean;
  only?: string[];
  from?: string;
  skip?: string[];
  dryRun?: boolean;
  /** `--fail-on-skip`: a skipped gate fails the drill instead of passing it quietly. */
  failOnSkip?: boolean;
  env?: Record<string, string | undefined>;
  runId?: string;
  resume?: ResumeState;
}

export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(2).toString('hex')}`;
}

/**
 * Runs a drill: steady state, steps (with stop conditions watched), rollback of what was
 * started when it failed, finally, steady state again. Emits events throughout and always
 * ends with exactly one run-end, which it also returns.
 */
export async function runDrill(options: DrillOptions): Promise<RunEndEvent> {
  const { runbook } = options;
  const env = Object.fromEntries(
    Object.entries(options.env ?? process.env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  // Declared secrets, plus credentials drillbook itself reads from the environment.
  const secrets = secretsFromEnv(runbook.secrets, env);
  const secretValues = Object.values(secrets);
  const redactor = createRedactor(secretValues);
  // Most drills have no secrets; then events go out as they are, with no copy per event.
  const hasSecrets = secretValues.length > 0;
  const plan = planSteps(runbook);
  const index = new Map(plan.map((p, i) => [p.id, i + 1]));
  const scope: MutableScope = {
    // Null prototypes: `save: __proto__` or a step id `constructor` is an ordinary name.
    vars: Object.assign(Object.create(null), runbook.vars, options.resume?.vars ?? {}),
    env,
    secrets: runbook.secrets,
    hosts: runbook.hosts,
    steps: Object.assign(
      Object.create(null),
      Object.fromEntries(Object.entries(options.resume?.outputs ?? {}).map(([k, v]) => [k, { output: v }])),
    ),
  };
  const resources = new ResourcePool();
  // Measures are timed from the events as they go out; a dry run times nothing.
  const clock = runbook.measures.length > 0 && !options.dryRun ? new MeasureClock() : undefined;
  const emit = (event: EngineEvent) => {
    clock?.add(event);
    options.onEvent(event.type === 'output' || !hasSecrets ? event : redactEvent(event, redactor.redact));
  };
  const ctx: RunContext = {
    runbook,
    gate: options.gate,
    emit,
    redact: redactor.redact,
    redactStream: () => redactor.stream(),
    seal: createSealer(secrets).seal,
    scope,
    resources,
    env,
    cwd: dirname(resolve(runbook.file)),
    acceptNewHostKeys: options.acceptNewHostKeys,
    dryRun: options.dryRun ?? false,
    failOnSkip: options.failOnSkip ?? false,
    indexOf: (id) => index.get(id) ?? 0,
    total: plan.length,
    ...(options.resume
      ? { resumed: { runId: options.resume.runId, passed: new Set(options.resume.passed) } }
      : {}),
  };

  const drillLink = linkedController(options.signal);
  const drill: DrillControl = {
    signal: drillLink.controller.signal,
    abort: (reason) => {
      if (!drillLink.controller.signal.aborted) drillLink.controller.abort(reason);
    },
  };
  // Rollback and finally ignore the first abort; only a forced stop interrupts them.
  const cleanupLink = linkedController(options.forceSignal);
  const cleanup: DrillControl = { signal: cleanupLink.controller.signal, abort: () => {} };

  const runId = options.runId ?? newRunId();
  const sealedVars = sealAll(scope.vars, ctx.seal);
  emit({
    type: 'run-start',
    time: Date.now(),
    runId,
    runbook: { name: runbook.name, title: runbook.title, file: runbook.file, digest: runbook.digest },
    plan,
    vars: { ...scope.vars },
    ...(ctx.dryRun ? { dryRun: true as const } : {}),
    ...(sealedVars ? { sealedVars } : {}),
    ...(options.resume ? { resumed: { from: options.resume.runId, passed: options.resume.passed } } : {}),
  });

  let failure: string | undefined;
  const noteFailure = (name: string, outcome: StepOutcome) => {
    if ((outcome.status === 'failed' || outcome.status === 'interrupted') && !outcome.tolerated)
      failure ??= `${name}: ${outcome.reason ?? outcome.status}`;
  };
  const notRun = (
    step: Step,
    id: string,
    name: string,
    phase: 'main' | 'steady-state-after',
    reason: string,
  ) => {
    emit({
      type: 'step-end',
      time: Date.now(),
      stepId: id,
      name,
      phase,
      status: 'skipped',
      durationMs: 0,
      attempts: 0,
      reason,
    });
    if (step.kind === 'parallel') for (const m of step.steps) notRun(m, m.id, m.name, phase, reason);
  };

  try {
    for (const s of runbook.steadyState) {
      if (failure || drill.signal.aborted) break;
      const outcome = await runStep(
        ctx,
        s,
        { phase: 'steady-state-before', id: beforeId(s.id), name: `Steady state (before): ${s.name}` },
        drill,
      );
      if (outcome.status === 'failed' || outcome.status === 'interrupted')
        failure = `steady state not met before the drill: ${s.name}: ${outcome.reason ?? outcome.status}`;
    }

    const started: ActionStep[] = [];
    const selected = selection(runbook, options);
    const stopWatching =
      runbook.stopWhen.probes.length > 0 && !ctx.dryRun && !failure
        ? watchStopConditions(ctx, runbook.stopWhen.probes, runbook.stopWhen.interval, drill)
        : async () => {};
    let stepsEnded = false;
    try {
      for (const step of runbook.steps) {
        const why = selected(step.id);
        if (why) {
          notRun(step, step.id, step.name, 'main', why);
          continue;
        }
        if (passedBefore(ctx, step)) {
          started.push(...passedEarlier(ctx, step, { phase: 'main', id: step.id, name: step.name }).acted);
          continue;
        }
        if (failure || drill.signal.aborted) {
          const cause = drill.signal.aborted ? reasonText(drill.signal) : 'an earlier step failed';
          notRun(step, step.id, step.name, 'main', `not run: ${cause}`);
          continue;
        }
        const outcome = await runStep(ctx, step, { phase: 'main', id: step.id, name: step.name }, drill);
        // Only what began acting needs undoing: not a step skipped by `when` or at its gate.
        started.push(...outcome.acted);
        noteFailure(step.name, outcome);
      }
      stepsEnded = true;
    } finally {
      // The last check runs only when the steps ended on their own and none failed.
      await stopWatching({ final: stepsEnded && failure === undefined });
    }

    const aborted = drill.signal.aborted;
    const wantsRollback =
      options.rollback === 'always' ||
      (options.rollback === 'on-failure' && (failure !== undefined || aborted));
    if (wantsRollback && !ctx.dryRun) {
      for (const step of started.reverse()) {
        if (!step.undo) continue;
        // The undo runs unconditionally, without a gate, once, and saves nothing. The step's
        // leave_running is for the daemon the step starts on purpose; an undo puts things
        // back, so whatever it leaves outside its process group is named and killed.
        const { when: _when, confirm: _confirm, save: _save, leaveRunning: _leave, ...rest } = step;
        const undoStep: ActionStep = { ...rest, action: step.undo, retries: 0 };
        const undone = await runStep(
          ctx,
          undoStep,
          { phase: 'undo', id: undoId(step.id), name: `Undo: ${step.name}` },
          cleanup,
        );
        noteFailure(`Undo: ${step.name}`, undone);
        if (undone.acted.length > 0) emit(undoneEvent(step, undone));
      }
    }

    for (const step of runbook.finally)
      noteFailure(
        step.name,
        await runStep(ctx, step, { phase: 'finally', id: step.id, name: step.name }, cleanup),
      );

    for (const s of runbook.steadyState) {
      const id = afterId(s.id);
      const name = `Steady state (after): ${s.name}`;
      if (drill.signal.aborted || cleanup.signal.aborted) {
        notRun(s, id, name, 'steady-state-after', `not run: ${reasonText(drill.signal)}`);
        continue;
      }
      const outcome = await runStep(ctx, s, { phase: 'steady-state-after', id, name }, drill);
      if (outcome.status === 'failed' || outcome.status === 'interrupted')
        failure ??= `steady state not met after the drill: ${s.name}: ${outcome.reason ?? outcome.status}`;
    }
  } finally {
    await resources.disposeAll();
    drillLink.dispose();
    cleanupLink.dispose();
  }

  if (clock) failure = emitMeasures(runbook.measures, clock, emit, failure);
  const end = finalVerdict(options.signal, drill.signal, failure);
  const event: RunEndEvent = { type: 'run-end', time: Date.now(), ...end };
  emit(event);
  return redactEvent(event, redactor.redact) as RunEndEvent;
}

/**
 * A bug in an action or the engine fails that step, never the whole run: rollback,
 * finally and the reports must still happen.
 */
async function runStep(...args: Parameters<typeof runStepUnguarded>): Promise<StepOutcome> {
  const [ctx, step, at] = args;
  try {
    return await runStepUnguarded(...args);
  } catch (error) {
    const reason = `internal error: ${error instanceof Error ? error.message : String(error)}`;
    return endStep(ctx, at, Date.now(), {
      status: 'failed',
      reason,
      attempts: 1,
      continueOnError: step.continueOnError,
      // Whether the action started is unknown; an undo restores, so err on undoing.
      acted: leaves(step),
    });
  }
}

function finalVerdict(
  outside: AbortSignal,
  drill: AbortSignal,
  failure: string | undefined,
): { status: RunStatus; exitCode: number; reason?: string } {
  if (outside.aborted) {
    const why = reasonText(outside);
    if (why === 'SIGINT' || why === 'SIGTERM' || why === 'SIGHUP')
      return { status: 'interrupted', exitCode: exitCodeFor(why), reason: `interrupted by ${why}` };
    return { status: 'aborted', exitCode: 1, reason: `aborted: ${why}` };
  }
  if (drill.aborted) {
    const why = reasonText(drill);
    return { status: 'aborted', exitCode: 1, reason: why === 'user' ? 'aborted by the operator' : why };
  }
  if (failure !== undefined) return { status: 'failed', exitCode: 1, reason: failure };
  return { status: 'passed', exitCode: 0 };
}

/** Returns why a main step is left out by --only/--from/--skip, or undefined to run it. */
function selection(runbook: Runbook, options: DrillOptions): (id: string) => string | undefined {
  const only = new Set(options.only ?? []);
  const skip = new Set(options.skip ?? []);
  const fromIndex = options.from ? runbook.steps.findIndex((s) => s.id === options.from) : -1;
  const order = new Map(runbook.steps.map((s, i) => [s.id, i]));
  return (id) => {
    if (only.size > 0 && !only.has(id)) return 'not selected (--only)';
    if (skip.has(id)) return 'skipped (--skip)';
    if (fromIndex > 0 && (order.get(id) ?? 0) < fromIndex) return `before --from ${options.from}`;
    return undefined;
  };
}

/** Records that a step was undone, so reports show it and `resume` runs it again. */
function undoneEvent(step: ActionStep, undo: StepOutcome): StepUndoneEvent {
  return { type: 'step-undone', time: Date.now(), stepId: step.id, name: step.name, undo: undo.status };
}

/** The vars that hold a secret, sealed; undefined when none does. */
function sealAll(
  vars: Record<string, string>,
  seal: RunContext['seal'],
): Record<string, SealedValue> | undefined {
  const sealed = Object.entries(vars).flatMap(([name, value]) => {
    const s = seal(value);
    return s ? [[name, s] as const] : [];
  });
  return sealed.length > 0 ? Object.fromEntries(sealed) : undefined;
}

/** Applies `redact` to every string field of an event (output is redacted as a stream). */
function redactEvent(event: EngineEvent, redact: (text: string) => string): EngineEvent {
  return JSON.parse(JSON.stringify(event), (_key, value) =>
    typeof value === 'string' ? redact(value) : value,
  );
}
