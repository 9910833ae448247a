import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import type { ActionRegistry } from '../plugin/contract.js';
import { impliedSecrets } from '../plugin/declarations.js';
import type { Runbook } from '../runbook/model.js';
import { exitCodeFor, linkedController, reasonText } from './abort.js';
import { BackgroundSteps } from './background.js';
import { type CleanupOnly, closeOpenSteps, runCleanupOnly } from './cleanup-only.js';
import { type DrillDeadline, watchDeadline } from './deadline.js';
import {
  checkSteadyStateAfter,
  checkSteadyStateBefore,
  type DrillRun,
  rollBack,
  runFinally,
  runMainSteps,
} from './drill-phases.js';
import type { EngineEvent, EventListener, PlannedStep, RunEndEvent, RunStatus } from './events.js';
import type { Gate } from './gate.js';
import { emitMeasures, MeasureClock } from './measures.js';
import { planSteps } from './plan.js';
import { createRedactor } from './redact.js';
import { ResourcePool } from './resources.js';
import type { MutableScope, RunContext } from './run-context.js';
import type { RollbackPolicy, RunSettings } from './run-settings.js';
import { createSealer, type SealedValue } from './sealed.js';
import { secretsFromEnv } from './secret-values.js';
import type { DrillControl } from './step-runner.js';

export type { RollbackPolicy } from './run-settings.js';

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
  /** The actions the runbook was loaded with. */
  actions: ActionRegistry;
  gate: Gate;
  /** Aborting it stops the drill: reason 'SIGINT' | 'SIGTERM' | 'user'. Rollback and finally still run. */
  signal: AbortSignal;
  /** Aborting it also stops rollback and finally (a second Ctrl-C). */
  forceSignal?: AbortSignal;
  onEvent: EventListener;
  settings: RunSettings;
  /** Values of the switches the actions declared (`flagValues`); an absent one is false. */
  flags?: Readonly<Record<string, boolean>>;
  env?: Record<string, string | undefined>;
  runId?: string;
  resume?: ResumeState;
  /** `--deadline`: the drill is stopped in time for rollback and finally to end by it. */
  deadline?: DrillDeadline;
  /**
   * `drillbook finally`: only the pending undo and finally of an interrupted run, appended to
   * its journal (no run-start, no steady state, no main steps).
   */
  cleanupOnly?: CleanupOnly;
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
  const { ctx, plan, secretsInEvents, clock } = runContext(options);
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
  const run: DrillRun = { ctx, drill, cleanup, failure: undefined };
  const { cleanupOnly } = options;
  const deadline = options.deadline ? watchDeadline(options.deadline, drill) : undefined;

  if (cleanupOnly) closeOpenSteps(ctx.emit, cleanupOnly.open);
  else emitRunStart(ctx, plan, options);
  try {
    if (cleanupOnly) await runCleanupOnly(run, cleanupOnly);
    else {
      await checkSteadyStateBefore(run);
      const started = await runMainSteps(run, selection(ctx.runbook, options.settings));
      deadline?.cleanupStarts();
      if (wantsRollback(options.settings.rollback, run) && !ctx.dryRun) await rollBack(run, started);
      await runFinally(run);
      deadline?.cleanupEnded(ctx.runbook.steadyState.length > 0);
      await checkSteadyStateAfter(run);
    }
  } finally {
    deadline?.dispose();
    await ctx.resources.disposeAll();
    drillLink.dispose();
    cleanupLink.dispose();
  }

  if (clock) run.failure = emitMeasures(ctx.runbook.measures, clock, ctx.emit, run.failure);
  const judged = cleanupOnly
    ? cleanupOnly.verdict(run.failure)
    : finalVerdict(options.signal, drill.signal, run.failure);
  const end = deadline ? deadline.verdict(judged) : judged;
  const event: RunEndEvent = { type: 'run-end', time: Date.now(), ...end };
  ctx.emit(event);
  return secretsInEvents(event);
}

/**
 * What every step of the run shares, and a function that redacts a run-end for the caller.
 * Declared secrets, plus credentials drillbook itself reads from the environment, are redacted
 * from every event.
 */
