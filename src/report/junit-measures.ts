import { measureFailed } from '../engine/measure-result.js';
import { describeMeasure, measureFailureText } from '../engine/measure-text.js';
import type { JunitSection } from './junit-parts.js';
import type { RunReport } from './report-model.js';

/** A testcase as junit.ts renders it (kept structural so this file stays independent). */
interface MeasureCase {
  section: JunitSection;
  name: string;
  timeMs: number;
  outcome?: { kind: 'failure'; type: string; message: string; body: string };
  out: string;
}

/**
 * One testcase per measure with an objective (`max:`), classname `<runbook>.measures`: it
 * fails when the objective was missed or could not be measured, so Jenkins shows
 * "RTO failover 6m01s > 5m" on the build page. Its time is the measured time.
 */
export function measureCases(report: RunReport): MeasureCase[] {
  return report.measures
    .filter((m) => m.maxMs !== null)
    .map((m) => {
      const text = `${describeMeasure(m)}\n`;
      const base = { section: 'measures' as const, name: m.name, timeMs: m.valueMs ?? 0, out: text };
      if (!measureFailed(m)) return base;
      const message = measureFailureText(m);
      const type = m.verdict === 'missed' ? 'rto-missed' : 'not-measured';
      return { ...base, outcome: { kind: 'failure' as const, type, message, body: `${message}\n${text}` } };
    });
}

/** A property per measure, `drillbook.measure.<name>` (in words) and `.valueMs` (a number or empty). */
export function measureProperties(report: RunReport): Array<[string, string]> {
  return report.measures.flatMap(
    (m): Array<[string, string]> => [
      [`drillbook.measure.${m.name}`, describeMeasure(m)],
      [`drillbook.measure.${m.name}.valueMs`, m.valueMs === null ? '' : String(m.valueMs)],
    ],
  );
}
