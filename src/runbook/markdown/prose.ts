import type { Nodes, PhrasingContent, RootContent } from 'mdast';

/**
 * Renders Markdown as readable plain text for descriptions and confirm messages: inline code
 * keeps its backticks, links keep their text, lists keep their bullets. With `keepLines`,
 * soft line breaks stay newlines (the callout reader needs the lines); otherwise they become
 * spaces, as a Markdown renderer shows them.
 */
export function inlineText(nodes: readonly PhrasingContent[], keepLines = false): string {
  return nodes.map((n) => phrasing(n, keepLines)).join('');
}

function phrasing(node: PhrasingContent, keepLines: boolean): string {
  switch (node.type) {
    case 'text':
      return keepLines ? node.value : node.value.replace(/[ \t]*\n[ \t]*/g, ' ');
    case 'inlineCode':
      return `\`${node.value}\``;
    case 'break':
      return '\n';
    case 'image':
    case 'imageReference':
      return node.alt ?? '';
    case 'html':
      return '';
    default:
      return 'children' in node ? inlineText(node.children as PhrasingContent[], keepLines) : '';
  }
}

/** Block nodes to text, blocks separated by a blank line; code blocks are left out. */
export function blocksText(nodes: readonly RootContent[], keepLines = false): string {
  return nodes
    .map((n) => block(n, keepLines))
    .filter((t) => t.trim() !== '')
    .join('\n\n');
}

function block(node: Nodes, keepLines: boolean): string {
  switch (node.type) {
    case 'paragraph':
    case 'heading':
      return inlineText(node.children, keepLines).trim();
    case 'list':
      return node.children
        .map((item, i) => {
          const bullet = node.ordered ? `${(node.start ?? 1) + i}. ` : '- ';
          const body = blocksText(item.children, keepLines).replace(/\n\n/g, '\n');
          return bullet + body.replace(/\n/g, `\n${' '.repeat(bullet.length)}`);
        })
        .join('\n');
    case 'blockquote':
      return blocksText(node.children, keepLines)
        .split('\n')
        .map((l) => (l ? `> ${l}` : '>'))
        .join('\n');
    default:
      return '';
  }
}
