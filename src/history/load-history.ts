import { findRunSources, type RunSource } from './find-runs.js';
import { readJournalRecord } from './read-journal.js';
import { readJsonReportRecord } from './read-json-report.js';
import { HistorySkip, type RunRecord } from './run-record.js';

export interface HistoryOptions {
  /** Only runs of this runbook (its `name`). */
  runbook?: string;
  /** At most this many runs, the newest. */
  limit: number;
  /** Leave this run out (the one an HTML report is being written for). */
  exceptRunId?: string;
}

/**
 * The runs at or below `paths`, oldest first, at most `limit` of them (the newest). Sources
 * are read one at a time, newest first, and reading stops at the limit, so a directory of
 * thousands of runs costs one small record per run kept. Each file that cannot be used is
 * passed to `skip` as one line; none of them stops the others.
 */
export async function loadHistory(
  paths: string[],
  options: HistoryOptions,
  skip: (line: string) => void,
): Promise<RunRecord[]> {
  const sources = await findRunSources(paths, skip);
  const kept = new Map<string, RunRecord>();
  for (const source of sources) {
    if (kept.size >= options.limit) break;
    const record = await readSource(source, skip);
    if (!record || record.dryRun || kept.has(record.runId) || record.runId === options.exceptRunId) continue;
    if (options.runbook !== undefined && record.runbook.name !== options.runbook) continue;
    kept.set(record.runId, record);
  }
  return [...kept.values()].sort((a, b) => a.startedAt - b.startedAt || a.runId.localeCompare(b.runId));
}

async function readSource(source: RunSource, skip: (line: string) => void): Promise<RunRecord | undefined> {
  try {
    return source.kind === 'journal'
      ? await readJournalRecord(source.path)
      : await readJsonReportRecord(source.path);
  } catch (error) {
    if (error instanceof HistorySkip) skip(error.message);
    else skip(`${source.path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    return undefined;
  }
}
