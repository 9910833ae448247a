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

/** Rejection of a gate call whose signal aborted (timeout, Ctrl-C): the engine decides what that means. */
export class GateCancelled extends Error {
  constructor(readonly reason: unknown) {
    super(`gate cancelled: ${typeof reason === 'string' ? reason : 'aborted'}`);
  }
}

/**
 * Implements the engine's Gate by asking the person: a call publishes a pending prompt,
 * the key handler answers it, and the promise resolves. One prompt at a time; a second
 * request (parallel steps) waits its turn. When the call's signal aborts (the gate's
 * own timeout, Ctrl-C, SIGTERM) the prompt disappears and the call rejects, as the engine
 * expects: it applies `on_timeout` or records the step as not approved.
 */
export class TuiGate implements Gate {
  #queue: { prompt: Prompt; abort(note: string): void }[] = [];
  #listeners = new Set<() => void>();

  confirm(request: ConfirmRequest, signal: AbortSignal): Promise<ConfirmDecision> {
    return this.#ask<ConfirmDecision>(signal, (answer) => ({ kind: 'confirm', request, answer }));
  }

  failed(request: FailureRequest, signal: AbortSignal): Promise<FailureDecision> {
    return this.#ask<FailureDecision>(signal, (answer) => ({ kind: 'failed', request, answer }));
  }

  /** The prompt on screen now, if any. Stable identity until answered (for React). */
  pending = (): Prompt | undefined => this.#queue[0]?.prompt;

  /** The person aborted the drill: every open question is answered `abort`. */
  abortPending(note: string): void {
    for (const entry of [...this.#queue]) entry.abort(note);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  #ask<D extends ConfirmDecision | FailureDecision>(
    signal: AbortSignal,
    make: (answer: (d: D) => void) => Prompt,
  ): Promise<D> {
    return new Promise<D>((resolve, reject) => {
      if (signal.aborted) return reject(new GateCancelled(signal.reason));
      let open = true;
      const close = () => {
        open = false;
        this.#queue = this.#queue.filter((e) => e !== entry);
        signal.removeEventListener('abort', onAbort);
        this.#notify();
      };
      const answer = (decision: D) => {
        if (!open) return;
        close();
        resolve(decision);
      };
      const onAbort = () => {
        if (!open) return;
        close();
        reject(new GateCancelled(signal.reason));
      };
      const entry = {
        prompt: make(answer),
        abort: (note: string) => answer({ decision: 'abort', by: 'person', note } as D),
      };
      this.#queue = [...this.#queue, entry];
      signal.addEventListener('abort', onAbort, { once: true });
      this.#notify();
    });
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
