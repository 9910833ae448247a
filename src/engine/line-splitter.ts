/**
 * The one place output chunks become lines, for every display of output (the headless console
 * in report/line-buffer.ts, the TUI's retained tail in ui/state/line-buffer.ts). A chunk can end
 * anywhere, so the text after its last newline waits for the next chunk; but a program that
 * prints megabytes without a newline must not make a display hold them all, so an unterminated
 * rest of `limit` characters or more is ended as a line at once. Each display picks its limit.
 */
export interface SplitLines {
  /**
   * The lines `waiting + text` completed, joined by '\n' without the last newline (one string:
   * a display that handles the block at once, like the console, needs no per-line work);
   * undefined when no line ended.
   */
  lines: string | undefined;
  /** The unterminated rest to keep until its newline; '' when nothing waits. */
  rest: string;
}

/** Splits `waiting` (an earlier rest) plus `text` into ended lines and a rest under `limit`. */
export function splitLines(waiting: string, text: string, limit: number): SplitLines {
  const all = waiting === '' ? text : waiting + text;
  const lastNewline = all.lastIndexOf('\n');
  const rest = lastNewline === -1 ? all : all.slice(lastNewline + 1);
  if (rest.length < limit) {
    return { lines: lastNewline === -1 ? undefined : all.slice(0, lastNewline), rest };
  }
  // Too long to keep waiting: end it here, as the last of the lines.
  return { lines: all, rest: '' };
}
