import { formatLoadError, type RunbookError } from '../runbook/errors.js';
import { escapeUnsafe } from '../runbook/escape.js';

/** Streams and environment a command works with; tests pass their own. */
export interface CommandIo {
  stdout: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  stdin: { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
}

export const processIo = (): CommandIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});

/** The most problems printed for one runbook; a wall of thousands helps nobody. */
export const MAX_PROBLEMS_SHOWN = 50;

/**
 * Prints loader problems, one per line, `file:line:col: path: message (hint)`, the first
 * MAX_PROBLEMS_SHOWN in file order, then how many more there are.
 */
export function printRunbookError(io: CommandIo, error: RunbookError): void {
  const inOrder = [...error.errors].sort((a, b) => a.line - b.line || a.column - b.column);
  const shown = inOrder.slice(0, MAX_PROBLEMS_SHOWN);
  io.stderr.write(shown.map((e) => `${formatLoadError(e)}\n`).join(''));
  const n = error.errors.length;
  const more = n - shown.length;
  if (more > 0) io.stderr.write(`drillbook: and ${more} more problem${more === 1 ? '' : 's'} not shown\n`);
  io.stderr.write(`drillbook: ${n} problem${n === 1 ? '' : 's'} found\n`);
}

/** Parses repeated `--var k=v` values. */
export function parseVarFlags(values: string[] | undefined): Record<string, string> | string {
  // Null prototype: `--var __proto__=x` sets a var named __proto__, like any other name.
  const vars: Record<string, string> = Object.create(null);
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) return `--var expects name=value, got "${escapeUnsafe(v)}"`;
    vars[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return vars;
}
