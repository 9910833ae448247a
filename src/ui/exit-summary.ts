import { formatDuration, icons, stepDuration } from './format.js';
import { countSteps, describeApart, type RunState, type StepView } from './state/run-state.js';
import { verdictNotes } from './state/verdict-notes.js';

/**
 * What stays in the terminal's scrollback after the TUI is gone: the verdict, one row per
 * step and the full report paths. Plain text written once after Ink unmounts, so nothing
 * is cut to the window's width (a long path wraps instead) and NO_COLOR has nothing to strip.
 */
export function exitSummary(run: RunState): string {
  const end = run.end;
  if (!end) return '';
  const c = countSteps(run);
  const notes = verdictNotes(run);
  const took = run.startedAt === undefined ? '' : ` in ${formatDuration(end.time - run.startedAt)}`;
  const width = Math.min(60, Math.max(...run.steps.map((s) => label(s).length), 0));
  const lines = [
    `drillbook · ${run.title}`,
    `Drill ${notes?.headline ?? end.status}${took} · ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped · exit ${end.exitCode}`,
    ...(describeApart(run) ? [describeApart(run)] : []),
    ...(end.reason ? [end.reason] : []),
    ...run.steps.map((s) => row(s, width, end.time)),
    ...(run.reportPaths && run.reportPaths.length > 0
      ? ['Reports:', ...run.reportPaths.map((p) => `  ${p}`)]
      : []),
    ...(run.reportError ? [`Reports not written: ${run.reportError}`] : []),
  ];
  return `${lines.join('\n')}\n`;
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
