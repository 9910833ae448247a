import type { MeasureResult } from '../engine/measure-result.js';
import { measureValueText } from '../engine/measure-text.js';
import { writeDuration } from '../runbook/duration.js';

/**
 * `4m12s ± 5s`, `850ms`, `not measured`; ` > 5m` appended when it missed its objective: the
 * console's and JUnit's wording (engine/measure-text.ts), so history rows read the same.
 */
export function measureText(m: MeasureResult): string {
  const missed = m.verdict === 'missed' && m.maxMs !== null ? ` > ${writeDuration(m.maxMs)}` : '';
  return `${measureValueText(m)}${missed}`;
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
