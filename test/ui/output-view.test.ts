import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Line } from '../../src/ui/state/line-buffer.js';
import {
  jump,
  matchLines,
  type OutputView,
  page,
  typeSearch,
  windowTop,
} from '../../src/ui/state/output-view.js';

const numbered = (n: number): Line[] =>
  Array.from({ length: n }, (_, i) => ({ stream: 'stdout' as const, text: `line ${i + 1}` }));

describe('output pane scrolling and search (pure)', () => {
  it('follows the tail until PgUp; PgDn past the end follows again; g/G jump', () => {
    const rows = 10;
    expect(windowTop({}, 100, rows)).toBe(90);
    const up = page({}, 100, rows, -1);
    expect(windowTop(up, 100, rows)).toBe(81); // one line of overlap
    expect(windowTop(page(up, 100, rows, -1), 100, rows)).toBe(72);
    expect(page(up, 100, rows, +1).top).toBeUndefined();
    expect(windowTop({ top: 0 }, 100, rows)).toBe(0);
    expect(windowTop({ top: 0 }, 5, rows)).toBe(0);
  });

  it('the window never leaves the lines, whatever is pressed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.constantFrom(-1 as const, 1 as const), { maxLength: 40 }),
        (count, rows, presses) => {
          let view = {};
          for (const p of presses) view = page(view, count, rows, p);
          const top = windowTop(view, count, rows);
          expect(top).toBeGreaterThanOrEqual(0);
          expect(top).toBeLessThanOrEqual(Math.max(0, count - rows));
        },
      ),
    );
  });

  it('/ text Enter finds the first hit below the top, n and N move and wrap; smart case', () => {
    const lines = numbered(200);
    // `/` opened the field at the top of the output; type "line 15".
    let view: OutputView = { top: 0, typing: '' };
    for (const ch of 'line 15') view = typeSearch(view, lines, 10, ch, {});
    expect(view.typing).toBe('line 15');
    view = typeSearch(view, lines, 10, '', { return: true });
    expect(view.query).toBe('line 15');
    expect(view.match).toBe(14); // "line 15"
    expect(view.top).toBeLessThanOrEqual(14);
    expect(windowTop(view, 200, 10) + 10).toBeGreaterThan(14);
    view = jump(view, lines, 10, 1);
    expect(lines[view.match!]!.text).toBe('line 150');
    view = jump(view, lines, 10, 1);
    expect(lines[view.match!]!.text).toBe('line 151');
    view = jump({ ...view, match: 158 }, lines, 10, 1);
    expect(view.match).toBe(14); // wrapped
    view = jump(view, lines, 10, -1);
    expect(view.match).toBe(158);
    expect(matchLines([{ stream: 'stdout', text: 'ERROR x' }], 'error')).toEqual([0]);
    expect(matchLines([{ stream: 'stdout', text: 'error x' }], 'ERROR')).toEqual([]);
  });

  it('Esc cancels typing and keeps the position; an empty search changes nothing', () => {
    const lines = numbered(50);
    expect(typeSearch({ top: 3, typing: 'abc' }, lines, 10, '', { escape: true })).toEqual({ top: 3 });
    expect(typeSearch({ top: 3, typing: '' }, lines, 10, '', { return: true })).toEqual({ top: 3 });
    expect(typeSearch({ typing: 'ab' }, lines, 10, '', { backspace: true })).toEqual({ typing: 'a' });
    expect(jump({ query: 'nothing' }, lines, 10, 1).match).toBeUndefined();
  });
});
