import { join } from 'node:path';
import { readLines } from './lines.js';
import { HistorySkip, type RunRecord, readMeasures } from './run-record.js';

/** The journal's run-start, measures and run-end lines are small; output lines are not read. */
const MAX_LINE = 4 * 1024 * 1024;
/** `{"type":"output","time":1733...,` as the journal writes every event: type, then time. */
const HEAD = /^\{"type":"([a-z-]+)","time":(\d+(?:\.\d+)?)[,}]/;
const WANTED = new Set(['run-start', 'measures', 'run-end']);

/**
 * One run from its journal, read line by line: only run-start, measures and run-end are
 * parsed, so a run with megabytes of output costs a scan, not its size in memory. A journal
 * cut mid-line by a kill is read up to the cut; other damage skips the run.
 */
export async function readJournalRecord(runDir: string): Promise<RunRecord> {
  const path = join(runDir, 'journal.jsonl');
  let record: RunRecord | undefined;
  let lastTime: number | undefined;
  let ended = false;
  for await (const line of readLines(path, MAX_LINE)) {
    const head = HEAD.exec(line.head);
    if (head && !WANTED.has(head[1]!)) {
      lastTime = Number(head[2]);
      continue;
    }
    if (line.text === null) {
      if (line.last && record) break;
      throw new HistorySkip(`${path}:${line.number}: a line longer than ${MAX_LINE} bytes`);
    }
    if (line.text.trim() === '') continue;
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line.text) as Record<string, unknown>;
    } catch {
      if (line.last && record) break;
      throw new HistorySkip(`${path}:${line.number}: damaged line (not JSON)`);
    }
    if (typeof event !== 'object' || event === null || typeof event['time'] !== 'number')
      throw new HistorySkip(`${path}:${line.number}: not a drillbook event`);
    lastTime = event['time'];
    if (!record) {
      record = startOf(event, path, runDir);
      continue;
    }
    if (event['type'] === 'measures')
      record.measures = readMeasures(event['measures'], `${path}:${line.number}`);
    if (event['type'] === 'run-end') {
      ended = true;
      record.status = typeof event['status'] === 'string' ? event['status'] : 'unknown';
    }
  }
  if (!record) throw new HistorySkip(`${path}: empty journal`);
  record.complete = ended;
  record.durationMs = Math.max(0, (lastTime ?? record.startedAt) - record.startedAt);
  return record;
}

function startOf(event: Record<string, unknown>, path: string, runDir: string): RunRecord {
  const runbook = event['runbook'] as Record<string, unknown> | undefined;
  if (
    event['type'] !== 'run-start' ||
    typeof event['runId'] !== 'string' ||
    typeof runbook?.['name'] !== 'string' ||
    typeof runbook['digest'] !== 'string'
  )
    throw new HistorySkip(`${path}:1: not a drillbook journal (no run-start first)`);
  return {
    source: runDir,
    runId: event['runId'],
    runbook: { name: runbook['name'], digest: runbook['digest'] },
    startedAt: event['time'] as number,
    status: 'interrupted',
    durationMs: 0,
    complete: false,
    dryRun: event['dryRun'] === true,
    measures: [],
  };
}
