import type { RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import type { SourcePos } from '../errors.js';
import type { RawDocument } from '../raw.js';
import { checkCallouts } from './callout-check.js';
import { Draft } from './draft.js';
import { checkFencesClosed } from './fences.js';
import { splitFrontmatter } from './frontmatter.js';
import { checkHtmlNesting } from './html-nesting.js';
import { checkMarkdownLimits, checkTreeDepth } from './limits.js';
import { blocksText } from './prose.js';
import { headingText, type Outline, outline, type Section } from './sections.js';
import { checkReadable, MarkdownSource, Problems } from './source.js';
import { buildStep, readBody } from './step.js';
import type { Positions } from './types.js';

/**
 * Maps a Markdown runbook onto the plain data a YAML runbook holds (frontmatter = top-level
 * keys, `#` = title, each `##` = a step), with the Markdown position of every part, for the
 * shared validator. Throws RunbookError for Markdown-structural problems only; the contents
 * of actions are the validator's business.
 */
export function parseMarkdown(file: string, text: string): RawDocument {
  checkReadable(file, text);
  const src = new MarkdownSource(file, text);
  const problems = new Problems();
  checkMarkdownLimits(src, problems);
  const front = splitFrontmatter(src, problems);
  const tree = fromMarkdown(front.body);
  checkTreeDepth(tree, src, problems);
  checkFencesClosed(tree, src, problems);
  checkCallouts(tree, src, problems);
  const refused = checkHtmlNesting(tree, src, problems);

  const positions: Positions = new Map(front.positions);
  const top = new Draft('', 'runbook', positions, problems);
  for (const [key, value] of Object.entries(front.data)) {
    // Runme keeps its own document id under `runme:` in files it saves; it means nothing here.
    if (key === 'runme') continue;
    top.set(key, value, front.positions.get(key) ?? src.pos(1));
  }

  const doc = outline(tree);
  if (doc.title) {
    const at = doc.title.children[0]?.position?.start ?? doc.title.position!.start;
    top.setDefault('title', headingText(doc.title), src.pos(at.line, at.column));
  }
  const { prose } = readBody(top, doc.preamble, src, problems, refused);
  const description = blocksText(prose);
  if (description) {
    const first = prose.find((n) => blocksText([n]) !== '')!.position!.start;
    top.setDefault('description', description, src.pos(first.line, first.column));
  }

  if (doc.sections.length === 0 && !('steps' in top.data)) {
    problems.add(
      noStepsAt(doc, src),
      'no steps: each `##` heading is a step',
      'add a `## Step name` with a ```sh block under it',
    );
  }
  for (const section of doc.sections) addSection(top, section, src, problems, refused);
  problems.throwIfAny();
  return { file, format: 'markdown', text, data: top.data, positions };
}

function addSection(
  top: Draft,
  section: Section,
  src: MarkdownSource,
  problems: Problems,
  refused: ReadonlySet<RootContent>,
): void {
  const heading = section.heading.position!.start;
  const at = src.pos(heading.line, heading.column);
  const target = listFor(top, section.list, at, problems);
  if (!target) return;
  const path = `${target.path}[${target.list.length}]`;
  const step = new Draft(path, 'step', top.positionsMap, problems);
  top.position(path, at);
  buildStep(step, section, src, problems, refused);
  target.list.push(step.data);
}

/**
 * The list a heading appends to. Frontmatter may start a list (e.g. `steady_state:` probes in
 * YAML) and `##` headings add to it; `stop_when: {every: 10s}` takes heading probes too.
 */
function listFor(
  top: Draft,
  key: Section['list'],
  at: SourcePos,
  problems: Problems,
): { list: unknown[]; path: string } | undefined {
  const existing = top.data[key];
  if (existing === undefined) {
    const list: unknown[] = [];
    top.setDefault(key, list, at);
    return { list, path: key };
  }
  if (Array.isArray(existing)) return { list: existing, path: key };
  if (key === 'stop_when' && existing !== null && typeof existing === 'object') {
    const holder = existing as { probes?: unknown };
    holder.probes ??= [];
    if (Array.isArray(holder.probes)) return { list: holder.probes, path: 'stop_when.probes' };
  }
  problems.add(
    at,
    `the frontmatter's \`${key}:\` is not a list, so this \`##\` step cannot be added to it`,
    undefined,
    key,
  );
  return undefined;
}

function noStepsAt(doc: Outline, src: MarkdownSource): SourcePos {
  const start = doc.title?.position?.start ?? doc.preamble[0]?.position?.start;
  return start ? src.pos(start.line, start.column) : src.pos(1);
}
