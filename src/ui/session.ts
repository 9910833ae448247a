import type { EventListener, RunEndEvent } from '../engine/events.js';
import type { Gate } from '../engine/gate.js';
import { type StopReason, TwoStageStop } from '../engine/two-stage-stop.js';
import { terminalSafe, terminalSafeEvent } from '../report/terminal-safe.js';
import { type PageFile, PagingState } from './output-paging.js';
import { terminalSafeGate } from './safe-gate.js';
import { RunStore } from './state/run-store.js';
import { TuiGate } from './tui-gate.js';

export type AbortReason = StopReason;

export interface SessionOptions {
  title: string;
  /** `forceSignal` aborts on a second Ctrl-C/SIGTERM: stop rollback and finally too. */
  start(
    gate: Gate,
    onEvent: EventListener,
    signal: AbortSignal,
    forceSignal: AbortSignal,
  ): Promise<RunEndEvent>;
  finish(end: RunEndEvent): Promise<string[]>;
  /** How often batched events reach the screen. */
  flushMs?: number;
  /** False under NO_COLOR / --no-color: no colour and no other styling either. */
  color?: boolean;
  /** The file holding a step's whole output (the run's spool), for `o`; undefined if none. */
  outputFile?(stepId: string): string | undefined;
}

/**
 * One TUI run without any terminal: owns the abort controller, the gate and the store, and
 * drives start() then finish(). `index.tsx` mounts it in a terminal; tests mount it in
 * ink-testing-library.
 */
export class TuiSession {
  /** First stop request: the drill stops and rolls back; a second signal stops that too. */
  private readonly stop: TwoStageStop;
  readonly store: RunStore;
  readonly gate: TuiGate;
  readonly color: boolean;
  readonly paging = new PagingState();
  /** Runs the pager with the terminal; set where there is one (index.tsx, tests). */
  pageFile: PageFile | undefined;

  constructor(private readonly options: SessionOptions) {
    this.store = new RunStore(terminalSafe(options.title), options.flushMs);
    this.gate = new TuiGate();
    this.color = options.color !== false;
    this.stop = new TwoStageStop({
      stopping: (reason) => {
        this.store.push({ type: 'ui-aborting', reason });
        this.store.flush();
        // A question on screen is answered by the person who chose to abort; Ctrl-C and
        // SIGTERM instead cancel it through the signal, and the engine records why.
        if (reason === 'user') this.gate.abortPending('drill aborted in the TUI');
      },
      forcing: (reason) => {
        this.store.push({
          type: 'ui-message',
          text: `${reason} again: stopping rollback and finally steps too`,
        });
        this.store.flush();
      },
    });
  }

  /** Stops the drill: the engine skips what is left and runs finally (shown as it runs). */
  abort = (reason: AbortReason): void => this.stop.request(reason);

  /** `o`: the step's whole output in the pager; the drill goes on meanwhile. */
  openOutput = async (stepId: string): Promise<void> => {
    if (this.paging.current() !== undefined) return;
    const file = this.options.outputFile?.(stepId);
    if (file === undefined || this.pageFile === undefined) {
      this.message(
        file === undefined ? `${stepId} has printed nothing yet` : `no terminal to show ${file} in`,
      );
      this.store.flush();
      return;
    }
    this.paging.set(stepId);
    try {
      const problem = await this.pageFile(file);
      if (problem !== undefined) this.message(terminalSafe(problem));
    } finally {
      this.paging.set(undefined);
      this.store.flush();
    }
  };

  /** A stray stderr/console line, shown in the messages area. */
  message = (text: string): void => {
    this.store.push({ type: 'ui-message', text });
  };

  async run(): Promise<RunEndEvent> {
    // A question must never be on screen before the step it is about: apply queued events first.
    const unsubscribe = this.gate.subscribe(() => this.store.flush());
    try {
      const end = await this.options.start(
        terminalSafeGate(this.gate),
        // Names, reasons and messages may quote a value: never let one drive the terminal.
        (event) => this.store.push(terminalSafeEvent(event)),
        this.stop.signal,
        this.stop.forceSignal,
      );
      this.store.push(end);
      this.store.flush();
      try {
        this.store.push({ type: 'ui-reports', paths: await this.options.finish(end) });
      } catch (error) {
        this.store.push({
          type: 'ui-report-error',
          message: error instanceof Error ? error.message : String(error),
        });
      }
      this.store.flush();
      return end;
    } finally {
      unsubscribe();
      this.store.dispose();
    }
  }
}
