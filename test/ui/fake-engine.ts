import type { EngineEvent, EventListener, RunEndEvent, StepStatus } from '../../src/engine/events.js';
import type { ConfirmDecision, FailureDecision, Gate } from '../../src/engine/gate.js';
import type { Phase } from '../../src/runbook/model.js';

/** A scripted step for the fake engine: what it prints, whether it asks, how it fails. */
export interface FakeStep {
  id: string;
  name?: string;
  phase?: Phase;
  summary?: string;
  description?: string;
  confirm?: { message: string; phrase?: string };
  output?: string[];
  /** Fails this many attempts (Infinity = always), then passes. */
  failures?: number;
  /** Engine-level retries before asking the gate (step-retry events). */
  retries?: number;
  /** Keeps running until the run is aborted (to abort mid-step). */
  untilAborted?: boolean;
  /** Keeps running until the force signal aborts (a finally step stopped by a second Ctrl-C). */
  untilForced?: boolean;
}

export interface FakeRun {
  start(
    gate: Gate,
    onEvent: EventListener,
    signal: AbortSignal,
    forceSignal?: AbortSignal,
  ): Promise<RunEndEvent>;
  /** Every decision the gate returned, in order: what the engine received. */
  decisions: (ConfirmDecision | FailureDecision)[];
  events: EngineEvent[];
  /** signal.reason when the run was aborted. */
  abortReason(): unknown;
  /** forceSignal.reason when a second Ctrl-C/SIGTERM asked to stop finally too. */
  forceReason(): unknown;
  /** Resolves when the engine is waiting on the gate or on an abort. */
  stepsRun: string[];
}

/**
 * A small engine stand-in with the real event order: step-start, gate-request, (gate
 * answer), gate-decision, output, step-retry, step-end, run-end; finally steps always run.
 * The thing under test is the UI, so this only has to speak the protocol faithfully.
 */
