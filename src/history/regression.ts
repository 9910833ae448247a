import type { RunRecord } from './run-record.js';

/** A measure of a run worse than the median of the same runbook's previous runs. */
export interface Regression {
  runId: string;
  runbook: string;
  measure: string;
  valueMs: number;
  medianMs: number;
  /** How many earlier values the median was taken over (at most the window). */
  over: number;
  /** True when this is the newest run of its runbook: only these fail `--regression`. */
  newest: boolean;
}

export interface RegressionRule {
  /** 0.2 for `--regression 20%`: worse means more than median × (1 + threshold). */
  threshold: number;
  /** The previous N measured values of the same measure in the same runbook. */
  window: number;
}

/**
 * Every measured value above median × (1 + threshold) of the previous `window` measured
 * values of the same runbook and measure (`records` oldest first). Measures are times:
 * longer is worse. Runs without the value (not measured, killed) neither count nor flag.
 */
export function findRegressions(records: RunRecord[], rule: RegressionRule): Regression[] {
  const previous = new Map<string, number[]>();
  const newestOf = new Map<string, string>();
  for (const r of records) newestOf.set(r.runbook.name, r.runId);
  const found: Regression[] = [];
  for (const record of records) {
    for (const m of record.measures) {
      if (m.valueMs === null) continue;
      const key = JSON.stringify([record.runbook.name, m.name]);
      const earlier = previous.get(key) ?? [];
      const window = earlier.slice(-rule.window);
      if (window.length > 0) {
        const medianMs = median(window);
        if (m.valueMs > medianMs * (1 + rule.threshold))
          found.push({
            runId: record.runId,
            runbook: record.runbook.name,
            measure: m.name,
            valueMs: m.valueMs,
            medianMs,
            over: window.length,
            newest: newestOf.get(record.runbook.name) === record.runId,
          });
      }
      earlier.push(m.valueMs);
      previous.set(key, earlier.slice(-rule.window));
    }
  }
  return found;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `--regression` as a fraction: `20%` or `20` is 0.2; given without a value, 20%; else why not. */
export function parseThreshold(value: unknown): number | string {
  if (value === true || value === '' || value === undefined) return DEFAULT_THRESHOLD;
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(String(value).trim());
  if (!m) return `--regression ${String(value)}: expected a percentage such as 20%`;
  return Number(m[1]) / 100;
}

export const DEFAULT_THRESHOLD = 0.2;
