import type { Heading, Root, RootContent } from 'mdast';
import { inlineText } from './prose.js';
import type { ListKey } from './types.js';

/** One `##` heading and the Markdown under it, up to the next `##`. */
export interface Section {
  list: ListKey;
  name: string;
  heading: Heading;
  nodes: RootContent[];
}

export interface Outline {
  /** The first `#` heading before any step: the runbook's title. */
  title?: Heading;
  /** Everything before the first `##` except the title: the runbook's description. */
  preamble: RootContent[];
  sections: Section[];
}

/** Headings that start a special list; the rest of the heading after `:` names the step. */
const SPECIAL: [ListKey, RegExp][] = [
  ['finally', /^finally\b/i],
  ['steady_state', /^steady[ -]state\b/i],
  ['stop_when', /^stop when\b/i],
];

export function outline(tree: Root): Outline {
  const result: Outline = { preamble: [], sections: [] };
  let current: Section | undefined;
  for (const node of tree.children) {
    if (node.type === 'heading' && node.depth === 2) {
      current = { ...classify(headingText(node)), heading: node, nodes: [] };
      result.sections.push(current);
    } else if (current) {
      current.nodes.push(node);
    } else if (node.type === 'heading' && node.depth === 1 && !result.title) {
      result.title = node;
    } else {
      result.preamble.push(node);
    }
  }
  return result;
}

export function headingText(heading: Heading): string {
  return inlineText(heading.children).trim();
}

/** `Finally: restore blue` -> finally list, named `restore blue`; a bare `Finally` keeps its text. */
function classify(text: string): { list: ListKey; name: string } {
  for (const [list, prefix] of SPECIAL) {
    const m = prefix.exec(text);
    if (!m) continue;
    const rest = /^\s*[:\u2013\u2014-]\s*(.+)$/.exec(text.slice(m[0].length));
    return { list, name: rest?.[1]?.trim() || text };
  }
  return { list: 'steps', name: text };
}
