import { escapeUnsafe } from './escape.js';

/** Where something is in a runbook source file. Lines and columns are 1-based. */
export interface SourcePos {
  file: string;
  line: number;
  column: number;
}

/**
 * A problem with a runbook, as data. Loaders and validators collect these; one formatter
 * (`formatLoadError`) prints them; the CLI exits 2 when any exist.
 */
export interface LoadError extends SourcePos {
  /** JSON-ish path into the model, e.g. `steps[3].timeout`; empty for whole-file problems. */
  path: string;
  message: string;
  hint?: string;
}

/** Thrown by loaders when the runbook cannot be used; carries every problem found. */
export class RunbookError extends Error {
  readonly errors: LoadError[];
  constructor(errors: LoadError[]) {
    super(errors.map(formatLoadError).join('\n'));
    this.name = 'RunbookError';
    this.errors = errors;
  }
}

/**
 * One line per problem. Names, values and suggestions in it come from the runbook, so
 * control and bidi characters are shown escaped (`\u202E`), never sent to the terminal raw.
 */
export function formatLoadError(e: LoadError): string {
  const where = `${e.file}:${e.line}:${e.column}`;
  const path = e.path ? ` ${e.path}:` : '';
  const hint = e.hint ? ` (${e.hint})` : '';
  return escapeUnsafe(`${where}:${path} ${e.message}${hint}`);
}
