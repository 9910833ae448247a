import type { Html, Root, RootContent } from 'mdast';
import { isConfirmCallout } from './callout.js';
import { blockKind } from './fences.js';
import type { MarkdownSource, Problems } from './source.js';

/** Elements that never hold content, so they open nothing. */
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);
/**
 * Elements whose end tag HTML lets an author leave out (`<p>Intro` with no `</p>`): a browser
 * closes them before the next block, so they never hold a fence that follows. Tracking them
 * would refuse every later fence of a healthy runbook.
 */
const OPTIONAL_END = new Set([
  'p',
  'li',
  'dt',
  'dd',
  'option',
  'optgroup',
  'rb',
  'rt',
  'rtc',
  'rp',
  'colgroup',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'td',
  'th',
]);
/**
 * A start or end tag. Its attributes stop at the next `<` as well as at `>`, so a line of
 * thousands of `<a` without a `>` is read once, not once per `<` (minutes for one long line).
 */
const TAG = /<(\/?)([A-Za-z][A-Za-z0-9-]*)\b[^<>]*?(\/?)>/g;
/**
 * HTML elements open at once across the document. The tracking is linear up to here; beyond
 * it, thousands of unclosed tags and end tags that match none took minutes, and no runbook
 * nests HTML this deep.
 */
export const MAX_OPEN_HTML = 128;
const FENCE = /^[ \t]*(`{3,}|~{3,})[ \t]*([^\s`{]*)[ \t]*(.*)$/;
const HINT = 'move it out of the HTML block to run it, or mark it as documentation (```console)';

/**
 * A fence or gate inside an HTML element (`<details>` most often) looks, on GitHub, like part
 * of that element: folded away, or raw text. Only top-level fences of a step run, so a
 * runnable fence or `> [!CONFIRM]` inside HTML is refused, as in lists and quotes. Markdown
 * parsers see `<details>`, the fence and `</details>` as siblings, so the open elements are
 * tracked across the top-level nodes. Returns the nodes refused here; they are not read again.
 */
export function checkHtmlNesting(
  tree: Root,
  src: MarkdownSource,
  problems: Problems,
): ReadonlySet<RootContent> {
  const refused = new Set<RootContent>();
  const open: string[] = [];
  for (const node of tree.children) {
    if (node.type === 'html') {
      if (checkHtmlBlock(node, open, src, problems)) refused.add(node);
      continue;
    }
    const inside = open.at(-1);
    if (inside === undefined) continue;
    const start = node.position!.start;
    const at = src.pos(start.line, start.column);
    if (node.type === 'code' && blockKind(node) !== 'doc') {
      problems.add(
        at,
        `this ${fenceName(node.lang, node.meta)} block is inside HTML (<${inside}>), where it would not run`,
        HINT,
      );
      refused.add(node);
    } else if (node.type === 'blockquote' && isConfirmCallout(node)) {
      problems.add(
        at,
        `this > [!CONFIRM] is inside HTML (<${inside}>), where it would not stop the step`,
        'move it out of the HTML block',
      );
      refused.add(node);
    }
  }
  return refused;
}

/**
 * Follows the tags of one HTML block line by line. A fence written in the block itself (no
 * blank line around it) is raw HTML text to every Markdown reader: it never runs. Returns
 * whether such a fence was reported.
 */
function checkHtmlBlock(node: Html, open: string[], src: MarkdownSource, problems: Problems): boolean {
  let reported = false;
  const first = node.position!.start.line;
  const lines = blankComments(node.value).split('\n');
  for (const [i, line] of lines.entries()) {
    const fence = FENCE.exec(line);
    if (
      fence &&
      blockKind({ type: 'code', lang: fence[2] || null, meta: fence[3] || null, value: '' }) !== 'doc'
    ) {
      const inside = open.at(-1);
      const at = src.pos(first + i, line.search(/\S/) + 1);
      reported = true;
      if (inside !== undefined)
        problems.add(
          at,
          `this ${fenceName(fence[2], fence[3])} block is inside HTML (<${inside}>), where it would not run`,
          HINT,
        );
      else
        problems.add(
          at,
          `this ${fenceName(fence[2], fence[3])} block is part of the HTML block that starts at line ${first}, where it would not run`,
          'put a blank line before the fence',
        );
    }
    for (const [, closing, name = '', selfClosed] of line.matchAll(TAG)) {
      const tag = name.toLowerCase();
      if (VOID.has(tag) || OPTIONAL_END.has(tag) || selfClosed) continue;
      if (!closing) open.push(tag);
      else if (open.includes(tag)) open.length = open.lastIndexOf(tag);
      if (open.length > MAX_OPEN_HTML) {
        problems.add(
          src.pos(first + i, 1),
          `more than ${MAX_OPEN_HTML} HTML elements are open here (not closed since earlier lines)`,
          'close the elements (`</div>`) or remove the HTML',
        );
        // Stop following: every fence after this is refused as inside HTML anyway.
        open.length = MAX_OPEN_HTML;
        return true;
      }
    }
  }
  return reported;
}

/**
 * Comments blanked out (newlines kept, so line numbers hold). Linear: an unclosed `<!--` runs
 * to the end of the block, as it does for a Markdown reader; a pattern with a lazy `*?` took
 * time quadratic in the number of unclosed `<!--`.
 */
function blankComments(html: string): string {
  let out = '';
  let from = 0;
  for (let start = html.indexOf('<!--'); start >= 0; start = html.indexOf('<!--', from)) {
    const close = html.indexOf('-->', start + 4);
    const end = close < 0 ? html.length : close + 3;
    out += html.slice(from, start) + html.slice(start, end).replace(/[^\n]/g, ' ');
    from = end;
  }
  return out + html.slice(from);
}

function fenceName(lang: string | null | undefined, meta: string | null | undefined): string {
  return blockKind({ type: 'code', lang: lang ?? null, meta: meta ?? null, value: '' }) === 'drillbook'
    ? '```yaml drillbook'
    : `\`\`\`${lang}`;
}
