/** `--timestamps`: headless lines begin with the wall-clock time or the time since the start. */
export type Timestamps = 'iso' | 'elapsed';

/**
 * The flags `run` and `resume` share that shape the session around the engine: TUI or
 * headless, reports, who approves gates, colours. The engine never sees them.
 */
export interface SessionFlags {
  headless: boolean;
  junit?: string | undefined;
  json?: string | undefined;
  /** `--html`: the HTML report; its trends come from the other runs beside this run's directory. */
  html?: string | undefined;
  /** `--yes`: approve every gate. */
  yes: boolean;
  /** `--approve`: approve the gates of these step ids. */
  approve?: string[] | undefined;
  /** False for --no-color; NO_COLOR in the environment turns colour off as well. */
  color?: boolean | undefined;
  timestamps?: Timestamps | undefined;
}
