/** What asked the drill to stop: a signal, or the operator in the TUI (`a`). */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'user';
export type StopSignal = Exclude<StopReason, 'user'>;

/** Where each mode tells the person what a stop request does (the TUI's store, stderr). */
export interface StopNotices {
  /** The first request: steps stop, rollback and finally still run. */
  stopping(reason: StopReason): void;
  /** A second signal: rollback and finally are stopped too. */
  forcing(reason: StopSignal): void;
}

/**
 * The two-stage stop both the TUI and headless mode use. The first Ctrl-C, SIGTERM or
 * SIGHUP (or `a` in the TUI) aborts `signal`: the engine starts no new step, rolls back and
 * runs finally. A second signal aborts `forceSignal`: rollback and finally stop too. The
 * operator's `a` never forces: only a signal means "stop now".
 */
export class TwoStageStop {
  private readonly graceful = new AbortController();
  private readonly forced = new AbortController();
  readonly signal = this.graceful.signal;
  readonly forceSignal = this.forced.signal;

  constructor(private readonly notices: StopNotices) {}

  request = (reason: StopReason): void => {
    if (!this.signal.aborted) {
      // Told first, so the notice is on screen before the engine reacts to the abort.
      this.notices.stopping(reason);
      this.graceful.abort(reason);
    } else if (reason !== 'user' && !this.forceSignal.aborted) {
      this.notices.forcing(reason);
      this.forced.abort(reason);
    }
  };
}

const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Routes SIGINT, SIGTERM and SIGHUP to `onSignal` instead of ending the process (a hang-up,
 * the SSH session or terminal closing, would otherwise skip rollback, finally and the
 * reports). Returns the function that puts the default handling back.
 */
export function onStopSignals(onSignal: (signal: StopSignal) => void): () => void {
  const handlers = STOP_SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
