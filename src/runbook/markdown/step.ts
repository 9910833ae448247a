import type { Blockquote, Code, RootContent } from 'mdast';
import { isConfirmCallout, readCallout } from './callout.js';
import type { Draft } from './draft.js';
import { addDrillbookBlock } from './drillbook-block.js';
import { blockKind } from './fences.js';
import { blocksText } from './prose.js';
import type { Section } from './sections.js';
import { addShellBlock } from './shell-block.js';
import type { MarkdownSource, Problems } from './source.js';

/** Fills a step draft from one `##` section: name, description, action, confirm gate. */
export function buildStep(
  draft: Draft,
  section: Section,
  src: MarkdownSource,
  problems: Problems,
  refused: ReadonlySet<RootContent> = new Set(),
): void {
  const heading = section.heading.position!.start;
  const nameAt = section.heading.children[0]?.position?.start ?? heading;
  if (section.name === '') {
    problems.add(
      src.pos(heading.line, heading.column),
      'this `##` heading is empty',
      'its text names the step',
      draft.path,
    );
  }
  draft.setDefault('name', section.name, src.pos(nameAt.line, nameAt.column));
  const { prose, runnable } = readBody(draft, section.nodes, src, problems, refused);
  const description = blocksText(prose);
  if (description) {
    const first = prose.find((n) => blocksText([n]) !== '')?.position?.start ?? heading;
    draft.setDefault('description', description, src.pos(first.line, first.column));
  }
  if (runnable === 0) {
    problems.add(
      src.pos(heading.line, heading.column),
      'step has no action: add a ```sh block, a ```yaml drillbook block or a > [!CONFIRM]',
      undefined,
      draft.path,
    );
  }
}

/**
 * Feeds runnable blocks and callouts to the draft; returns the prose nodes left over and how
 * many runnable pieces there were. Shared with the preamble, where a draft of the top level
 * takes ```yaml drillbook keys. `refused` nodes were already reported (e.g. a fence inside
 * `<details>`); they count as runnable so the step does not also get a misleading "no action".
 */
export function readBody(
  draft: Draft,
  nodes: RootContent[],
  src: MarkdownSource,
  problems: Problems,
  refused: ReadonlySet<RootContent> = new Set(),
): { prose: RootContent[]; runnable: number } {
  const prose: RootContent[] = [];
  let runnable = 0;
  for (const node of nodes) {
    if (refused.has(node)) {
      runnable++;
    } else if (node.type === 'code' && draft.noun === 'step' && isIndentedCode(node, src)) {
      runnable++;
      refuseIndentedCode(node, src, problems);
    } else if (node.type === 'code') {
      const kind = blockKind(node);
      if (kind !== 'doc') runnable++;
      if (kind === 'drillbook') addDrillbookBlock(draft, node, src, problems);
      else if (kind === 'shell') shellOrStray(draft, node, src, problems);
    } else if (node.type === 'blockquote' && isConfirmCallout(node)) {
      runnable++;
      addCallout(draft, node, src, problems);
    } else {
      reportNestedBlocks(node, src, problems);
      prose.push(node);
    }
  }
  return { prose, runnable };
}

/** A code block made by indenting four spaces: no fence, so no language and no attributes. */
function isIndentedCode(code: Code, src: MarkdownSource): boolean {
  const start = code.position!.start;
  return !/^[ \t]*(```|~~~)/.test(src.line(start.line).slice(start.column - 1));
}

/**
 * An indented block looks like a command on GitHub, but it has no language to say it runs.
 * Running it would guess; ignoring it would let a reader believe it ran. It is refused.
 */
function refuseIndentedCode(code: Code, src: MarkdownSource, problems: Problems): void {
  const start = code.position!.start;
  problems.add(
    src.pos(start.line, start.column),
    'this indented code block never runs: only a ```sh fence (or ```yaml drillbook) at the top level of a step runs',
    'fence it as ```sh to run it, or as ```console / ```text to show it',
  );
}

function shellOrStray(draft: Draft, code: Code, src: MarkdownSource, problems: Problems): void {
  if (draft.noun === 'step') {
    addShellBlock(draft, code, src, problems);
    return;
  }
  const start = code.position!.start;
  problems.add(
    src.pos(start.line, start.column),
    `this \`\`\`${code.lang} block comes before the first \`##\` heading, so it belongs to no step`,
    'put a `## Step name` heading above it, or mark it as documentation (```console)',
  );
}

function addCallout(draft: Draft, node: Blockquote, src: MarkdownSource, problems: Problems): void {
  const start = node.position!.start;
  const at = src.pos(start.line, start.column);
  if (draft.noun !== 'step') {
    problems.add(at, 'this > [!CONFIRM] comes before the first `##` heading, so it belongs to no step');
    return;
  }
  const callout = readCallout(node, src);
  if (!callout) {
    problems.add(
      at,
      'this > [!CONFIRM] has no question',
      'write the question on the next `>` line',
      draft.pathOf('confirm'),
    );
    return;
  }
  if (!draft.set('confirm', callout.confirm, at)) return;
  if (typeof callout.confirm === 'string') return;
  for (const [key, pos] of callout.positions) draft.position(`confirm.${key}`, pos);
}

/**
 * Runnable blocks and gates inside lists or quotes would be easy to miss; they do not run
 * (a nested gate would not stop the step), so say so rather than skip them silently.
 */
function reportNestedBlocks(node: RootContent, src: MarkdownSource, problems: Problems): void {
  if (!('children' in node)) return;
  for (const child of node.children as RootContent[]) {
    const start = child.position!.start;
    if (child.type === 'code' && blockKind(child) !== 'doc') {
      problems.add(
        src.pos(start.line, start.column),
        `this \`\`\`${child.lang} block is inside a list or quote, where it would not run`,
        'move it to the top level (no indentation), or mark it as documentation (```console)',
      );
    } else if (child.type === 'blockquote' && isConfirmCallout(child)) {
      problems.add(
        src.pos(start.line, start.column),
        'this > [!CONFIRM] is inside a list or quote, where it would not stop the step',
        'move it to the top level (no indentation)',
      );
    } else {
      reportNestedBlocks(child, src, problems);
    }
  }
}
