import { formatDuration } from '../runbook/duration.js';
import type { Palette } from './color.js';
import { displayName, statusWord } from './describe.js';
import type { RunReport, StepReport } from './report-model.js';

const MAX_NAME = 48;

/** The table printed at the end of a headless run, then the verdict line. */
export function renderSummary(report: RunReport, colors: Palette): string {
  const header = ['#', 'step', 'status', 'duration', 'attempts'];
  const rows = report.steps.map((step) => [
    step.index !== undefined && step.total !== undefined ? `${step.index}/${step.total}` : '-',
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
  out.push(verdict(report, colors));
  return `${out.join('\n')}\n`;
}

function verdict(report: RunReport, colors: Palette): string {
  const exit = report.exitCode === null ? 'no exit code' : `exit ${report.exitCode}`;
  const reason = report.reason ? `: ${report.reason}` : '';
  const text = `Drill ${report.status} (${exit}) in ${formatDuration(report.durationMs)}${reason}`;
  return report.status === 'passed' ? colors.green(text) : colors.red(text);
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
