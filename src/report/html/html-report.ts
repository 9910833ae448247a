import { type MeasureResult, measureFailed } from '../../engine/measure-result.js';
import { objectiveText } from '../../engine/measure-text.js';
import type { RunRecord } from '../../history/run-record.js';
import { formatDuration } from '../../runbook/duration.js';
import { describeGate, displayName, statusWord } from '../describe.js';
import type { RunReport, StepReport } from '../report-model.js';
import { verdictOf } from '../verdict.js';
import { attr, COLORS, clip, lastChars, outputText, statusColor, text } from './html-text.js';
import { measureColor, measureLabel } from './measure-view.js';
import { renderTimeline } from './timeline.js';
import { renderTrend, trendPoints } from './trend.js';

export interface HtmlReportInput {
  report: RunReport;
  /** The run's measures (the journal's `measures` event); empty when it has none. */
  measures: MeasureResult[];
  /** Earlier runs of the same runbook, oldest first, for the trends; empty when none. */
  history: RunRecord[];
}

/** Output shown per failure: its last characters, so the report stays small. */
const OUTPUT_TAIL_CHARS = 3000;
/** At most this many failures get a section. */
const MAX_FAILURES_SHOWN = 20;
/** Bytes of (escaped) output all failures together may add: the page stays well under 300 KB. */
const OUTPUT_BUDGET = 120 * 1024;

/**
 * One self-contained HTML page for a run: no script, no external URL of any kind; pictures
 * are inline SVG drawn with attributes, so Jenkins' default Content-Security-Policy (which
 * blocks inline styles and scripts) still shows them. The <style> only refines typography.
 * Well-formed XML too (every element closed, only XML's own entities).
 */
