import { applyEvents, initialRunState, type RunState, type RunStateEvent } from './run-state.js';

/**
 * Holds the run state outside React and batches events into it. Output can arrive at
 * 100k lines/s; rendering per event would pin a core, so events queue up and are applied
 * and published at most every `flushMs`. During a flood (more output per flush than anyone
 * can read) it publishes less often still: each Ink frame costs ~10 ms of the same event
 * loop that drains the step's pipe. A long queue is folded early (without a render) so
 * memory stays bounded between flushes too.
 */
export class RunStore {
  #state: RunState;
  #queue: RunStateEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #listeners = new Set<() => void>();
  #outputChars = 0;
  #flooding = false;

  constructor(
    title: string,
    private readonly flushMs = 100,
    private readonly maxQueue = 2000,
    /** Interval while output floods: more than `floodChars` arrived since the last flush. */
    private readonly floodMs = 1000,
    private readonly floodChars = 64 * 1024,
  ) {
    this.#state = initialRunState(title);
  }

  push = (event: RunStateEvent): void => {
    this.#queue.push(event);
    if (event.type === 'output') this.#outputChars += event.text.length;
    if (this.#queue.length >= this.maxQueue) this.#fold();
    this.#timer ??= setTimeout(this.flush, this.#flooding ? this.floodMs : this.flushMs);
  };

  /** Applies everything queued and tells subscribers now (gates, run end, tests). */
  flush = (): void => {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flooding = this.#outputChars > this.floodChars;
    this.#outputChars = 0;
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
