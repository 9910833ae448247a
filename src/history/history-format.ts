import { terminalSafe } from '../report/terminal-safe.js';
import { formatDuration } from '../runbook/duration.js';
import { measureNames, measureText, sparkline } from './measure-text.js';
import type { Regression } from './regression.js';
import type { RunRecord } from './run-record.js';

/** The runbook as a row shows it: its name and the first 8 hex digits of its digest. */
const shortDigest = (r: RunRecord) => r.runbook.digest.slice(0, 8);
const when = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, 'Z');

/**
 * The table a person reads: one row per run (oldest first), a column per measure, the
 * regressions under it and, at a terminal, a sparkline per measure of each runbook.
 */
export function renderTable(records: RunRecord[], regressions: Regression[], terminal: boolean): string {
  const names = measureNames(records);
  const flagged = new Set(regressions.map((r) => JSON.stringify([r.runId, r.measure])));
  const header = ['time', 'runbook', 'verdict', 'duration', ...names];
  const rows = records.map((r) => [
    when(r.startedAt),
    `${r.runbook.name} ${shortDigest(r)}`,
    r.status,
    r.complete ? formatDuration(r.durationMs) : `${formatDuration(r.durationMs)}+`,
    ...names.map((name) => {
      const m = r.measures.find((x) => x.name === name);
      if (!m) return '-';
      return `${measureText(m)}${flagged.has(JSON.stringify([r.runId, name])) ? ' ▲' : ''}`;
    }),
  ]);
  const safe = [header, ...rows].map((row) => row.map((cell) => terminalSafe(cell).replace(/\n/g, ' ')));
  const widths = header.map((_, i) => Math.max(...safe.map((row) => [...row[i]!].length)));
  const lines = safe.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  const out = [...lines, ''];
  if (terminal) out.push(...trendLines(records), '');
  for (const r of regressions)
    out.push(
      terminalSafe(
        `regression: ${r.runbook} ${r.measure} ${formatDuration(r.valueMs)} in run ${r.runId} is ${Math.round((r.valueMs / r.medianMs - 1) * 100)}% above the median ${formatDuration(r.medianMs)} of the ${r.over} run${r.over === 1 ? '' : 's'} before${r.newest ? '' : ' (an earlier run)'}`,
      ),
    );
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** `name  ▁▃▅█  3m10s .. 6m01s, last 6m01s` per runbook and measure. */
function trendLines(records: RunRecord[]): string[] {
  const lines: string[] = [];
  const runbooks = [...new Set(records.map((r) => r.runbook.name))];
  for (const runbook of runbooks) {
    const runs = records.filter((r) => r.runbook.name === runbook);
    for (const name of measureNames(runs)) {
      const values = runs.map((r) => r.measures.find((m) => m.name === name)?.valueMs ?? null);
      const present = values.filter((v): v is number => v !== null);
      if (present.length === 0) continue;
      const range = `${formatDuration(Math.min(...present))} .. ${formatDuration(Math.max(...present))}`;
      lines.push(
        terminalSafe(
          `${runbook} ${name}  ${sparkline(values)}  ${range}, last ${formatDuration(present.at(-1)!)}`,
        ),
      );
    }
  }
  return lines;
}

/** `--json`: the records and the regressions, for dashboards. */
export function renderHistoryJson(records: RunRecord[], regressions: Regression[]): string {
  const runs = records.map((r) => ({
    runId: r.runId,
    source: r.source,
    runbook: r.runbook,
    startedAt: new Date(r.startedAt).toISOString(),
    status: r.status,
    complete: r.complete,
    durationMs: r.durationMs,
    measures: r.measures,
  }));
  return `${JSON.stringify({ generator: 'drillbook', runs, regressions }, null, 2)}\n`;
}

/**
 * `--csv`: a header row, then one row per run, oldest first; durations in seconds. Jenkins'
 * Plot plugin reads the header as series names and plots each numeric column; one build's
 * run (history of its run directory) is one row, as the plugin expects per build. Text cells
 * starting like a spreadsheet formula get a leading `'` so opening the file runs nothing.
 */
export function renderCsv(records: RunRecord[]): string {
  const names = measureNames(records);
  const seconds = (ms: number | null | undefined) =>
    ms === null || ms === undefined ? '' : String(Math.round(ms) / 1000);
  const rows = [
    ['time', 'runbook', 'digest', 'verdict', 'duration', ...names].map(csvText),
    ...records.map((r) => [
      csvText(new Date(r.startedAt).toISOString()),
      csvText(r.runbook.name),
      csvText(r.runbook.digest),
      csvText(r.status),
      seconds(r.durationMs),
      ...names.map((name) => seconds(r.measures.find((m) => m.name === name)?.valueMs)),
    ]),
  ];
  return rows.map((row) => `${row.join(',')}\r\n`).join('');
}

function csvText(text: string): string {
  const defused = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n']/.test(defused) ? `"${defused.replace(/"/g, '""')}"` : defused;
}
