import { applyEvents, initialRunState, type RunState, type RunStateEvent } from './run-state.js';

/**
 * Holds the run state outside React and batches events into it. Output can arrive at
 * 100k lines/s; rendering per event would pin a core, so events queue up and are applied
 * and published at most every `flushMs`. A long queue is folded early (without a
 * render) so memory stays bounded between flushes too.
 */
export class RunStore {
  #state: RunState;
  #queue: RunStateEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #listeners = new Set<() => void>();

  constructor(
    title: string,
    private readonly flushMs = 50,
    private readonly maxQueue = 2000,
  ) {
    this.#state = initialRunState(title);
  }

  push = (event: RunStateEvent): void => {
    this.#queue.push(event);
    if (this.#queue.length >= this.maxQueue) this.#fold();
    this.#timer ??= setTimeout(this.flush, this.flushMs);
  };

  /** Applies everything queued and tells subscribers now (gates, run end, tests). */
  flush = (): void => {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#fold();
    for (const listener of this.#listeners) listener();
  };

  getSnapshot = (): RunState => this.#state;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#fold();
  }

  #fold(): void {
    if (this.#queue.length === 0) return;
    const events = this.#queue;
    this.#queue = [];
    this.#state = applyEvents(this.#state, events);
  }
}
