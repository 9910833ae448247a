import type { Root } from 'mdast';
import type { MarkdownSource, Problems } from './source.js';

/** Quote and list markers at the start of one line; a runbook needs a handful. */
export const MAX_LINE_NESTING = 32;
/** Leading indentation in columns (a tab counts 4): lists nest by indentation too. */
export const MAX_INDENT_COLUMNS = 128;
/** `*` and `_` in one paragraph (not `_` inside words): the Markdown parser's emphasis matching is quadratic in them. */
export const MAX_EMPHASIS_MARKS = 1000;
/**
 * Lines in a Markdown runbook. The Markdown parser keeps every token of the document in
 * memory: 1.6 MB of headings, fences or tables (60 000 of them) took 20-35 s and 1.3-2 GB;
 * at this limit the worst case is about a second and 150 MB. Real runbooks have hundreds.
 */
export const MAX_MARKDOWN_LINES = 20_000;
/** Depth of the parsed Markdown tree; every walker after the parser may then recurse safely. */
export const MAX_TREE_DEPTH = 128;

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const CONTAINER_MARKER = /^[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))/;

/**
 * Refuses Markdown that would make the parser or the walkers after it blow the stack or take
 * minutes: thousands of `> ` on a line, lists nested by indentation hundreds deep, a paragraph
 * of thousands of `*`. Runs before the parser, on plain lines, in linear time; code fences are
 * skipped for the emphasis count (their contents are not parsed for emphasis).
 */
export function checkMarkdownLimits(src: MarkdownSource, problems: Problems): void {
  if (src.lines.length > MAX_MARKDOWN_LINES)
    problems.fatal(
      src.pos(MAX_MARKDOWN_LINES + 1),
      `a Markdown runbook has at most ${MAX_MARKDOWN_LINES} lines; this one has ${src.lines.length}`,
      'split the drill into several runbooks, or move long scripts into files the steps run',
    );
  let fence: string | undefined;
  let marks = 0;
  src.lines.forEach((line, i) => {
    const lineNo = i + 1;
    checkLineNesting(line, lineNo, src, problems);
    const open = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      if (open !== undefined && open[0] === fence[0] && open.length >= fence.length) fence = undefined;
      return;
    }
    if (open !== undefined) {
      fence = open;
      marks = 0;
      return;
    }
    if (line.trim() === '') marks = 0;
    for (let c = 0; c < line.length; c++) {
      if (isEmphasisMark(line, c) && ++marks > MAX_EMPHASIS_MARKS)
        problems.fatal(
          src.pos(lineNo, c + 1),
          `more than ${MAX_EMPHASIS_MARKS} * and _ in one paragraph`,
          'split the paragraph, or put the text in a code block',
        );
    }
  });
}

/** `*` anywhere, `_` unless inside a word (`GREMLIN_TEAM_ID` cannot open or close emphasis). */
function isEmphasisMark(line: string, c: number): boolean {
  const ch = line[c];
  if (ch === '*') return true;
  if (ch !== '_') return false;
  return !(WORD.test(line[c - 1] ?? ' ') && WORD.test(line[c + 1] ?? ' '));
}
const WORD = /[\p{L}\p{N}]/u;

function checkLineNesting(line: string, lineNo: number, src: MarkdownSource, problems: Problems): void {
  let columns = 0;
  for (const ch of line) {
    if (ch === ' ') columns++;
    else if (ch === '\t') columns += 4;
    else break;
  }
  if (columns > MAX_INDENT_COLUMNS)
    problems.fatal(
      src.pos(lineNo, 1),
      `indented ${columns} columns; lines are limited to ${MAX_INDENT_COLUMNS}`,
      'lists and quotes nested this deep are refused',
    );
  let rest = line;
  let offset = 0;
  for (let depth = 1; ; depth++) {
    const m = CONTAINER_MARKER.exec(rest);
    if (!m) return;
    if (depth > MAX_LINE_NESTING)
      problems.fatal(
        src.pos(lineNo, offset + m[0].length),
        `quotes and lists nested more than ${MAX_LINE_NESTING} deep on one line`,
        'a runbook needs a few levels at most',
      );
    rest = rest.slice(m[0].length);
    offset += m[0].length;
  }
}

/** After parsing: a tree deeper than MAX_TREE_DEPTH (e.g. nested emphasis) is refused where it gets too deep. */
export function checkTreeDepth(tree: Root, src: MarkdownSource, problems: Problems): void {
  type Node = { children?: Node[]; position?: { start: { line: number; column: number } } };
  const stack: [Node, number][] = [[tree as Node, 0]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, depth] = item;
    if (depth > MAX_TREE_DEPTH) {
      const at = node.position?.start;
      problems.fatal(
        src.pos(at?.line ?? 1, at?.column ?? 1),
        `the Markdown is nested more than ${MAX_TREE_DEPTH} levels deep here`,
        'quotes, lists, links or emphasis this deep are refused',
      );
    }
    for (const child of node.children ?? []) stack.push([child, depth + 1]);
  }
}
