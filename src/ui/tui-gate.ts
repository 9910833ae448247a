import type {
  ConfirmDecision,
  ConfirmRequest,
  FailureDecision,
  FailureRequest,
  Gate,
} from '../engine/gate.js';

/** The question on screen, and the only ways to answer it. */
export type Prompt =
  | { kind: 'confirm'; request: ConfirmRequest; answer(decision: ConfirmDecision): void }
  | { kind: 'failed'; request: FailureRequest; answer(decision: FailureDecision): void };

/**
 * Implements the engine's Gate by asking the person: a call publishes a pending prompt,
 * the key handler answers it, and the promise resolves. One prompt at a time; a second
 * request (parallel steps) waits its turn. An aborted signal, from the engine or from the
 * TUI's own abort, answers `abort` so the engine is never left waiting on a screen that
 * nobody can answer any more.
 */
export class TuiGate implements Gate {
  #queue: Prompt[] = [];
  #listeners = new Set<() => void>();

  constructor(private readonly runSignal?: AbortSignal) {}

  confirm(request: ConfirmRequest, signal: AbortSignal): Promise<ConfirmDecision> {
    return this.#ask<ConfirmDecision>(signal, (answer) => ({ kind: 'confirm', request, answer }));
  }

  failed(request: FailureRequest, signal: AbortSignal): Promise<FailureDecision> {
    return this.#ask<FailureDecision>(signal, (answer) => ({ kind: 'failed', request, answer }));
  }

  /** The prompt on screen now, if any. Stable identity until answered (for React). */
  pending = (): Prompt | undefined => this.#queue[0];

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  #ask<D extends ConfirmDecision | FailureDecision>(
    signal: AbortSignal,
    make: (answer: (d: D) => void) => Prompt,
  ): Promise<D> {
    return new Promise<D>((resolve) => {
      const signals = [signal, this.runSignal].filter((s): s is AbortSignal => s !== undefined);
      let prompt: Prompt | undefined;
      const settle = (decision: D) => {
        if (!prompt) return;
        this.#queue = this.#queue.filter((p) => p !== prompt);
        prompt = undefined;
        for (const s of signals) s.removeEventListener('abort', onAbort);
        resolve(decision);
        this.#notify();
      };
      const onAbort = () => {
        const reason = signals.find((s) => s.aborted)?.reason;
        settle({ decision: 'abort', by: 'person', note: `aborted (${String(reason ?? 'abort')})` } as D);
      };
      prompt = make(settle);
      this.#queue = [...this.#queue, prompt];
      if (signals.some((s) => s.aborted)) return onAbort();
      for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
      this.#notify();
    });
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
