import type { Code, Root } from 'mdast';
import type { MarkdownSource, Problems } from './source.js';

export type BlockKind = 'shell' | 'drillbook' | 'doc';

const SHELLS = new Set(['sh', 'bash', 'shell']);

/**
 * Which fenced blocks run: ```sh / ```bash / ```shell are a step's command, ```yaml drillbook
 * holds step keys; every other block (json, text, console, plain ```, yaml without the word
 * drillbook) is documentation.
 */
export function blockKind(code: Code): BlockKind {
  const lang = (code.lang ?? '').toLowerCase();
  if (SHELLS.has(lang)) return 'shell';
  if ((lang === 'yaml' || lang === 'yml') && /(^|\s)drillbook(\s|$)/.test(code.meta ?? ''))
    return 'drillbook';
  return 'doc';
}

/**
 * An unclosed fence swallows the rest of the file (CommonMark runs it to the end), which would
 * silently drop every step after it; refuse it, pointing at the opening fence.
 */
export function checkFencesClosed(tree: Root, src: MarkdownSource, problems: Problems): void {
  const visit = (node: { type: string; children?: unknown[] }): void => {
    if (node.type === 'code') {
      const code = node as Code;
      const start = code.position?.start;
      const end = code.position?.end;
      if (!start || !end) return;
      const open = /^(`{3,}|~{3,})/.exec(src.line(start.line).slice(start.column - 1))?.[1];
      if (!open) return; // an indented code block: no fence to close
      const closing = src.line(end.line).replace(/^[\s>]*/, '');
      const closed =
        end.line > start.line &&
        closing.trimEnd().length >= open.length &&
        new RegExp(`^\\${open[0]}{${open.length},}[ \\t]*$`).test(closing);
      if (!closed) {
        problems.fatal(
          src.pos(start.line, start.column),
          `this ${open} fence is never closed, so it swallows the rest of the file`,
          `add a closing ${open} line`,
        );
      }
      return;
    }
    for (const child of node.children ?? []) visit(child as { type: string; children?: unknown[] });
  };
  visit(tree);
}

/** Column where the fence's attributes (`meta`) start on the opening line. */
export function metaColumn(code: Code, src: MarkdownSource): number {
  const start = code.position?.start;
  if (!start) return 1;
  const line = src.line(start.line);
  const meta = code.meta ?? '';
  const fenceEnd = start.column - 1 + (/^(`{3,}|~{3,})/.exec(line.slice(start.column - 1))?.[0].length ?? 3);
  const at = meta ? line.indexOf(meta, fenceEnd) : -1;
  return at === -1 ? start.column : at + 1;
}
