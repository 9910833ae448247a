import type { Blockquote, Definition, Nodes, Paragraph, Root } from 'mdast';
import { didYouMean } from '../did-you-mean.js';
import { inlineText } from './prose.js';
import type { MarkdownSource, Problems } from './source.js';

/** GitHub's alert types: documentation, shown as coloured boxes, never run. */
export const GITHUB_ALERTS = ['NOTE', 'TIP', 'IMPORTANT', 'WARNING', 'CAUTION'] as const;
/** Callouts drillbook acts on. */
export const DRILLBOOK_CALLOUTS = ['CONFIRM'] as const;
const KNOWN = [...DRILLBOOK_CALLOUTS, ...GITHUB_ALERTS];

/** `[!WORD]` at the start of a line: what GitHub reads as an alert marker (in any case). */
const MARKER = /^[ \t]*\[!([A-Za-z][A-Za-z0-9_-]*)\]/;
/** Near misses GitHub does not read as a marker: `[CONFIRM]`, `[! CONFIRM]`, `[ !CONFIRM ]`. */
const LOOSE_MARKER = /^[ \t]*\[[ \t]*!?[ \t]*([A-Za-z][A-Za-z0-9_-]*)[ \t]*\]/;

/**
 * Checks every quote in the document, wherever it stands. A `[!WORD]` marker on the first line
 * of a quote must be a known callout: a misspelt `[!CONFRIM]` would otherwise be plain prose
 * and silently remove the gate. A `[!CONFIRM]` further down a quote is not a callout on GitHub
 * (the marker must be the quote's first line) and would not stop the step, so it is refused too.
 */
export function checkCallouts(tree: Root, src: MarkdownSource, problems: Problems): void {
  // A stack, not recursion: quotes nested thousands deep must not overflow the call stack.
  const stack: Array<[node: Nodes, inQuote: boolean]> = [[tree, false]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [node, inQuote] = top;
    if (node.type === 'blockquote') checkQuote(node, src, problems);
    if (node.type === 'definition') checkDefinition(node, src, problems);
    if (node.type === 'paragraph' && !inQuote) checkBareMarker(node, src, problems);
    if ('children' in node)
      for (const child of node.children) stack.push([child, inQuote || node.type === 'blockquote']);
  }
}

/**
 * `> [!CONFIRM]: go?` (a colon after the marker) is, to Markdown, a link reference
 * definition: it renders as nothing at all, on GitHub too, and the quote holds no callout.
 * The gate its author meant would silently be gone, so any `[!WORD]:` definition is refused.
 */
function checkDefinition(node: Definition, src: MarkdownSource, problems: Problems): void {
  const word = /^!\s*([A-Za-z][A-Za-z0-9_-]*)\s*$/.exec(node.label ?? '')?.[1];
  if (word === undefined) return;
  const line = node.position?.start.line ?? 1;
  const text = src.line(line);
  problems.add(
    src.pos(line, Math.max(text.indexOf('['), 0) + 1),
    `\`[!${word}]:\` is read as a link definition, not a callout: the colon makes it invisible on GitHub${isConfirmLike(word) ? ' and it would not stop the step' : ''}`,
    `drop the colon and put the marker alone on its line: \`> [!${closest(word) ?? word.toUpperCase()}]\`, then the ${isConfirmLike(word) ? 'question' : 'text'} on the next \`>\` line`,
  );
}

/**
 * `[!CONFIRM]` outside a quote (the `>` forgotten) is plain text on GitHub and to drillbook:
 * the step would run without the gate its author wrote, so it is refused.
 */
function checkBareMarker(node: Paragraph, src: MarkdownSource, problems: Problems): void {
  const first = inlineText(node.children, true).split('\n')[0] ?? '';
  const word = (MARKER.exec(first) ?? LOOSE_MARKER.exec(first))?.[1];
  if (word === undefined || !isConfirmLike(word)) return;
  const line = node.position?.start.line ?? 1;
  problems.add(
    src.pos(line, node.position?.start.column ?? 1),
    `this \`[!${word}]\` is not in a quote, so it is not a callout and would not stop the step`,
    'start the line with `> `: `> [!CONFIRM]`, then the question on the next `>` line',
  );
}

/**
 * Reads only the quote's own paragraphs (a nested quote is checked on its own), so the
 * work stays linear in the size of the document.
 */
function checkQuote(node: Blockquote, src: MarkdownSource, problems: Problems): void {
  const own = (child: Nodes) =>
    child.type === 'paragraph' ? inlineText(child.children, true).split('\n') : [''];
  const [first = '', ...rest] = node.children.flatMap(own);
  const word = MARKER.exec(first)?.[1];
  const loose = word === undefined ? LOOSE_MARKER.exec(first) : null;
  if (loose && isConfirmLike(loose[1]!)) {
    const typed = loose[0].trim();
    problems.add(
      markerPos(node, src, (line) => line.includes(typed)),
      `this quote starts like a gate, \`${typed}\`, but that is not the callout [!CONFIRM], so it would not stop the step`,
      'write `> [!CONFIRM]`: the `!` right after `[`, no spaces',
    );
  }
  if (word !== undefined && !KNOWN.includes(word.toUpperCase() as (typeof KNOWN)[number])) {
    const typed = `[!${word}]`;
    const suggestion = closest(word);
    problems.add(
      markerPos(node, src, (line) => line.includes(typed)),
      `unknown callout \`${typed}\`${suggestion ? `: did you mean [!${suggestion}]?` : ''}`,
      `a callout is a gate, [!CONFIRM], or one of GitHub's alerts, ${GITHUB_ALERTS.map((a) => `[!${a}]`).join(' ')}, which are documentation`,
    );
  }
  if (rest.some((line) => /^[ \t]*\[!confirm\]/i.test(line))) {
    problems.add(
      markerPos(
        node,
        src,
        (line, n) => n > (node.position?.start.line ?? 0) && /^[\s>]*\[!confirm\]/i.test(line),
      ),
      'this [!CONFIRM] is not the first line of its quote, so it is not a callout and would not stop the step',
      'start a quote of its own with it: put a blank line before the `> [!CONFIRM]` line',
    );
  }
}

function isConfirmLike(word: string): boolean {
  return word.toUpperCase() === 'CONFIRM' || didYouMean(word.toUpperCase(), DRILLBOOK_CALLOUTS) !== undefined;
}

/** The nearest known word, or one it abbreviates (`WARN`). */
function closest(word: string): string | undefined {
  const upper = word.toUpperCase();
  return didYouMean(upper, KNOWN) ?? (upper.length >= 3 ? KNOWN.find((k) => k.startsWith(upper)) : undefined);
}

/** Position of the `[` of the marker on the first line of the quote that `matches`. */
function markerPos(
  node: Blockquote,
  src: MarkdownSource,
  matches: (line: string, lineNumber: number) => boolean,
): ReturnType<MarkdownSource['pos']> {
  const from = node.position?.start.line ?? 1;
  const to = node.position?.end.line ?? from;
  for (let n = from; n <= to; n++) {
    const line = src.line(n);
    if (matches(line, n)) return src.pos(n, line.indexOf('[') + 1);
  }
  return src.pos(from, node.position?.start.column ?? 1);
}
