import { resolve } from 'node:path';
import { renderCsv, renderHistoryJson, renderTable } from '../history/history-format.js';
import { loadHistory } from '../history/load-history.js';
import { findRegressions, parseThreshold } from '../history/regression.js';
import { EXIT } from './exit-codes.js';
import type { CommandIo } from './io.js';
import { droppingFailures } from './safe-output.js';

export interface HistoryArgs {
  dirs: string[];
  json?: boolean;
  csv?: boolean;
  /** `--regression [PCT]`: '' when given without a value. */
  regression?: string;
  window: number;
  runbook?: string;
  last: number;
}

/** Where `history` looks when given no directory: where `run` keeps its runs. */
export const DEFAULT_RUNS_DIR = '.drillbook/runs';

/**
 * One row per past run with its measures, read from run directories and JSON reports. Exit
 * 1 when `--regression` finds the newest run of a runbook worse than the median of the runs
 * before it (earlier regressions are shown, not failed on: CI would fail forever after one).
 */
export async function historyCommand(args: HistoryArgs, io: CommandIo): Promise<number> {
  const usage = usageProblem(args);
  if (usage) {
    io.stderr.write(`drillbook history: ${usage}\n`);
    return EXIT.usage;
  }
  const stderr = droppingFailures(io.stderr);
  const dirs = args.dirs.length > 0 ? args.dirs : [DEFAULT_RUNS_DIR];
  const records = await loadHistory(
    dirs.map((d) => resolve(io.cwd, d)),
    { limit: args.last, ...(args.runbook === undefined ? {} : { runbook: args.runbook }) },
    (line) => stderr.write(`drillbook history: skipped ${line}\n`),
  );
  const threshold = args.regression === undefined ? undefined : (parseThreshold(args.regression) as number);
  const regressions =
    threshold === undefined ? [] : findRegressions(records, { threshold, window: args.window });
  if (args.json) io.stdout.write(renderHistoryJson(records, regressions));
  else if (args.csv) io.stdout.write(renderCsv(records));
  else if (records.length === 0)
    stderr.write(
      `drillbook history: no runs found in ${dirs.join(', ')}${args.runbook ? ` of runbook ${args.runbook}` : ''}\n`,
    );
  else io.stdout.write(renderTable(records, regressions, io.stdout.isTTY === true));
  return regressions.some((r) => r.newest) ? EXIT.failed : EXIT.passed;
}

function usageProblem(args: HistoryArgs): string | undefined {
  if (args.json && args.csv) return '--json and --csv: choose one';
  if (args.regression !== undefined && typeof parseThreshold(args.regression) === 'string')
    return parseThreshold(args.regression) as string;
  if (!Number.isInteger(args.window) || args.window < 1)
    return `--window ${args.window}: expected a whole number of runs, 1 or more`;
  if (!Number.isInteger(args.last) || args.last < 1)
    return `--last ${args.last}: expected a whole number of runs, 1 or more`;
  return undefined;
}