export function renderHtml(input: HtmlReportInput): string {
  const { report } = input;
  const title = `${report.runbook.title || report.runbook.name}: ${verdictOf(report).headline}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8"/>',
    '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
    `<title>${text(clip(title, 200))}</title>`,
    `<style>body{font-family:sans-serif;margin:1.5em;color:${COLORS.ink}}table{border-collapse:collapse}td,th{text-align:left;vertical-align:top}pre{white-space:pre-wrap;background:#f5f5f5;padding:.5em;max-height:30em;overflow:auto}</style>`,
    '</head>',
    '<body>',
    header(report, input.measures),
    measuresSection(input.measures),
    `<h2>Timeline</h2>\n${renderTimeline(report, input.measures)}`,
    gatesSection(report.steps),
    failuresSection(report.steps),
    trendsSection(input),
    `<p><small>drillbook report of run ${text(report.runId)}, written ${text(new Date().toISOString())}</small></p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function header(report: RunReport, measures: MeasureResult[]): string {
  const verdict = verdictOf(report).headline;
  const missed = measures.filter(measureFailed).length;
  const badge = `${verdict.toUpperCase()}${missed > 0 ? ` (${missed} measure${missed === 1 ? '' : 's'} failed)` : ''}`;
  const width = Math.min(980, 40 + [...badge].length * 11);
  const rows: Array<[string, string]> = [
    [
      'Runbook',
      `${report.runbook.name} (${report.runbook.file}), digest ${report.runbook.digest.slice(0, 12)}`,
    ],
    ['Run', report.runId],
    ['Started', new Date(report.startedAt).toISOString()],
    ['Duration', formatDuration(report.durationMs)],
    ['Exit code', report.exitCode === null ? 'none: the run never finished' : String(report.exitCode)],
    ...(report.reason ? ([['Reason', report.reason]] as Array<[string, string]>) : []),
    ...(report.resumed ? ([['Resumed from', report.resumed.from]] as Array<[string, string]>) : []),
    ...report.stopTripped.map((s): [string, string] => [
      'Stop condition',
      `${s.probeId} tripped at ${new Date(s.time).toISOString()}: ${s.reason}`,
    ]),
  ];
  return [
    `<h1>${text(report.runbook.title || report.runbook.name)}</h1>`,
    `<svg data-verdict="${attr(report.status)}" width="${width}" height="40" viewBox="0 0 ${width} 40" role="img" aria-label="${attr(`Verdict: ${verdict}`)}"><rect x="0" y="0" width="${width}" height="40" rx="6" fill="${statusColor(report.status)}"/><text x="20" y="27" fill="#ffffff" font-family="sans-serif" font-size="20" font-weight="bold">${text(clip(badge, 86))}</text></svg>`,
    table(
      ['', ''],
      rows.map(([k, v]) => [`<b>${text(k)}</b>`, text(v)]),
      false,
    ),
  ].join('\n');
}

function measuresSection(measures: MeasureResult[]): string {
  if (measures.length === 0) return '<h2>Measures</h2>\n<p>This run has no measures.</p>';
  const rows = measures.map((m) => [
    text(m.name),
    `${text(m.from)} → ${text(m.to)}`,
    `<b>${text(measureLabel(m))}</b>`,
    text(objectiveText(m)),
    `<font color="${measureColor(m)}">${text(m.verdict)}</font>`,
  ]);
  return `<h2>Measures</h2>\n${table(['Measure', 'From → to', 'Value', 'Objective', 'Verdict'], rows)}`;
}

function gatesSection(steps: StepReport[]): string {
  const rows = steps.flatMap((s) =>
    s.gates.map((g) => [
      text(displayName(s)),
      text(new Date(g.time).toISOString()),
      text(g.decision ?? 'no decision'),
      text(g.by ?? '-'),
      g.decidedAt === undefined
        ? '-'
        : text(`${new Date(g.decidedAt).toISOString()} (waited ${formatDuration(g.decidedAt - g.time)})`),
      text(clip(describeGate(g), 300)),
    ]),
  );
  if (rows.length === 0) return '<h2>Gates</h2>\n<p>No gates were asked.</p>';
  return `<h2>Gates</h2>\n${table(['Step', 'Asked', 'Decision', 'By', 'Decided', 'What'], rows)}`;
}

function failuresSection(steps: StepReport[]): string {
  const failed = steps.filter((s) => s.status === 'failed' || s.status === 'interrupted');
  if (failed.length === 0) return '<h2>Failures</h2>\n<p>No step failed.</p>';
  let budget = OUTPUT_BUDGET;
  const shown = failed.slice(0, MAX_FAILURES_SHOWN).map((s) => {
    const outputs = s.output.map((o) => {
      const label = o.label ? `Output of ${text(o.label)}` : 'Output';
      const tail = outputText(lastChars(o.droppedBytes > 0 ? o.tail : o.head, OUTPUT_TAIL_CHARS));
      if (tail.length > budget)
        return `<p>${label}: left out to keep this report small (see the JSON report or the journal).</p>`;
      budget -= tail.length;
      return `<p>${label} (last lines):</p>\n<pre>${tail}</pre>`;
    });
    return [
      `<h3 data-failure="${attr(s.key)}"><font color="${statusColor(s.status)}">${text(statusWord(s))}</font>: ${text(displayName(s))}</h3>`,
      `<p>${text(clip(s.reason ?? s.status, 1000))}</p>`,
      ...outputs,
    ].join('\n');
  });
  const more = failed.length - shown.length;
  const rest = more > 0 ? [`<p>and ${more} more failed steps (see the JUnit or JSON report).</p>`] : [];
  return ['<h2>Failures</h2>', ...shown, ...rest].join('\n');
}

function trendsSection(input: HtmlReportInput): string {
  const charts = input.measures.flatMap((m) => {
    const points = trendPoints(m.name, input.history, m, input.report.runId, input.report.startedAt);
    if (points.length < 2) return [];
    return [`<h3>${text(m.name)}</h3>\n${renderTrend(m, points)}`];
  });
  if (charts.length === 0)
    return input.measures.length === 0
      ? ''
      : '<h2>Trend</h2>\n<p>No earlier runs of this runbook with these measures in its runs directory.</p>';
  return [
    '<h2>Trend</h2>',
    `<p>Over the last ${input.history.length + 1} runs of this runbook in its runs directory.</p>`,
    ...charts,
  ].join('\n');
}

/** A plain table; `border` and `cellpadding` are attributes, so they survive a CSP without styles. */
function table(headings: string[], rows: string[][], withHead = true): string {
  const head = withHead ? `<tr>${headings.map((h) => `<th>${text(h)}</th>`).join('')}</tr>\n` : '';
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table border="1" cellpadding="4" cellspacing="0">\n${head}${body}\n</table>`;
}
