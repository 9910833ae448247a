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
  /** Index in the original text of each character of `text`; undefined when they are equal. */
  origin?: Int32Array;
}

/** Same sequences strip-ansi removes: consumers and redactor must agree on them. */
const ANSI = ansiRegex();
/** Control characters the TUI and JUnit remove (XML 1.0 forbids C0 but tab, LF, CR). */
const CONTROLS = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uFFFE\uFFFF]/g;
/** Then surrogate halves left alone (JUnit removes them; they cannot be encoded). */
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Quick test: nothing here can be hidden (any surrogate sends text the slow way). */
const MAYBE_HIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uD800-\uDFFF\uFFFE\uFFFF]/;

export function visibleText(text: string): VisibleText {
  if (!MAYBE_HIDDEN.test(text)) return { text };
  // In the order the consumers clean (strip-ansi, then controls, then lone surrogates):
  // a surrogate pair split by an escape or a control character is whole again after.
  const stripped = removeMatches(text, ANSI, undefined);
  const printable = removeMatches(stripped.text, CONTROLS, stripped.origin);
  return removeMatches(printable.text, LONE_SURROGATES, printable.origin);
}

/** `text` without `pattern`'s matches; origin maps back through `origin` when given. */
function removeMatches(text: string, pattern: RegExp, origin: Int32Array | undefined): Required<VisibleText> {
  const kept: number[] = [];
  let out = '';
  let last = 0;
  const keep = (to: number) => {
    out += text.slice(last, to);
    for (let i = last; i < to; i++) kept.push(origin ? origin[i]! : i);
  };
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    keep(m.index);
    last = m.index + m[0].length;
    if (m[0].length === 0) pattern.lastIndex++;
  }
  keep(text.length);
  return { text: out, origin: Int32Array.from(kept) };
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
