/** One measure of a run: the time between two events, against an optional objective (`max:`). */
export interface MeasureResult {
  /** As written in the runbook's `measures:`. */
  name: string;
  /** The event references as written, e.g. `blackhole.start`, `dns-green.observed`. */
  from: string;
  to: string;
  /** Milliseconds from `from` to `to`; null when either event never happened. */
  valueMs: number | null;
  /** Plus or minus this many ms: a polling step's interval when an end is "first observed", else 0. */
  resolutionMs: number;
  /** The objective in ms, or null when the measure has none. */
  maxMs: number | null;
  /**
   * `met` / `missed`: measured against a max; `measured`: no max; `not measured`: an event never
   * happened (a failure when there is a max).
   */
  verdict: 'met' | 'missed' | 'measured' | 'not measured';
  /** Epoch ms of the two events, when they happened (for timelines). */
  fromTime: number | null;
  toTime: number | null;
}

/** Journaled once per run, just before `run-end`. */
export interface MeasuresEvent {
  type: 'measures';
  time: number;
  measures: MeasureResult[];
}

/** A measure fails the drill when it missed its objective or could not be measured against one. */
export function measureFailed(m: MeasureResult): boolean {
  return m.verdict === 'missed' || (m.verdict === 'not measured' && m.maxMs !== null);
}