function runContext(options: DrillOptions): {
  ctx: RunContext;
  plan: PlannedStep[];
  secretsInEvents: (event: RunEndEvent) => RunEndEvent;
  /** Times the runbook's measures from the events as they go out; none in a dry run. */
  clock: MeasureClock | undefined;
} {
  const { runbook } = options;
  const env = Object.fromEntries(
    Object.entries(options.env ?? process.env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const secrets = secretsFromEnv(runbook.secrets, env, impliedSecrets(options.actions));
  const secretValues = Object.values(secrets);
  const redactor = createRedactor(secretValues);
  // Most drills have no secrets; then events go out as they are, with no copy per event.
  const hasSecrets = secretValues.length > 0;
  const plan = planSteps(runbook);
  const index = new Map(plan.map((p, i) => [p.id, i + 1]));
  // A dry run, or a continued run's cleanup (`drillbook finally`, whose events are not the
  // drill's), measures nothing.
  const measuring = runbook.measures.length > 0 && !options.settings.dryRun && !options.cleanupOnly;
  const clock = measuring ? new MeasureClock() : undefined;
  const emit = (event: EngineEvent) => {
    clock?.add(event);
    options.onEvent(event.type === 'output' || !hasSecrets ? event : redactEvent(event, redactor.redact));
  };
  const ctx: RunContext = {
    runbook,
    actions: options.actions,
    gate: options.gate,
    emit,
    redact: redactor.redact,
    redactStream: () => redactor.stream(),
    seal: createSealer(secrets).seal,
    scope: templateScope(runbook, env, options.resume),
    resources: new ResourcePool(),
    env,
    cwd: dirname(resolve(runbook.file)),
    flags: options.flags ?? {},
    dryRun: options.settings.dryRun,
    failOnSkip: options.settings.failOnSkip,
    background: new BackgroundSteps(),
    indexOf: (id) => index.get(id) ?? 0,
    total: plan.length,
    ...(options.resume
      ? { resumed: { runId: options.resume.runId, passed: new Set(options.resume.passed) } }
      : {}),
  };
  return {
    ctx,
    plan,
    secretsInEvents: (event) => redactEvent(event, redactor.redact) as RunEndEvent,
    clock,
  };
}

/** The values templates see at the start: the runbook's vars, and what a resumed run saved. */
function templateScope(
  runbook: Runbook,
  env: Record<string, string>,
  resume: ResumeState | undefined,
): MutableScope {
  const outputs = Object.entries(resume?.outputs ?? {}).map(([k, v]) => [k, { output: v }]);
  return {
    // Null prototypes: `save: __proto__` or a step id `constructor` is an ordinary name.
    vars: Object.assign(Object.create(null), runbook.vars, resume?.vars ?? {}),
    env,
    secrets: runbook.secrets,
    hosts: runbook.hosts,
    steps: Object.assign(Object.create(null), Object.fromEntries(outputs)),
  };
}

function emitRunStart(ctx: RunContext, plan: PlannedStep[], options: DrillOptions): void {
  const { runbook, scope } = ctx;
  const sealedVars = sealAll(scope.vars, ctx.seal);
  ctx.emit({
    type: 'run-start',
    time: Date.now(),
    runId: options.runId ?? newRunId(),
    runbook: { name: runbook.name, title: runbook.title, file: runbook.file, digest: runbook.digest },
    plan,
    vars: { ...scope.vars },
    ...(ctx.dryRun ? { dryRun: true as const } : {}),
    ...(sealedVars ? { sealedVars } : {}),
    ...(options.resume ? { resumed: { from: options.resume.runId, passed: options.resume.passed } } : {}),
  });
}

function wantsRollback(policy: RollbackPolicy, run: DrillRun): boolean {
  const failedOrStopped = run.failure !== undefined || run.drill.signal.aborted;
  return policy === 'always' || (policy === 'on-failure' && failedOrStopped);
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
function selection(runbook: Runbook, options: RunSettings): (id: string) => string | undefined {
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
