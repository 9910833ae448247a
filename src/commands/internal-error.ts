import { killAllGroups } from '../plugin/process.js';

/** The run directory of the drill in progress, so an internal error can point at its record. */
let currentRunDir: string | undefined;

export function noteRunDir(dir: string | undefined): void {
  currentRunDir = dir;
}

/**
 * The launcher's last resort, for a bug that escaped every handler: prints one line and
 * kills the process groups still running (a dying drillbook must not leave a step's commands
 * behind). The caller exits 70.
 */
export function failInternally(error: unknown): void {
  process.stderr.write(internalErrorText(error));
  killAllGroups();
}

/**
 * One line with the run directory whose journal holds what happened, never a raw stack
 * trace (it buries the line that matters in a CI log). DRILLBOOK_DEBUG=1 adds the trace.
 */
export function internalErrorText(
  error: unknown,
  env: Record<string, string | undefined> = process.env,
): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] || 'unknown error';
  const where = currentRunDir ? `; the run's journal is in ${currentRunDir}` : '';
  const debug =
    env['DRILLBOOK_DEBUG'] === '1' && error instanceof Error && error.stack
      ? `\n${error.stack}`
      : ' (DRILLBOOK_DEBUG=1 shows the stack trace)';
  return `drillbook: internal error: ${message}${where}${debug}\n`;
}
