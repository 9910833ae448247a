import type {
  EngineEvent,
  EventListener,
  GateDecisionEvent,
  OutputEvent,
  StepEndEvent,
  StepStartEvent,
} from '../engine/events.js';
import { formatDuration, writeDuration } from '../runbook/duration.js';
import { palette } from './color.js';
import { paint, renderSummary } from './console-summary.js';
import { displayName, statusWord } from './describe.js';
import { LineBuffer } from './line-buffer.js';
import { COMPACT_PARTS, partCounts, skippedLine } from './part-counts.js';
import { RunReportBuilder } from './run-report.js';
import { describeCount, numberSteps, type StepNumbers, stepKey } from './step-numbers.js';
import { terminalSafeEvent } from './terminal-safe.js';
import { consoleWriter, prefixLines } from './text-writer.js';
import { type TimestampStyle, timestamped } from './timestamped.js';

export { shouldUseColor } from './color.js';

export interface ConsoleReporterOptions {
  /** process.stdout, or anything with write(). */
  out: { write(text: string): unknown };
  /** Decide with `shouldUseColor(process.stdout, process.env)`. */
  color: boolean;
  /** Also print what each step does, gate questions and where output was cut. */
  verbose?: boolean;
  /** How output lines are marked: `  │ ` under the step line (default) or `[step-id] `. */
  prefix?: 'bar' | 'step-id';
  /** `--timestamps`: every line begins with the wall-clock time or the time since the start. */
  timestamps?: TimestampStyle;
  /**
   * Events of the run before this process took it up (`drillbook finally`): not printed again,
   * but counted in the step numbers and the summary table, so the summary tells the whole run.
   */
  history?: readonly EngineEvent[];
}

const WIDTH = 7;

/**
 * The headless console: one line per step start and end (`[3/12] passed  Deploy (12.3s)`),
 * step output streamed line by line under a prefix (with the host for ssh fan-out), gate
 * decisions, retries and stop conditions as they happen, and a summary table at run-end.
 * One write per event; output passes through with no work per character beyond finding
 * newlines (and stripping ANSI when colour is off and the chunk has an escape).
 */
