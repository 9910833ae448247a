import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitLines } from '../../src/engine/line-splitter.js';
import { LineBuffer } from '../../src/report/line-buffer.js';
import { allLines, appendChunks, emptyBuffer, MAX_LINE } from '../../src/ui/state/line-buffer.js';

/** Output text with short and long lines, cut into chunks at arbitrary points. */
const chunked = (maxLine: number) =>
  fc
    .array(fc.tuple(fc.string({ unit: fc.constantFrom('a', 'b', 'é'), maxLength: maxLine }), fc.boolean()), {
      maxLength: 8,
    })
    .map((parts) => parts.map(([line, ends]) => (ends ? `${line}\n` : line)).join(''))
    .chain((text) =>
      fc
        .uniqueArray(fc.integer({ min: 0, max: text.length }), { maxLength: 6 })
        .map((cuts) => ({ text, chunks: cutAt(text, cuts) })),
    );

function cutAt(text: string, cuts: number[]): string[] {
  const at = [0, ...cuts.sort((a, b) => a - b), text.length];
  return at.slice(1).map((end, i) => text.slice(at[i], end));
}

/** Feeds chunks through the splitter as a display does; returns what it showed, rest last. */
function feed(chunks: string[], limit: number): { shown: string; ended: string[]; rest: string } {
  let rest = '';
  const ended: string[] = [];
  for (const chunk of chunks) {
    const split = splitLines(rest, chunk, limit);
    if (split.lines !== undefined) ended.push(...split.lines.split('\n'));
    rest = split.rest;
  }
  return { shown: ended.map((l) => `${l}\n`).join('') + rest, ended, rest };
}

describe('splitLines, the one line splitter of every output display', () => {
  it('shows exactly the text, wherever chunks end, when no unterminated line reaches the limit', () => {
    fc.assert(
      fc.property(chunked(30), ({ text, chunks }) => {
        expect(feed(chunks, 1000).shown).toBe(text);
      }),
    );
  });

  it('never keeps a rest of `limit` characters, and loses no character when it cuts', () => {
    fc.assert(
      fc.property(chunked(40), fc.integer({ min: 1, max: 12 }), ({ text, chunks }, limit) => {
        const { shown, rest } = feed(chunks, limit);
        expect(rest.length).toBeLessThan(limit);
        expect(shown.replaceAll('\n', '')).toBe(text.replaceAll('\n', ''));
      }),
    );
  });

  it('ends an overlong rest at once, also after a newline in the same chunk', () => {
    expect(splitLines('', 'ok\nxxxxx', 5)).toEqual({ lines: 'ok\nxxxxx', rest: '' });
    expect(splitLines('', 'ok\nxxxx', 5)).toEqual({ lines: 'ok', rest: 'xxxx' });
    expect(splitLines('xxxx', 'x', 5)).toEqual({ lines: 'xxxxx', rest: '' });
    expect(splitLines('ab', '', 5)).toEqual({ lines: undefined, rest: 'ab' });
  });
});

describe('the console (report/line-buffer.ts) on the shared splitter', () => {
  it('prints the same prefixed lines wherever chunks end', () => {
    fc.assert(
      fc.property(chunked(30), ({ text, chunks }) => {
        const buffer = new LineBuffer(false);
        const out = chunks.map((c) => buffer.push('k', '│ ', c)).join('') + buffer.flush();
        const expected =
          text === '' ? '' : `${text.replace(/\n$/, '').replaceAll('\n', '\n│ ').replace(/^/, '│ ')}\n`;
        expect(out).toBe(expected);
      }),
    );
  });

  it('cuts a line without a newline at 64 KiB, even when it follows a newline in its chunk', () => {
    const buffer = new LineBuffer(false);
    const long = 'x'.repeat(64 * 1024);
    expect(buffer.push('k', '', `first\n${long}`)).toBe(`first\n${long}\n`);
    expect(buffer.push('k', '', 'y'.repeat(64 * 1024 - 1))).toBe('');
    expect(buffer.flush()).toBe(`${'y'.repeat(64 * 1024 - 1)}\n`);
  });
});

describe('the TUI tail (ui/state/line-buffer.ts) on the shared splitter', () => {
  const texts = (chunks: string[], label?: string) => {
    const buffer = appendChunks(
      emptyBuffer,
      chunks.map((text) => ({ stream: 'stdout' as const, text, ...(label ? { label } : {}) })),
      10_000,
    );
    return allLines(buffer).map((l) => l.text);
  };

  it('keeps the same lines wherever chunks end, each with its host label', () => {
    fc.assert(
      fc.property(chunked(30), ({ text, chunks }) => {
        const lines = text.split('\n');
        if (lines.at(-1) === '') lines.pop();
        expect(texts(chunks, 'blue')).toEqual(lines.map((l) => `[blue] ${l}`));
      }),
    );
  });

  it('ends an unterminated line longer than a row at once, shown cut to MAX_LINE', () => {
    const shown = texts(['a'.repeat(MAX_LINE), 'b', 'c\n', 'next']);
    expect(shown).toEqual([`${'a'.repeat(MAX_LINE - 1)}…`, 'c', 'next']);
    // Exactly MAX_LINE characters still wait for their newline, as before the shared splitter.
    expect(texts(['a'.repeat(MAX_LINE), '\n'])).toEqual(['a'.repeat(MAX_LINE)]);
  });
});
