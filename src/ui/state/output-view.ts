import type { Line } from './line-buffer.js';

/**
 * Where the output pane looks: following the tail, or parked at a line the person scrolled
 * or searched to. Pure, so PgUp/PgDn, g/G, `/` and n/N are tested without a terminal.
 */
export interface OutputView {
  /** Index of the pane's first line among the step's lines; absent = follow the tail. */
  top?: number;
  /** The confirmed search text (n/N look for it). */
  query?: string;
  /** The line of the current search hit. */
  match?: number;
  /** Text being typed after `/`; absent when not typing a search. */
  typing?: string;
}

export const followTail: OutputView = {};

/** The first line the pane shows for `rows` rows of `count` lines. */
export function windowTop(view: OutputView, count: number, rows: number): number {
  const last = Math.max(0, count - rows);
  return view.top === undefined ? last : Math.min(Math.max(0, view.top), last);
}

/** PgUp (-1) / PgDn (+1): one page less one line of overlap, so context carries over. */
export function page(view: OutputView, count: number, rows: number, direction: 1 | -1): OutputView {
  const step = Math.max(1, rows - 1);
  const top = windowTop(view, count, rows) + direction * step;
  // Paging down past the end follows the tail again, as `G` does.
  if (top >= count - rows) return withoutTop(view);
  return { ...view, top: Math.max(0, top) };
}

export function toStart(view: OutputView): OutputView {
  return { ...view, top: 0 };
}

export function toEnd(view: OutputView): OutputView {
  return withoutTop(view);
}

function withoutTop(view: OutputView): OutputView {
  const { top: _t, ...rest } = view;
  return rest;
}

/** Lines containing `query`, case-insensitive (smart case: an upper-case letter makes it exact). */
export function matchLines(lines: readonly Line[], query: string): number[] {
  if (query === '') return [];
  const exact = query !== query.toLowerCase();
  const needle = exact ? query : query.toLowerCase();
  const hits: number[] = [];
  lines.forEach((line, i) => {
    if ((exact ? line.text : line.text.toLowerCase()).includes(needle)) hits.push(i);
  });
  return hits;
}

/**
 * n (+1) / N (-1): the next hit after the current one (or after the pane's top), wrapping
 * around; the pane is parked with the hit a third of the way down.
 */
export function jump(view: OutputView, lines: readonly Line[], rows: number, direction: 1 | -1): OutputView {
  if (view.query === undefined) return view;
  const hits = matchLines(lines, view.query);
  if (hits.length === 0) {
    const { match: _m, ...rest } = view;
    return rest;
  }
  const from = view.match ?? (direction > 0 ? windowTop(view, lines.length, rows) - 1 : lines.length);
  const next =
    direction > 0
      ? (hits.find((h) => h > from) ?? hits[0]!)
      : (hits.findLast((h) => h < from) ?? hits[hits.length - 1]!);
  return { ...view, match: next, top: Math.max(0, next - Math.floor(rows / 3)) };
}

/** Keys while typing after `/`: text, Backspace, Enter (search), Esc (cancel). */
export function typeSearch(
  view: OutputView,
  lines: readonly Line[],
  rows: number,
  input: string,
  key: {
    return?: boolean;
    escape?: boolean;
    backspace?: boolean;
    delete?: boolean;
    ctrl?: boolean;
    meta?: boolean;
  },
): OutputView {
  const typing = view.typing ?? '';
  const { typing: _t, ...rest } = view;
  if (key.escape) return rest;
  if (key.return) {
    if (typing === '') return rest;
    const { match: _m, ...fresh } = rest;
    return jump({ ...fresh, query: typing }, lines, rows, 1);
  }
  if (key.backspace || key.delete) return { ...view, typing: typing.slice(0, -1) };
  if (key.ctrl || key.meta) return view;
  const text = input.replace(/[\u0000-\u001f\u007f]/g, '');
  return { ...view, typing: (typing + text).slice(0, 200) };
}