export function fakeEngine(steps: FakeStep[], finallySteps: FakeStep[] = []): FakeRun {
  const decisions: (ConfirmDecision | FailureDecision)[] = [];
  const events: EngineEvent[] = [];
  const stepsRun: string[] = [];
  let signalRef: AbortSignal | undefined;
  let forceRef: AbortSignal | undefined;
  const start = async (
    gate: Gate,
    onEvent: EventListener,
    signal: AbortSignal,
    forceSignal?: AbortSignal,
  ): Promise<RunEndEvent> => {
    signalRef = signal;
    forceRef = forceSignal;
    const emit = (e: EngineEvent) => {
      events.push(e);
      onEvent(e);
    };
    const all = [
      ...steps.map((s) => ({ ...s, phase: s.phase ?? 'main' })),
      ...finallySteps.map((s) => ({ ...s, phase: 'finally' as const })),
    ];
    emit({
      type: 'run-start',
      time: Date.now(),
      runId: 'run-1',
      runbook: { name: 'fake', title: 'Fake drill', file: 'fake.yaml', digest: 'x' },
      plan: all.map((s) => ({ id: s.id, name: s.name ?? s.id, phase: s.phase })),
      vars: {},
    });
    let failed = false;
    let aborted = false;
    for (const [i, step] of all.entries()) {
      const name = step.name ?? step.id;
      const end = (status: StepStatus, attempts: number, reason?: string) =>
        emit({
          type: 'step-end',
          time: Date.now(),
          stepId: step.id,
          name,
          phase: step.phase,
          status,
          durationMs: 1234,
          attempts,
          ...(reason ? { reason } : {}),
        });
      if ((signal.aborted || aborted) && step.phase !== 'finally') {
        end('skipped', 0, 'drill aborted');
        continue;
      }
      stepsRun.push(step.id);
      let attempt = 1;
      const startEvent = () =>
        emit({
          type: 'step-start',
          time: Date.now(),
          stepId: step.id,
          name,
          phase: step.phase,
          index: i + 1,
          total: all.length,
          attempt,
          summary: step.summary ?? `sh: ${step.id}`,
          ...(step.description ? { description: step.description } : {}),
        });
      startEvent();
      if (step.confirm) {
        emit({ type: 'gate-request', time: Date.now(), stepId: step.id, kind: 'confirm', ...step.confirm });
        // Like the real engine: a cancelled gate (signal aborted) means "not approved".
        const d: ConfirmDecision = await gate
          .confirm(
            {
              stepId: step.id,
              stepName: name,
              message: step.confirm.message,
              ...(step.confirm.phrase ? { phrase: step.confirm.phrase } : {}),
              ...(step.description ? { description: step.description } : {}),
              summary: step.summary ?? `sh: ${step.id}`,
            },
            signal,
          )
          .catch(() => ({ decision: 'skip', by: 'policy', note: `not approved: ${String(signal.reason)}` }));
        decisions.push(d);
        const decision = (
          { approve: 'approved', skip: 'skipped', refuse: 'refused', abort: 'aborted' } as const
        )[d.decision];
        emit({ type: 'gate-decision', time: Date.now(), stepId: step.id, decision, by: d.by, note: d.note });
        if (d.decision === 'skip') {
          end('skipped', 0, d.note);
          continue;
        }
        if (d.decision === 'abort') {
          aborted = true;
          end('skipped', 0, 'drill aborted');
          continue;
        }
      }
      for (;;) {
        for (const line of step.output ?? []) {
          emit({ type: 'output', time: Date.now(), stepId: step.id, stream: 'stdout', text: `${line}\n` });
        }
        if (step.untilForced && forceSignal && !forceSignal.aborted) {
          await new Promise((resolve) => forceSignal.addEventListener('abort', resolve, { once: true }));
          end('interrupted', attempt, `stopped: ${String(forceSignal.reason)}`);
          failed = true;
          break;
        }
        if (step.untilAborted && !signal.aborted) {
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
          end('interrupted', attempt, `stopped: ${String(signal.reason)}`);
          failed = true;
          break;
        }
        if (attempt > (step.failures ?? 0)) {
          end('passed', attempt);
          break;
        }
        if (attempt <= (step.retries ?? 0)) {
          emit({
            type: 'step-retry',
            time: Date.now(),
            stepId: step.id,
            attempt: attempt + 1,
            reason: 'exit 1',
            delayMs: 0,
          });
          attempt++;
          startEvent();
          continue;
        }
        emit({ type: 'gate-request', time: Date.now(), stepId: step.id, kind: 'failed', message: 'exit 1' });
        const d = await gate
          .failed(
            { stepId: step.id, stepName: name, reason: 'command exited with status 1', attempts: attempt },
            signal,
          )
          .catch((): FailureDecision => ({ decision: 'fail', by: 'policy', note: 'gate cancelled' }));
        decisions.push(d);
        emit({
          type: 'gate-decision',
          time: Date.now(),
          stepId: step.id,
          decision: d.decision === 'fail' ? 'refused' : d.decision === 'retry' ? 'retry' : 'aborted',
          by: d.by,
          note: d.note,
        });
        if (d.decision === 'retry') {
          attempt++;
          startEvent();
          continue;
        }
        if (d.decision === 'abort') aborted = true;
        end('failed', attempt, 'command exited with status 1');
        failed = true;
        break;
      }
    }
    const reason = signal.reason;
    const end: RunEndEvent =
      signal.aborted || aborted
        ? {
            type: 'run-end',
            time: Date.now(),
            status: 'aborted',
            exitCode: reason === 'SIGINT' ? 130 : reason === 'SIGTERM' ? 143 : 1,
            reason: `aborted (${String(reason ?? 'gate')})`,
          }
        : {
            type: 'run-end',
            time: Date.now(),
            status: failed ? 'failed' : 'passed',
            exitCode: failed ? 1 : 0,
          };
    emit(end);
    return end;
  };
  return {
    start,
    decisions,
    events,
    stepsRun,
    abortReason: () => signalRef?.reason,
    forceReason: () => forceRef?.reason,
  };
}
