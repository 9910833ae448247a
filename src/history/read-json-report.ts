import { readFile, stat } from 'node:fs/promises';
import { HistorySkip, type RunRecord, readMeasures } from './run-record.js';

/** drillbook's JSON reports keep output bounded; anything much larger is not one of them. */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;

/** One run from a `--json` report (e.g. a Jenkins build's archived artifact). */
export async function readJsonReportRecord(path: string): Promise<RunRecord> {
  const size = (await stat(path)).size;
  if (size > MAX_REPORT_BYTES)
    throw new HistorySkip(`${path}: ${size} bytes, larger than any drillbook JSON report`);
  let report: Record<string, unknown>;
  try {
    report = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch {
    throw new HistorySkip(`${path}: not valid JSON`);
  }
  if (typeof report !== 'object' || report === null || report['generator'] !== 'drillbook')
    throw new HistorySkip(`${path}: not a drillbook JSON report (no "generator": "drillbook")`);
  if (report['schemaVersion'] !== 1)
    throw new HistorySkip(
      `${path}: JSON report schemaVersion ${String(report['schemaVersion'])}; this drillbook reads 1`,
    );
  const runbook = report['runbook'] as Record<string, unknown> | undefined;
  const startedAt = Date.parse(String(report['startedAt']));
  if (
    typeof report['runId'] !== 'string' ||
    typeof runbook?.['name'] !== 'string' ||
    typeof runbook['digest'] !== 'string' ||
    typeof report['status'] !== 'string' ||
    typeof report['durationMs'] !== 'number' ||
    !Number.isFinite(startedAt)
  )
    throw new HistorySkip(
      `${path}: damaged drillbook JSON report (runId, runbook, status, startedAt, durationMs)`,
    );
  return {
    source: path,
    runId: report['runId'],
    runbook: { name: runbook['name'], digest: runbook['digest'] },
    startedAt,
    status: report['status'],
    durationMs: Math.max(0, report['durationMs']),
    complete: report['complete'] !== false,
    dryRun: report['dryRun'] === true,
    measures: readMeasures(report['measures'], path),
  };
}
