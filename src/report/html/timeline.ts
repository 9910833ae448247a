import type { MeasureResult } from '../../engine/measure-result.js';
import { missingEvents } from '../../engine/measure-text.js';
import { formatDuration } from '../../runbook/duration.js';
import { displayName, statusWord } from '../describe.js';
import type { RunReport, StepReport } from '../report-model.js';
import { attr, COLORS, clip, px, statusColor, text } from './html-text.js';
import { measureColor, measureLabel } from './measure-view.js';

const WIDTH = 1000;
const LABEL = 290;
const RIGHT = 20;
const CHART = WIDTH - LABEL - RIGHT;
const ROW = 22;
const TOP = 30;
/** Steps drawn at most: a runbook of thousands of steps still gives a page of bounded size. */
const MAX_ROWS = 500;

const SECTIONS: Array<{ phase: StepReport['phase']; title: string }> = [
  { phase: 'steady-state-before', title: 'Steady state (before)' },
  { phase: 'main', title: 'Steps' },
  { phase: 'undo', title: 'Rollback (undo)' },
  { phase: 'finally', title: 'Finally' },
  { phase: 'steady-state-after', title: 'Steady state (after)' },
];

interface Scale {
  x(time: number): number;
  start: number;
  span: number;
}

/**
 * Every step as a bar from its start to its end, one row each (steps that overlap, such as
 * background steps and parallel members, are on rows of their own), in sections: steady
 * state, steps, rollback, finally. Gate waits are shaded over the bar; measures are drawn
 * below with dashed lines at their two events. Plain SVG with presentation attributes only,
 * so it renders under a Content-Security-Policy that blocks inline styles and scripts.
 */
export function renderTimeline(report: RunReport, measures: MeasureResult[]): string {
  const scale = scaleOf(report, measures);
  const parts: string[] = [];
  let y = TOP;
  let rows = 0;
  for (const section of SECTIONS) {
    const steps = report.steps.filter((s) => s.phase === section.phase);
    if (steps.length === 0) continue;
    parts.push(sectionTitle(section.title, y));
    y += ROW;
    for (const step of steps) {
      if (++rows > MAX_ROWS) continue;
      parts.push(stepRow(step, y, scale));
      y += ROW;
    }
  }
  if (rows > MAX_ROWS) {
    parts.push(sectionTitle(`… and ${rows - MAX_ROWS} more steps, not drawn (see the JSON report)`, y));
    y += ROW;
  }
  if (measures.length > 0) {
    parts.push(sectionTitle('Measures', y));
    y += ROW;
    for (const m of measures) {
      parts.push(measureLane(m, y, scale));
      y += ROW;
    }
  }
  parts.push(legend(y + 6));
  y += ROW + 6;
  const height = y + 4;
  return [
    `<svg width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Timeline of the run" font-family="sans-serif" font-size="12">`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    axis(scale, height),
    ...parts,
    '</svg>',
  ].join('\n');
}

function scaleOf(report: RunReport, measures: MeasureResult[]): Scale {
  const times = [
    report.startedAt,
    report.endedAt,
    ...report.steps.flatMap((s) => [s.startedAt, s.endedAt]),
    ...measures.flatMap((m) => [m.fromTime, m.toTime]),
  ].filter((t): t is number => typeof t === 'number' && Number.isFinite(t));
  const start = Math.min(...times);
  const span = Math.max(1, Math.max(...times) - start);
  return { start, span, x: (time) => LABEL + ((time - start) / span) * CHART };
}

const TICKS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].map(
  (s) => s * 1000,
);

/** Grid lines and labels at a round interval, at most about ten of them. */
function axis(scale: Scale, height: number): string {
  const every = TICKS.find((t) => scale.span / t <= 10) ?? scale.span / 10;
  const lines: string[] = [];
  for (let t = 0; t <= scale.span; t += every) {
    const x = px(scale.x(scale.start + t));
    lines.push(
      `<line x1="${x}" y1="${TOP - 8}" x2="${x}" y2="${height - 4}" stroke="${COLORS.grid}" stroke-width="1"/>`,
      `<text x="${x}" y="${TOP - 12}" text-anchor="middle" fill="${COLORS.faint}" font-size="10">${t === 0 ? '0' : formatDuration(t)}</text>`,
    );
  }
  return lines.join('\n');
}

function sectionTitle(title: string, y: number): string {
  return `<text x="4" y="${y + 15}" font-weight="bold" fill="${COLORS.ink}">${text(title)}</text>`;
}

