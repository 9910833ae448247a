import { formatDuration } from '../runbook/duration.js';
import type { Palette } from './color.js';
import { displayName, statusWord } from './describe.js';
import { renderMeasures } from './measures-summary.js';
import type { RunReport, StepReport } from './report-model.js';
import { describeVerdictStep, verdictOf } from './verdict.js';

const MAX_NAME = 48;

/**
 * The table printed at the end of a headless run, then the verdict line. `tags` are the
 * console's step numbers by `${phase}:${id}` (see step-numbers.ts).
 */
export function renderSummary(
  report: RunReport,
  colors: Palette,
  tags?: ReadonlyMap<string, string>,
): string {
  const header = ['#', 'step', 'status', 'duration', 'attempts'];
  const rows = report.steps.map((step) => [
    // The console's step numbers (main steps counted apart from finally, undo, steady state).
    tags?.get(step.key) ??
      (step.phase === 'undo'
        ? 'undo'
        : step.index !== undefined && step.total !== undefined
          ? `${step.index}/${step.total}`
          : '-'),
    truncate(displayName(step), MAX_NAME),
    statusWord(step),
    step.notRun ? '-' : formatDuration(step.durationMs),
    step.notRun ? '-' : String(step.attempts),
  ]);
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => r[col]!.length)));
  const line = (cells: string[]) =>
    `  ${cells
      .map((c, col) => (col === cells.length - 1 ? c : c.padEnd(widths[col]!)))
      .join('  ')
      .trimEnd()}`;
  const out = [colors.bold(`Summary: ${report.runbook.title} (${report.runbook.name}), run ${report.runId}`)];
  out.push(colors.dim(line(header)));
  report.steps.forEach((step, i) => {
    const cells = rows[i]!;
    // Pad before colouring: escape codes have no width.
    const padded = cells.map((c, col) => (col === cells.length - 1 ? c : c.padEnd(widths[col]!)));
    padded[2] = paint(step, padded[2]!, colors);
    out.push(`  ${padded.join('  ')}`.trimEnd());
  });
  const measures = renderMeasures(report, colors);
  if (measures !== '') out.push(measures);
  out.push(verdict(report, colors));
  return `${out.join('\n')}\n`;
}

/**
 * The verdict line, then every tolerated failure and skipped gate by name: a green exit code
 * must not hide a failed restore or a step nobody ran.
 */
function verdict(report: RunReport, colors: Palette): string {
  const exit = report.exitCode === null ? 'no exit code' : `exit ${report.exitCode}`;
  const reason = report.reason ? `: ${report.reason}` : '';
  const { headline, tolerated, skippedGates } = verdictOf(report);
  const text = `Drill ${headline} (${exit}) in ${formatDuration(report.durationMs)}${reason}`;
  const lines = [
    report.status !== 'passed'
      ? colors.red(text)
      : headline === 'passed'
        ? colors.green(text)
        : colors.yellow(text),
  ];
  for (const step of tolerated)
    lines.push(colors.yellow(`  tolerated failure: ${describeVerdictStep(step)}`));
  for (const step of skippedGates)
    lines.push(colors.yellow(`  skipped at its gate, never ran: ${describeVerdictStep(step)}`));
  return lines.join('\n');
}

export function paint(
  step: Pick<StepReport, 'status' | 'notRun' | 'tolerated'>,
  text: string,
  colors: Palette,
) {
  if (step.notRun) return colors.dim(text);
  switch (step.status) {
    case 'passed':
      return colors.green(text);
    case 'failed':
      return step.tolerated ? colors.yellow(text) : colors.red(text);
    case 'skipped':
      return colors.yellow(text);
    case 'interrupted':
      return colors.magenta(text);
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
