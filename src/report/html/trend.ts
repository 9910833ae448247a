import type { MeasureResult } from '../../engine/measure-result.js';
import type { RunRecord } from '../../history/run-record.js';
import { formatDuration, writeDuration } from '../../runbook/duration.js';
import { attr, COLORS, px, text } from './html-text.js';

const W = 360;
const H = 90;
const PAD = { left: 8, right: 70, top: 12, bottom: 14 };

export interface TrendPoint {
  runId: string;
  startedAt: number;
  valueMs: number;
}

/** The values of measure `name` over earlier runs (oldest first), then this run's. */
export function trendPoints(
  name: string,
  history: RunRecord[],
  current: MeasureResult,
  runId: string,
  now: number,
): TrendPoint[] {
  const points = history.flatMap((r) => {
    const m = r.measures.find((x) => x.name === name);
    return m?.valueMs === null || m === undefined
      ? []
      : [{ runId: r.runId, startedAt: r.startedAt, valueMs: m.valueMs }];
  });
  if (current.valueMs !== null) points.push({ runId, startedAt: now, valueMs: current.valueMs });
  return points;
}

/**
 * A small line chart of one measure over runs: a point per run (its value as a tooltip), this
 * run's point larger, and the objective (`max`) as a dashed line when there is one.
 */
export function renderTrend(m: MeasureResult, points: TrendPoint[]): string {
  const values = points.map((p) => p.valueMs);
  // The objective is drawn when it is near the values; far above, it would flatten them.
  const showMax = m.maxMs !== null && m.maxMs <= Math.max(...values) * 1.5;
  const top = Math.max(...values, showMax ? m.maxMs! : 0);
  const low = 0;
  const span = Math.max(1, top - low);
  const x = (i: number) =>
    PAD.left + (points.length === 1 ? 0 : (i / (points.length - 1)) * (W - PAD.left - PAD.right));
  const y = (v: number) => PAD.top + (1 - (v - low) / span) * (H - PAD.top - PAD.bottom);
  const line = points.map((p, i) => `${px(x(i))},${px(y(p.valueMs))}`).join(' ');
  const name = attr(m.name);
  const parts = [
    `<svg data-trend="${name}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${attr(`Trend of ${m.name}`)}" font-family="sans-serif" font-size="10">`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff" stroke="${COLORS.grid}"/>`,
  ];
  if (m.maxMs !== null && showMax)
    parts.push(
      `<line x1="${PAD.left}" y1="${px(y(m.maxMs))}" x2="${W - PAD.right}" y2="${px(y(m.maxMs))}" stroke="${COLORS.failed}" stroke-dasharray="4 3"/>`,
      `<text x="${W - PAD.right + 4}" y="${px(y(m.maxMs) + 3)}" fill="${COLORS.failed}">max ${writeDuration(m.maxMs)}</text>`,
    );
  parts.push(`<polyline points="${line}" fill="none" stroke="${COLORS.measure}" stroke-width="2"/>`);
  points.forEach((p, i) => {
    const last = i === points.length - 1;
    const tip = `${new Date(p.startedAt).toISOString()} ${p.runId}: ${formatDuration(p.valueMs)}`;
    parts.push(
      `<circle cx="${px(x(i))}" cy="${px(y(p.valueMs))}" r="${last ? 4 : 2.5}" fill="${last ? COLORS.ink : COLORS.measure}"><title>${text(tip)}</title></circle>`,
    );
  });
  const lastPoint = points.at(-1)!;
  parts.push(
    `<text x="${W - PAD.right + 4}" y="${px(y(lastPoint.valueMs) + 3)}" fill="${COLORS.ink}">${formatDuration(lastPoint.valueMs)}</text>`,
    `<text x="${PAD.left}" y="${H - 3}" fill="${COLORS.faint}">${points.length} runs, 0 to ${formatDuration(top)}${m.maxMs !== null && !showMax ? `; objective max ${writeDuration(m.maxMs)} is far above` : ''}</text>`,
    '</svg>',
  );
  return parts.join('\n');
}