export function createConsoleReporter(options: ConsoleReporterOptions): EventListener {
  const colors = palette(options.color);
  const verbose = options.verbose ?? false;
  const lines = new LineBuffer(!options.color);
  const summary = new RunReportBuilder({ keepOutput: false });
  /** `[i/n]` and name per step id: from the plan at first, from step-start once it runs. */
  const tags = new Map<string, { tag: string; name: string }>();
  const prefixes = new Map<string, string>();
  /** Steps started with `background: true`: their output interleaves with later steps', so it names them. */
  const background = new Set<string>();
  /** The one step count (main steps; finally, steady state, undo apart), from the plan. */
  let numbers: StepNumbers | undefined;
  const out = consoleWriter(
    options.timestamps === undefined ? options.out : timestamped(options.out, options.timestamps),
  );
  const write = (text: string) => {
    if (text !== '') out.text(text);
  };
  /**
   * Ends the partial lines of every key starting with `keyPrefix`, each under its prefix.
   * The LineBuffer holds unprefixed text (the writer prefixes); its flush() matches keys by
   * prefix, so longer keys are flushed first to take each key on its own.
   */
  const flushLines = (keyPrefix = ''): string => {
    const keys = [...prefixes.keys()].filter((k) => k.startsWith(keyPrefix));
    const flushed = new Map(
      [...keys].sort((a, b) => b.length - a.length).map((k) => [k, lines.flush(k)] as const),
    );
    return keys.map((k) => prefixLines(prefixes.get(k) ?? '', flushed.get(k) ?? '')).join('');
  };

  /** stderr lines are marked (`  ! ` instead of `  │ `, `[id] ! `), so a log shows which stream said what. */
  const prefixFor = (key: string, event: OutputEvent): string => {
    let prefix = prefixes.get(key);
    if (prefix === undefined) {
      const host = event.label ? `[${event.label}] ` : '';
      const owner = background.has(event.stepId) ? `[${event.stepId}] ` : '';
      const stderr = event.stream === 'stderr';
      prefix =
        options.prefix === 'step-id'
          ? `${colors.dim(`[${event.stepId}${event.label ? ` ${event.label}` : ''}] `)}${stderr ? colors.red('! ') : ''}`
          : `${stderr ? colors.red('  ! ') : colors.dim('  │ ')}${owner}${host}`;
      prefixes.set(key, prefix);
    }
    return prefix;
  };

  const head = (stepId: string, word: string, paintWord: (t: string) => string) => {
    const known = tags.get(stepId);
    return `${colors.dim(known?.tag ?? '[-]')} ${paintWord(word.padEnd(WIDTH))} ${known?.name ?? stepId}`;
  };

  const onStart = (event: StepStartEvent): string => {
    tags.set(event.stepId, {
      // Undo steps run only when the drill fails, so they have no place in the plan.
      tag: `[${numbers?.tags.get(stepKey(event.phase, event.stepId)) ?? event.phase}]`,
      name: displayName({ name: event.name, phase: event.phase }),
    });
    const attempt = event.attempt > 1 ? ` (attempt ${event.attempt})` : '';
    if (event.background) background.add(event.stepId);
    const behind = event.background ? ' (in the background; later steps start now)' : '';
    const does = verbose && event.summary ? colors.dim(` — ${event.summary}`) : '';
    return `${head(event.stepId, 'start', colors.cyan)}${attempt}${behind}${does}\n`;
  };

  const onEnd = (event: StepEndEvent): string => {
    const flushed = flushLines(`${event.stepId}\0`);
    // The engine reports steps it never started as a bare skipped step-end with 0 attempts.
    const notRun = event.status === 'skipped' && event.attempts === 0;
    const step = { status: event.status, notRun, tolerated: event.tolerated === true };
    const word = statusWord(step);
    const reason = notRun ? event.reason?.replace(/^not run: /, '') : event.reason;
    const timing =
      event.status === 'skipped'
        ? ''
        : ` (${formatDuration(event.durationMs)}${event.attempts > 1 ? `, ${event.attempts} attempts` : ''})`;
    const out = [flushed, `${head(event.stepId, word, (t) => paint(step, t, colors))}${timing}`];
    out.push(reason ? `: ${indentRest(reason)}\n` : '\n');
    const parts = event.parts ?? [];
    const shown = parts.length > COMPACT_PARTS ? parts.filter((p) => p.status === 'failed') : parts;
    if (shown !== parts) out.push(`        ${partCounts(parts)}\n`);
    for (const part of shown) {
      const why = part.reason ? `: ${indentRest(part.reason)}` : '';
      const partWord = paint({ ...step, status: part.status }, part.status, colors);
      const time = part.status === 'skipped' ? '' : ` (${formatDuration(part.durationMs)})`;
      out.push(`        ${part.label}: ${partWord}${time}${why}\n`);
    }
    if (shown !== parts) out.push(...skippedLine(parts));
    if (verbose && event.outputDropped)
      out.push(colors.dim(`        (${event.outputDropped} bytes of output cut)\n`));
    return out.join('');
  };

  const onDecision = (event: GateDecisionEvent): string => {
    const color = event.decision === 'approved' || event.decision === 'retry' ? colors.green : colors.yellow;
    return `${head(event.stepId, 'gate', color)}: ${event.note || `${event.decision} by ${event.by}`}\n`;
  };

  const render = (event: EngineEvent): string => {
    switch (event.type) {
      case 'run-start': {
        numbers = numberSteps(event.plan);
        for (const p of event.plan) {
          tags.set(p.id, { tag: `[${numbers.tags.get(stepKey(p.phase, p.id))}]`, name: displayName(p) });
        }
        const resumed = event.resumed
          ? `, resuming ${event.resumed.from} (${event.resumed.passed.length} passed before)`
          : '';
        const title = colors.bold(`${event.runbook.title} (${event.runbook.name})`);
        return `drillbook: ${title}: ${describeCount(numbers)}, run ${event.runId}${resumed}\n`;
      }
      case 'step-start':
        return onStart(event);
      case 'output': {
        // Per stream too: a partial stdout line never takes in stderr text.
        const stream = event.stream === 'stderr' ? 'stderr' : 'stdout';
        const key = `${event.stepId}\0${stream}\0${event.label ?? ''}`;
        // Lines come back unprefixed; the writer adds the prefix (fast for byte streams).
        out.lines(prefixFor(key, event), lines.push(key, '', event.text));
        return '';
      }
      case 'gate-request':
        return verbose ? `${head(event.stepId, 'gate', colors.yellow)}: ${event.message}\n` : '';
      case 'gate-decision':
        return onDecision(event);
      case 'step-retry':
        return `${head(event.stepId, 'retry', colors.yellow)}: attempt ${event.attempt} in ${formatDuration(event.delayMs)}: ${indentRest(event.reason)}\n`;
      case 'step-end':
        return onEnd(event);
      case 'step-undone':
        return verbose ? `${head(event.stepId, 'undone', colors.yellow)}\n` : '';
      case 'stop-tripped':
        return `${colors.red('[stop]')} stop condition ${event.probeId} tripped: ${indentRest(event.reason)}\n`;
      case 'step-observed':
        return verbose
          ? `${head(event.stepId, 'seen', colors.green)}: condition first held (± ${writeDuration(event.intervalMs)})\n`
          : '';
      case 'measures':
        // Shown in the summary, with the verdict they are part of.
        return '';
      case 'run-end':
        return `${flushLines()}\n${renderSummary(summary.build(), colors, numbers?.tags)}`;
    }
  };

  for (const event of options.history ?? []) {
    const safe = terminalSafeEvent(event);
    summary.add(safe);
    // Only for the step numbers and names they set; their lines were printed back then.
    if (safe.type === 'run-start' || safe.type === 'step-start') render(safe);
  }

  return (event) => {
    // Names, reasons and messages may quote a value: never let one drive the terminal.
    const safe = terminalSafeEvent(event);
    summary.add(safe);
    write(render(safe));
  };
}

/** Multi-line reasons: later lines indented under the status line. */
function indentRest(text: string): string {
  return text.replace(/\r?\n/g, '\n        ');
}
