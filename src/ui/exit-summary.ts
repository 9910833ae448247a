import { describeMeasure } from '../engine/measure-text.js';
import { formatDuration } from '../runbook/duration.js';
import { icons, stepDuration } from './format.js';
import { countSteps, describeApart, type RunState, type StepView } from './state/run-state.js';
import { verdictNotes } from './state/verdict-notes.js';

/**
 * What stays in the terminal's scrollback after the TUI is gone: the verdict, one row per
 * step and the full report paths. Plain text written once after Ink unmounts, so nothing
 * is cut to the window's width (a long path wraps instead) and NO_COLOR has nothing to strip.
 */
export function exitSummary(run: RunState, columns = 80): string {
  const end = run.end;
  if (!end) return '';
  const c = countSteps(run);
  const notes = verdictNotes(run);
  const took = run.startedAt === undefined ? '' : ` in ${formatDuration(end.time - run.startedAt)}`;
  // Rows fit the window (icon, name, duration); only notes and report paths may wrap.
  const room = Math.max(10, columns - 14);
  const width = Math.min(60, room, Math.max(...run.steps.map((s) => label(s).length), 0));
  const lines = [
    cut(`drillbook: ${run.title}`, columns),
    ...wrapSegments(
      [
        `Drill ${notes?.headline ?? end.status}${took}`,
        `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`,
        `exit ${end.exitCode}`,
      ],
      columns,
    ),
    ...(describeApart(run) ? [describeApart(run)] : []),
    ...(end.reason ? [end.reason] : []),
    ...run.steps.map((s) => row(s, width, end.time)),
    ...(run.measures && run.measures.length > 0
      ? ['Measures:', ...run.measures.map((m) => `  ${describeMeasure(m)}`)]
      : []),
    ...(run.reportPaths && run.reportPaths.length > 0
      ? ['Reports:', ...run.reportPaths.map((p) => `  ${p}`)]
      : []),
    ...(run.reportError ? [`Reports not written: ${run.reportError}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

function cut(text: string, columns: number): string {
  return text.length > columns ? `${text.slice(0, Math.max(1, columns - 1))}…` : text;
}

/** Joins segments with ` · `, starting a new line where the next one would not fit. */
function wrapSegments(segments: readonly string[], columns: number): string[] {
  const lines: string[] = [];
  for (const segment of segments) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 3 + segment.length <= columns) lines[last] += ` · ${segment}`;
    else lines.push(segment);
  }
  return lines;
}

function label(step: StepView): string {
  // Main steps by their number (as validate, plan and headless count); others by their phase.
  const number = step.phase === 'main' ? `${step.tag ?? ''} ` : step.phase === 'finally' ? 'finally: ' : '';
  return `${step.group === undefined ? '' : '  '}${number.trimStart()}${step.name}`;
}

function row(step: StepView, width: number, now: number): string {
  const name = label(step);
  const cut = name.length > width ? `${name.slice(0, width - 1)}…` : name.padEnd(width);
  const notes = [
    step.attempt > 1 ? `↻${step.attempt - 1}` : '',
    step.tolerated ? 'tolerated' : '',
    step.undone ? 'undone' : '',
    step.decision?.startsWith('skipped') ? 'skipped at its gate' : '',
    step.status === 'failed' || step.status === 'interrupted' ? (step.reason ?? '') : '',
  ].filter((n) => n !== '');
  const duration = stepDuration(step, now).padStart(7);
  return `  ${icons[step.status].icon} ${cut} ${duration}${notes.length > 0 ? `  ${notes.join(' · ')}` : ''}`;
}
