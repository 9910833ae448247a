import { killAllGroups } from '../engine/process-group.js';

/** The run directory of the drill in progress, so an internal error can point at its record. */
let currentRunDir: string | undefined;

export function noteRunDir(dir: string | undefined): void {
  currentRunDir = dir;
}

/**
 * What a user sees when a bug escapes every handler: one line, the run directory whose
 * journal holds what happened, never a raw stack trace (it buries the line that matters in
 * a CI log). DRILLBOOK_DEBUG=1 adds the trace for developers. Process groups still running
 * are killed: a dying drillbook must not leave a step's commands behind.
 */
export function internalErrorText(
  error: unknown,
  env: Record<string, string | undefined> = process.env,
): string {
  killAllGroups();
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] || 'unknown error';
  const where = currentRunDir ? `; the run's journal is in ${currentRunDir}` : '';
  const debug =
    env['DRILLBOOK_DEBUG'] === '1' && error instanceof Error && error.stack
      ? `\n${error.stack}`
      : ' (DRILLBOOK_DEBUG=1 shows the stack trace)';
  return `drillbook: internal error: ${message}${where}${debug}\n`;
}
