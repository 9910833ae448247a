import type { ActionStep } from '../runbook/model.js';
import { linkedController } from './abort.js';
import type { DrillControl, StepOutcome } from './step-types.js';

interface Running {
  stop: (reason: string) => void;
  done: Promise<StepOutcome>;
}

/** What a step that awaits a background step learns. */
export type AwaitResult =
  | { kind: 'go' }
  /** The awaited step failed or was interrupted (not tolerated): the awaiting step fails. */
  | { kind: 'failed'; reason: string }
  /** The drill stopped while waiting: the awaiting step never ran. */
  | { kind: 'stopped' };

/**
 * The background steps of one run (`background: true`). Each runs with a signal of its own,
 * linked to the drill's, so an abort, a signal or a tripped stop condition reaches it like any
 * step; `stopAll` stops the ones still running when the main steps are over, and waits for
 * them, so rollback and `finally` never run beside an attack.
 */
export class BackgroundSteps {
  private readonly running = new Map<string, Running>();
  private readonly ended = new Map<string, StepOutcome>();

  /**
   * Starts `run` and returns at once. `onEnd` gets the outcome when the step ends (the
   * runner counts its verdict and what it acted on).
   */
  start(
    step: ActionStep,
    drill: DrillControl,
    run: (control: DrillControl) => Promise<StepOutcome>,
    onEnd: (outcome: StepOutcome) => void,
  ): void {
    const link = linkedController(drill.signal);
    const control: DrillControl = { signal: link.controller.signal, abort: drill.abort };
    const done = run(control).then((outcome) => {
      link.dispose();
      this.running.delete(step.id);
      this.ended.set(step.id, outcome);
      onEnd(outcome);
      return outcome;
    });
    this.running.set(step.id, {
      stop: (reason) => {
        if (!link.controller.signal.aborted) link.controller.abort(reason);
      },
      done,
    });
  }

  /** Waits for the background step `id` to end; a step never started (skipped, not selected) counts as ended. */
  async await(id: string, signal: AbortSignal): Promise<AwaitResult> {
    const outcome = this.ended.get(id) ?? (await this.waitFor(id, signal));
    if (outcome === 'stopped') return { kind: 'stopped' };
    if (outcome === undefined || outcome.tolerated) return { kind: 'go' };
    if (outcome.status === 'failed' || outcome.status === 'interrupted')
      return {
        kind: 'failed',
        reason: `awaited background step ${id} ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ''}`,
      };
    return { kind: 'go' };
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  /** Stops every background step still running (its process group, as a timeout does) and waits for each to end. */
  async stopAll(reason: string): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) r.stop(reason);
    await Promise.all(all.map((r) => r.done));
  }

  private waitFor(id: string, signal: AbortSignal): Promise<StepOutcome | 'stopped' | undefined> {
    const running = this.running.get(id);
    if (!running) return Promise.resolve(undefined);
    if (signal.aborted) return Promise.resolve('stopped');
    return new Promise((resolve) => {
      // The step's own failure may be what stopped the drill: its verdict is recorded before
      // that abort goes out, so the awaiting step fails on it rather than being skipped.
      const onAbort = () => resolve(this.ended.get(id) ?? 'stopped');
      signal.addEventListener('abort', onAbort, { once: true });
      running.done.then((outcome) => {
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      });
    });
  }
}