function stepRow(step: StepReport, y: number, scale: Scale): string {
  const key = attr(step.key);
  const indent = step.group ? '    ↳ ' : '';
  const name = clip(`${indent}${displayName(step)}`, 44);
  const label = `<text data-step="${key}" x="8" y="${y + 15}" fill="${COLORS.ink}">${text(name)}</text>`;
  if (step.startedAt === undefined || step.notRun)
    return `${label}\n<text data-step="${key}" x="${LABEL}" y="${y + 15}" fill="${COLORS.faint}" font-style="italic">${text(statusWord(step))}</text>`;
  const x1 = scale.x(step.startedAt);
  const x2 = Math.max(x1 + 4, scale.x(step.endedAt ?? step.startedAt + step.durationMs));
  const tip = `${displayName(step)}: ${statusWord(step)}, ${formatDuration(step.durationMs)}${step.reason ? ` (${clip(step.reason, 200)})` : ''}`;
  const undone = step.undone
    ? ` stroke="#6a1b9a" stroke-width="2" stroke-dasharray="4 2"`
    : step.tolerated
      ? ` stroke="${COLORS.failed}" stroke-width="1" fill-opacity="0.45"`
      : '';
  const parts = [
    label,
    `<rect data-step="${key}" x="${px(x1)}" y="${y + 4}" width="${px(x2 - x1)}" height="14" rx="2" fill="${statusColor(step.status)}"${undone}><title>${text(tip)}</title></rect>`,
    ...step.gates.map((g) => gateWait(key, g, y, scale, step)),
    barNote(key, `${formatDuration(step.durationMs)}${step.undone ? ' ↶ undone' : ''}`, x1, x2, y),
  ];
  return parts.join('\n');
}

/** Words beside a bar: after it, or before it when the bar reaches the right edge. */
function barNote(key: string, words: string, x1: number, x2: number, y: number): string {
  const after = x2 + 4 + words.length * 6 < WIDTH;
  const at = after ? `x="${px(x2 + 4)}"` : `x="${px(Math.max(LABEL, x1 - 4))}" text-anchor="end"`;
  return `<text data-step="${key}" ${at} y="${y + 15}" fill="${COLORS.faint}" font-size="10">${text(words)}</text>`;
}

/** The time a gate waited for its decision, shaded over the step's bar: not the action's time. */
function gateWait(
  key: string,
  gate: StepReport['gates'][number],
  y: number,
  scale: Scale,
  step: StepReport,
): string {
  const end = gate.decidedAt ?? step.endedAt ?? gate.time;
  const x1 = scale.x(gate.time);
  const width = Math.max(2, scale.x(end) - x1);
  const tip = `gate waited ${formatDuration(end - gate.time)}: ${gate.decision ?? 'no decision'}${gate.by ? ` by ${gate.by}` : ''}`;
  return `<rect data-step="${key}" data-gate="${attr(gate.decision ?? 'none')}" x="${px(x1)}" y="${y + 2}" width="${px(width)}" height="18" fill="${COLORS.gate}" fill-opacity="0.85" stroke="#f57f17" stroke-width="1"><title>${text(tip)}</title></rect>`;
}

/** A measure's span between its two events, labelled with its value, and dashed guides up to the steps. */
function measureLane(m: MeasureResult, y: number, scale: Scale): string {
  // The lane is the measure's colour; its words say the verdict (red when it fails the drill).
  const color = measureColor(m);
  const lane = COLORS.measure;
  const name = attr(m.name);
  const label = `<text data-measure="${name}" x="8" y="${y + 15}" fill="${color}">${text(clip(`${m.name}: ${measureLabel(m)}`, 44))}</text>`;
  if (m.valueMs === null || m.fromTime === null || m.toTime === null)
    return `${label}\n<text data-measure="${name}" x="${LABEL}" y="${y + 15}" fill="${COLORS.faint}" font-style="italic">not measured: ${text(missingEvents(m))}</text>`;
  const x1 = scale.x(m.fromTime);
  const x2 = scale.x(m.toTime);
  const mid = px(y + 11);
  return [
    label,
    `<line data-measure="${name}" x1="${px(x1)}" y1="${TOP}" x2="${px(x1)}" y2="${mid}" stroke="${lane}" stroke-width="1" stroke-dasharray="3 3" stroke-opacity="0.7"/>`,
    `<line data-measure="${name}" x1="${px(x2)}" y1="${TOP}" x2="${px(x2)}" y2="${mid}" stroke="${lane}" stroke-width="1" stroke-dasharray="3 3" stroke-opacity="0.7"/>`,
    `<line data-measure="${name}" x1="${px(x1)}" y1="${mid}" x2="${px(x2)}" y2="${mid}" stroke="${lane}" stroke-width="3"><title>${text(`${m.name}: ${m.from} → ${m.to}, ${measureLabel(m)}`)}</title></line>`,
    `<text data-measure="${name}" x="${px(Math.min(x2 + 4, WIDTH - 120))}" y="${y + 15}" fill="${color}" font-size="11">${text(measureLabel(m))}</text>`,
  ].join('\n');
}

const LEGEND: Array<[string, string]> = [
  [COLORS.passed, 'passed'],
  [COLORS.failed, 'failed'],
  [COLORS.interrupted, 'interrupted'],
  [COLORS.gate, 'gate wait'],
  [COLORS.measure, 'measure'],
  ['#6a1b9a', 'undone (dashed outline)'],
];

function legend(y: number): string {
  return LEGEND.map(([color, words], i) => {
    const x = 8 + i * 150;
    return `<rect x="${x}" y="${y + 3}" width="14" height="10" fill="${color}"/><text x="${x + 18}" y="${y + 12}" fill="${COLORS.faint}" font-size="11">${words}</text>`;
  }).join('\n');
}
