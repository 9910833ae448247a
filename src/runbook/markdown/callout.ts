import type { Blockquote } from 'mdast';
import type { SourcePos } from '../errors.js';
import { blocksText } from './prose.js';
import type { MarkdownSource } from './source.js';

const MARKER = /^\s*\[!confirm\]:?\s*/i;
const OPTION = /^(type|timeout|on[ _-]?timeout)\s*:\s*(.*)$/i;

export interface Callout {
  /** A string, or `{message, type, timeout, on_timeout}` when options were given. */
  confirm: unknown;
  /** Position of each key of the confirm object, and of the message. */
  positions: Map<string, SourcePos>;
}

export function isConfirmCallout(node: Blockquote): boolean {
  return MARKER.test(blocksText(node.children, true));
}

/**
 * Reads a `> [!CONFIRM]` callout (GitHub alert syntax): the text under the marker is the
 * question. Optional lines `Type: <phrase>` (the phrase to type to approve), `Timeout: 5m`
 * and `On timeout: skip|abort` turn it into the object form. Returns undefined when the
 * callout has no question.
 */
export function readCallout(node: Blockquote, src: MarkdownSource): Callout | undefined {
  const lines = blocksText(node.children, true).replace(MARKER, '').split('\n');
  const options: Record<string, string> = {};
  const positions = new Map<string, SourcePos>();
  const message: string[] = [];
  for (const line of lines) {
    const m = OPTION.exec(line.trim());
    if (!m) {
      message.push(line.trim());
      continue;
    }
    const key = m[1]!.toLowerCase().startsWith('on') ? 'on_timeout' : m[1]!.toLowerCase();
    options[key] = unquote(m[2]!.trim());
    positions.set(key, optionPosition(node, src, m[1]!));
  }
  const text = message
    .join('\n')
    .split(/\n{2,}/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter(Boolean)
    .join('\n\n');
  if (text === '') return undefined;
  const start = node.position?.start;
  positions.set('message', src.pos((start?.line ?? 1) + 1, (start?.column ?? 1) + 2));
  if (Object.keys(options).length === 0) return { confirm: text, positions };
  return { confirm: { message: text, ...options }, positions };
}

function unquote(value: string): string {
  const m = /^(`+|"|')(.*)\1$/.exec(value);
  return m ? m[2]!.trim() : value;
}

function optionPosition(node: Blockquote, src: MarkdownSource, label: string): SourcePos {
  const from = node.position?.start.line ?? 1;
  const to = node.position?.end.line ?? from;
  for (let n = from; n <= to; n++) {
    const at = src.line(n).indexOf(label);
    if (at !== -1 && /^[\s>]*$/.test(src.line(n).slice(0, at))) return src.pos(n, at + 1);
  }
  return src.pos(from, node.position?.start.column ?? 1);
}
