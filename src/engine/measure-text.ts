import { formatDuration, writeDuration } from '../runbook/duration.js';
import type { MeasureResult } from './measure-result.js';

/**
 * How every report writes a measure, so the console, the TUI, JUnit and the failure reason
 * say the same thing: "4m12s ± 5s", objective "5m", "RTO failover 6m01s > 5m".
 */

/** `4m12s ± 5s`, `12.3s`, or `not measured`. */
export function measureValueText(m: MeasureResult): string {
  if (m.valueMs === null) return 'not measured';
  const res = m.resolutionMs > 0 ? ` ± ${writeDuration(m.resolutionMs)}` : '';
  return `${formatDuration(m.valueMs)}${res}`;
}

/** `max 5m`, or `-` when the measure has no objective. */
export function objectiveText(m: MeasureResult): string {
  return m.maxMs === null ? '-' : `max ${writeDuration(m.maxMs)}`;
}

/**
 * Why a failed measure failed, for the run's reason and the JUnit failure message:
 * "RTO failover 6m01s > 5m", "RTO failover not measured: dns.observed never happened".
 */
export function measureFailureText(m: MeasureResult): string {
  if (m.valueMs === null) return `RTO ${m.name} not measured: ${missingEvents(m)}`;
  const max = m.maxMs ?? 0;
  let value = formatDuration(m.valueMs);
  // 5m00.4s is over 5m, but formats as 5m00s: show the milliseconds that make the difference.
  if (value === formatDuration(max) || value === writeDuration(max))
    value = `${(m.valueMs / 1000).toFixed(3)}s`;
  return `RTO ${m.name} ${value} > ${writeDuration(max)}`;
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
  const max = m.maxMs === null ? '' : ` (max ${writeDuration(m.maxMs)})`;
  const why = m.valueMs === null ? `: ${missingEvents(m)}` : '';
  return `${m.name}: ${measureValueText(m)}${max} ${verdictText(m)}${why}; from ${m.from} to ${m.to}`;
}
