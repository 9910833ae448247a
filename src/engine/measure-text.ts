import { formatDuration } from '../runbook/duration.js';
import type { MeasureResult } from './measure-result.js';

/**
 * How every report writes a measure, so the console, the TUI, JUnit and the failure reason
 * say the same thing: "4m12s ± 5s", objective "5m", "RTO failover 6m01s > 5m".
 */

/** A measured time: `850ms`, `12.3s`, `4m12s` (the console's duration style). */
export function formatMeasureValue(ms: number): string {
  return formatDuration(ms);
}

/** An objective or a resolution, as a person writes it: `5m`, `1m30s`, `2s`, `500ms`. */
export function formatCompact(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ];
  let left = Math.round(ms);
  let text = '';
  for (const [unit, size] of units) {
    const n = Math.floor(left / size);
    if (n > 0) text += `${n}${unit}`;
    left -= n * size;
  }
  return text;
}

export const formatResolution = formatCompact;

/** `4m12s ± 5s`, `12.3s`, or `not measured`. */
export function measureValueText(m: MeasureResult): string {
  if (m.valueMs === null) return 'not measured';
  const res = m.resolutionMs > 0 ? ` ± ${formatResolution(m.resolutionMs)}` : '';
  return `${formatMeasureValue(m.valueMs)}${res}`;
}

/** `max 5m`, or `-` when the measure has no objective. */
export function objectiveText(m: MeasureResult): string {
  return m.maxMs === null ? '-' : `max ${formatCompact(m.maxMs)}`;
}

/**
 * Why a failed measure failed, for the run's reason and the JUnit failure message:
 * "RTO failover 6m01s > 5m", "RTO failover not measured: dns.observed never happened".
 */
export function measureFailureText(m: MeasureResult): string {
  if (m.valueMs === null) return `RTO ${m.name} not measured: ${missingEvents(m)}`;
  const max = m.maxMs ?? 0;
  let value = formatMeasureValue(m.valueMs);
  // 5m00.4s is over 5m, but formats as 5m00s: show the milliseconds that make the difference.
  if (value === formatMeasureValue(max) || value === formatCompact(max))
    value = `${(m.valueMs / 1000).toFixed(3)}s`;
  return `RTO ${m.name} ${value} > ${formatCompact(max)}`;
}

/** Why a measure has no value, in words: which event never happened, or their wrong order. */
export function missingEvents(m: MeasureResult): string {
  if (m.fromTime !== null && m.toTime !== null) return `${m.to} happened before ${m.from}`;
  const missing = [m.fromTime === null ? m.from : undefined, m.toTime === null ? m.to : undefined].filter(
    (x): x is string => x !== undefined,
  );
  return `${missing.join(' and ')} never happened`;
}

/** The verdict in words: `met`, `MISSED`, `measured`, `not measured`. */
export function verdictText(m: MeasureResult): string {
  if (m.verdict === 'missed') return 'MISSED';
  if (m.verdict === 'not measured' && m.maxMs !== null) return 'NOT MEASURED';
  return m.verdict;
}

/**
 * One line per measure for logs and reports:
 * "failover: 4m12s ± 5s (max 5m) met; from blackhole.end to dns.observed".
 */
export function describeMeasure(m: MeasureResult): string {
  const max = m.maxMs === null ? '' : ` (max ${formatCompact(m.maxMs)})`;
  const why = m.valueMs === null ? `: ${missingEvents(m)}` : '';
  return `${m.name}: ${measureValueText(m)}${max} ${verdictText(m)}${why}; from ${m.from} to ${m.to}`;
}
