import stripAnsi from 'strip-ansi';

/** Characters XML 1.0 forbids: C0 controls other than tab/LF/CR, U+FFFE/FFFF. */
const XML_INVALID = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;
/**
 * Surrogate halves without their partner, removed after the controls (so a pair split by a
 * control character stays one character, as the redactor sees it: see engine/visible-text.ts).
 * (Regex without the `u` flag works on UTF-16 code units, which is what finds lone halves.)
 */
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Terminal output made fit for XML: ANSI escapes stripped, then forbidden characters removed. */
export function cleanText(text: string): string {
  const plain = text.includes('\x1b') || text.includes('\x9b') ? stripAnsi(text) : text;
  return plain.replace(XML_INVALID, '').replace(LONE_SURROGATES, '');
}

/**
 * Escapes element text. `>` is escaped too, so `]]>` can never appear; CR is kept as a
 * character reference because parsers would otherwise turn it into LF.
 */
export function escapeText(text: string): string {
  return cleanText(text).replace(/[&<>\r]/g, (c) => ENTITIES[c]!);
}

/** Escapes an attribute value; tab/LF/CR become references so attribute normalisation keeps them. */
export function escapeAttr(text: string): string {
  return cleanText(text).replace(/[&<>"\t\n\r]/g, (c) => ENTITIES[c]!);
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** First non-blank line, whitespace collapsed, at most `max` characters: for `message=""`. */
export function firstLine(text: string, max = 300): string {
  const cleaned = cleanText(text);
  const line = cleaned.split(/\r?\n|\r/).find((l) => l.trim() !== '') ?? '';
  const collapsed = line.replace(/\s+/g, ' ').trim();
  const more = collapsed.length > max || cleaned.trim() !== line.trim();
  const cut = collapsed.length > max ? collapsed.slice(0, max - 1) : collapsed;
  return more ? `${cut}…` : cut;
}
