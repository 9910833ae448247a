import stripAnsi from 'strip-ansi';
import { splitLines } from '../../engine/line-splitter.js';

/** One retained line of output. `stream` picks the colour; `label` is e.g. the ssh host. */
export interface Line {
  stream: 'stdout' | 'stderr' | 'info';
  text: string;
}

/**
 * A bounded tail of output lines. Output can arrive at 100k lines/s, so nothing here grows
 * with the amount of output: at most `capacity` lines of at most `MAX_LINE` characters, plus
 * one unterminated line per stream. Values are immutable; `appendChunks` returns a new buffer
 * and is meant to be called once per batch of events, not once per event.
 */
export interface LineBuffer {
  readonly lines: readonly Line[];
  /** Lines that fell off the front (for "N earlier lines not kept"). */
  readonly dropped: number;
  /** Unterminated tail per stream+label, shown as the last line until its newline arrives. */
  readonly partial: Readonly<Record<string, PartialLine>>;
}

/** An unterminated line as received (`text`), and the label prefix it is shown with. */
export interface PartialLine extends Line {
  prefix: string;
}

export interface Chunk {
  stream: Line['stream'];
  text: string;
  label?: string;
}

export const MAX_LINE = 1000;
/**
 * An unterminated line longer than a row can show (`MAX_LINE`) is ended at once: waiting for
 * its newline would only keep text that is cut off anyway (engine/line-splitter.ts).
 */
const PARTIAL_LIMIT = MAX_LINE + 1;
export const emptyBuffer: LineBuffer = { lines: [], dropped: 0, partial: {} };

export function appendChunks(buffer: LineBuffer, chunks: readonly Chunk[], capacity: number): LineBuffer {
  if (chunks.length === 0) return buffer;
  const partial: Record<string, PartialLine> = { ...buffer.partial };
  const fresh: Line[] = [];
  let spliced = 0;
  for (const chunk of chunks) {
    const key = `${chunk.stream}\u0000${chunk.label ?? ''}`;
    const prefix = chunk.label ? `[${chunk.label}] ` : '';
    const { lines, rest } = splitLines(partial[key]?.text ?? '', chunk.text, PARTIAL_LIMIT);
    if (lines !== undefined)
      for (const text of lines.split('\n')) fresh.push({ stream: chunk.stream, text: prefix + text });
    if (rest === '') delete partial[key];
    else partial[key] = { stream: chunk.stream, text: rest, prefix };
    // Keep the working set bounded inside a huge batch too.
    if (fresh.length > capacity * 2) spliced += fresh.splice(0, fresh.length - capacity).length;
  }
  const total = buffer.lines.length + fresh.length;
  const keepOld = Math.max(0, capacity - fresh.length);
  const kept = [
    ...buffer.lines.slice(buffer.lines.length - Math.min(keepOld, buffer.lines.length)),
    ...fresh.slice(-capacity).map(clean),
  ];
  return { lines: kept, dropped: buffer.dropped + spliced + (total - kept.length), partial };
}

/** Every line, the unterminated ones last. */
export function allLines(buffer: LineBuffer): readonly Line[] {
  const partial = Object.values(buffer.partial).map((p) =>
    clean({ stream: p.stream, text: p.prefix + p.text }),
  );
  return partial.length === 0 ? buffer.lines : [...buffer.lines, ...partial];
}

/**
 * Makes a line safe for one terminal row: escape sequences would move Ink's cursor math
 * off and corrupt the screen, `\r` progress bars keep their last state, tabs become spaces.
 */
function clean(line: Line): Line {
  let text = line.text;
  if (text.includes('\u001b') || text.includes('\u009b')) text = stripAnsi(text);
  const cr = text.lastIndexOf('\r', text.length - 2);
  if (cr >= 0) text = text.slice(cr + 1);
  text = text.replace(/\t/g, '  ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  if (text.length > MAX_LINE) text = `${text.slice(0, MAX_LINE - 1)}…`;
  return text === line.text ? line : { stream: line.stream, text };
}
