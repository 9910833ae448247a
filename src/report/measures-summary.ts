import { measureFailed } from '../engine/measure-result.js';
import { measureValueText, missingEvents, objectiveText, verdictText } from '../engine/measure-text.js';
import type { Palette } from './color.js';
import type { RunReport } from './report-model.js';

/**
 * The measures table of the console summary, or '' when the runbook has none:
 *   Measures:
 *     failover  4m12s ± 5s  max 5m  met
 */
export function renderMeasures(report: RunReport, colors: Palette): string {
  if (report.measures.length === 0) return '';
  const rows = report.measures.map((m) => [m.name, measureValueText(m), objectiveText(m), verdictText(m)]);
  const widths = [0, 1, 2].map((col) => Math.max(...rows.map((r) => r[col]!.length)));
  const lines = [colors.bold('Measures:')];
  report.measures.forEach((m, i) => {
    const cells = rows[i]!;
    const padded = cells.map((c, col) => (col < 3 ? c.padEnd(widths[col]!) : c));
    const paint = measureFailed(m) ? colors.red : m.verdict === 'met' ? colors.green : (t: string) => t;
    padded[3] = paint(padded[3]!);
    const why = m.valueMs === null ? colors.dim(` (${missingEvents(m)})`) : '';
    lines.push(`  ${padded.join('  ')}${why}`);
  });
  return lines.join('\n');
}
