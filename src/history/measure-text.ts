import type { MeasureResult } from '../engine/measure-result.js';
import { formatDuration } from '../runbook/duration.js';

/**
 * `4m12s ± 5s`, `850ms`, `not measured`; ` > 5m` appended when it missed its objective. The
 * value in the console's duration style, resolution and objective as a person writes them,
 * as the console and JUnit write measures (engine/measure-text.ts on the measures branch).
 */
export function measureText(m: MeasureResult): string {
  if (m.valueMs === null) return 'not measured';
  const value = formatDuration(m.valueMs);
  const plusMinus = m.resolutionMs > 0 ? ` ± ${compactDuration(m.resolutionMs)}` : '';
  const missed = m.verdict === 'missed' && m.maxMs !== null ? ` > ${compactDuration(m.maxMs)}` : '';
  return `${value}${plusMinus}${missed}`;
}

/** An objective or a resolution as a person writes it: `5m`, `1m30s`, `2s`, `500ms`. */
export function compactDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let left = Math.round(ms);
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(left / size);
    if (n > 0) out += `${n}${unit}`;
    left -= n * size;
  }
  return out;
}

const UNITS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** Why a measure has no value: which event never happened, or that they came in the wrong order. */
export function missingEvents(m: MeasureResult): string {
  if (m.fromTime !== null && m.toTime !== null) return `${m.to} happened before ${m.from}`;
  const missing = [m.fromTime === null ? m.from : undefined, m.toTime === null ? m.to : undefined];
  return `${missing.filter((x) => x !== undefined).join(' and ')} never happened`;
}

/** The measure names over many runs, in the order they first appear. */
export function measureNames(runs: ReadonlyArray<{ measures: MeasureResult[] }>): string[] {
  const names = new Set<string>();
  for (const run of runs) for (const m of run.measures) names.add(m.name);
  return [...names];
}

const BARS = '▁▂▃▄▅▆▇█';

/** One character per value, low to high; a gap (space) where a run has no value. */
export function sparkline(values: Array<number | null>): string {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return '';
  const low = Math.min(...present);
  const span = Math.max(...present) - low;
  return values
    .map((v) => {
      if (v === null) return ' ';
      const level = span === 0 ? 3 : Math.round(((v - low) / span) * (BARS.length - 1));
      return BARS[level];
    })
    .join('');
}
