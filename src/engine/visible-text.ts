import ansiRegex from 'ansi-regex';

/**
 * Text as a reader ends up seeing it after the consumers clean it: ANSI escape sequences
 * stripped (as strip-ansi does for the console, JUnit and the TUI), then control characters
 * and XML-invalid characters removed (JUnit, TUI). The redactor looks for secrets in this
 * view, so `Zq9SECRET\e[1mh4nter2Xy` cannot turn into the secret once a consumer strips
 * the escape. Tab, LF and CR are kept: no consumer removes them to join the text around.
 */
export interface VisibleText {
  text: string;
  /** Index in the original text of `text`'s character at `index`; undefined when they are equal. */
  origin?: (index: number) => number;
}

/** A control character the TUI and JUnit remove (XML 1.0 forbids C0 but tab, LF, CR). */
const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uFFFE\uFFFF]/g;
/**
 * An escape sequence as strip-ansi removes it (consumers and redactor must agree), tried
 * where a control character is: every sequence starts with ESC or a C1 control.
 */
const ESCAPE_AT = new RegExp(ansiRegex().source, 'y');
/** Then surrogate halves left alone (JUnit removes them; they cannot be encoded). */
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function visibleText(text: string): VisibleText {
  // One pass does what strip-ansi and then removing controls do: strip-ansi's scan can only
  // match where a control character is, and removing controls cannot form a new escape
  // (ESC is one). Lone surrogates go last: a pair split by an escape is whole again.
  const view = removeRuns({ text }, hiddenRuns(text));
  return isWellFormed(view.text) ? view : removeRuns(view, matchRuns(view.text, LONE_SURROGATES));
}

/** No lone surrogate (String#isWellFormed: Node 20 has it, TypeScript's ES2023 lib does not). */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

/** [start, end) of each escape sequence or control character, in order. */
function hiddenRuns(text: string): number[] {
  const runs: number[] = [];
  CONTROL.lastIndex = 0;
  for (let m = CONTROL.exec(text); m; m = CONTROL.exec(text)) {
    ESCAPE_AT.lastIndex = m.index;
    const end = ESCAPE_AT.test(text) ? ESCAPE_AT.lastIndex : m.index + 1;
    runs.push(m.index, end);
    CONTROL.lastIndex = end;
  }
  return runs;
}

function matchRuns(text: string, pattern: RegExp): number[] {
  const runs: number[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) runs.push(m.index, m.index + m[0].length);
  return runs;
}

/**
 * `view.text` without the `removed` [start, end) ranges. The mapping back is kept as runs of
 * kept text (where each starts in the new text and in the old), not per character: a 64 KiB
 * chunk full of colour codes costs a few thousand runs, and lookups (one per secret found)
 * are a binary search.
 */
function removeRuns(view: VisibleText, removed: number[]): VisibleText {
  if (removed.length === 0) return view;
  const { text } = view;
  const kept: number[] = [];
  const pieces: string[] = [];
  let length = 0;
  let last = 0;
  const keep = (to: number) => {
    if (to <= last) return;
    kept.push(length, last);
    pieces.push(text.slice(last, to));
    length += to - last;
  };
  for (let i = 0; i < removed.length; i += 2) {
    keep(removed[i]!);
    last = removed[i + 1]!;
  }
  keep(text.length);
  const inner = view.origin;
  const local = (index: number) => {
    // The last kept run starting at or before `index`.
    let low = 0;
    let high = kept.length / 2 - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (kept[2 * middle]! <= index) low = middle;
      else high = middle - 1;
    }
    return kept[2 * low + 1]! + (index - kept[2 * low]!);
  };
  return { text: pieces.join(''), origin: inner ? (index) => inner(local(index)) : local };
}

/** Secret forms as they look in the visible view (a secret may itself hold control characters). */
export function visibleForm(form: string): string {
  return visibleText(form).text;
}

/** How far back from the end an unfinished escape sequence is looked for. */
const MAX_PENDING_ESCAPE = 4096;
/** An escape sequence that has started but not ended: more text could complete it. */
const UNFINISHED =
  /(?:(?:\x1B\[|\x9B)[\x30-\x3F]*[\x20-\x2F]*|(?:\x1B[\]PX^_k]|[\x90\x98\x9D-\x9F])[^\x07\x18\x1A\x1B\x80-\x9F]*\x1B?|\x1B[\x20-\x2F]*)$/;

/**
 * Where an escape sequence that is still unfinished begins at the end of `text` (so a stream
 * holds it back until the rest arrives), or `text.length` when there is none.
 */
export function unfinishedEscapeStart(text: string): number {
  const from = Math.max(0, text.length - MAX_PENDING_ESCAPE);
  const tail = from === 0 ? text : text.slice(from);
  if (!tail.includes('\x1b') && !/[\x90-\x9F]/.test(tail)) return text.length;
  const m = UNFINISHED.exec(tail);
  return m ? from + m.index : text.length;
}
