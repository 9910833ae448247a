import type {
  DecidedBy,
  EngineEvent,
  GateDecisionEvent,
  PlannedStep,
  RunEndEvent,
  StepEndEvent,
  StepStartEvent,
} from '../../src/engine/events.js';
import type { Phase } from '../../src/runbook/model.js';

/** 2025-01-02T03:04:05.000Z: a fixed clock so reports are exact. */
export const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);

type PlanEntry = string | (Partial<PlannedStep> & { id: string });

/**
 * Writes engine event sequences for tests, with a clock that only moves when told
 * (`tick`). Step names default to the id; `[index/total]` comes from the plan.
 *
 *   const s = new EventScript().runStart(['a', 'b']);
 *   s.step('a', { output: 'hi\n', ms: 1200 }).stepStart('b').runEnd('interrupted', 130);
 */
export class EventScript {
  readonly events: EngineEvent[] = [];
  now: number;
  private plan: PlannedStep[] = [];
  private readonly attempts = new Map<string, number>();
  private readonly started = new Map<string, number>();

  constructor(start = T0) {
    this.now = start;
  }

  tick(ms: number): this {
    this.now += ms;
    return this;
  }

  push(event: EngineEvent): this {
    this.events.push(event);
    return this;
  }

  runStart(plan: PlanEntry[], runbook: { name?: string; title?: string } = {}, runId = 'run-1'): this {
    this.plan = plan.map((p) =>
      typeof p === 'string' ? { id: p, name: p, phase: 'main' } : { name: p.id, phase: 'main', ...p },
    );
    const name = runbook.name ?? 'demo';
    return this.push({
      type: 'run-start',
      time: this.now,
      runId,
      runbook: {
        name,
        title: runbook.title ?? 'Demo drill',
        file: `runbooks/${name}.yaml`,
        digest: 'sha256:abc',
      },
      plan: this.plan,
      vars: {},
    });
  }

  stepStart(id: string, extra: Partial<StepStartEvent> = {}): this {
    const planned = this.plan.find((p) => p.id === id);
    const key = `${extra.phase ?? planned?.phase ?? 'main'}:${id}`;
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    if (!this.started.has(key)) this.started.set(key, this.now);
    const index = planned ? this.plan.indexOf(planned) + 1 : this.plan.length + 1;
    const event: StepStartEvent = {
      type: 'step-start',
      time: this.now,
      stepId: id,
      name: planned?.name ?? id,
      phase: planned?.phase ?? 'main',
      index,
      total: this.plan.length,
      attempt,
      summary: `sh: ${id}`,
      ...extra,
    };
    if (planned?.group !== undefined && event.group === undefined) event.group = planned.group;
    return this.push(event);
  }

  output(
    id: string,
    text: string,
    extra: { stream?: 'stdout' | 'stderr' | 'info'; label?: string } = {},
  ): this {
    const event: EngineEvent = {
      type: 'output',
      time: this.now,
      stepId: id,
      stream: extra.stream ?? 'stdout',
      text,
    };
    if (extra.label !== undefined) event.label = extra.label;
    return this.push(event);
  }

  gate(
    id: string,
    decision: GateDecisionEvent['decision'],
    by: DecidedBy,
    note: string,
    request: { kind?: 'confirm' | 'failed'; message?: string } | false = {},
  ): this {
    if (request !== false) {
      this.push({
        type: 'gate-request',
        time: this.now,
        stepId: id,
        kind: request.kind ?? 'confirm',
        message: request.message ?? `Run ${id}?`,
      });
    }
    return this.push({ type: 'gate-decision', time: this.now, stepId: id, decision, by, note });
  }

  retry(id: string, reason: string, delayMs = 1000): this {
    const attempt = (this.attempts.get(`main:${id}`) ?? 1) + 1;
    return this.push({ type: 'step-retry', time: this.now, stepId: id, attempt, reason, delayMs });
  }

  stepEnd(id: string, status: StepEndEvent['status'] = 'passed', extra: Partial<StepEndEvent> = {}): this {
    const planned = this.plan.find((p) => p.id === id);
    const phase: Phase = extra.phase ?? planned?.phase ?? 'main';
    const key = `${phase}:${id}`;
    return this.push({
      type: 'step-end',
      time: this.now,
      stepId: id,
      name: planned?.name ?? id,
      phase,
      status,
      durationMs: this.now - (this.started.get(key) ?? this.now),
      attempts: Math.max(1, this.attempts.get(key) ?? 1),
      ...extra,
    });
  }

  /** start, optional output, `ms` later an end. */
  step(
    id: string,
    options: { status?: StepEndEvent['status']; output?: string; ms?: number } & Partial<StepEndEvent> = {},
  ): this {
    const { status, output, ms, ...extra } = options;
    this.stepStart(id);
    if (output !== undefined) this.output(id, output);
    this.tick(ms ?? 1000);
    return this.stepEnd(id, status ?? 'passed', extra);
  }

  stopTripped(probeId: string, reason: string): this {
    return this.push({ type: 'stop-tripped', time: this.now, probeId, reason });
  }

  runEnd(
    status: RunEndEvent['status'] = 'passed',
    exitCode = status === 'passed' ? 0 : 1,
    reason?: string,
  ): this {
    const event: RunEndEvent = { type: 'run-end', time: this.now, status, exitCode };
    if (reason !== undefined) event.reason = reason;
    return this.push(event);
  }
}
