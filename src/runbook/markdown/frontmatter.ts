import { parseYamlWithPositions } from '../yaml-positions.js';
import type { MarkdownSource, Problems } from './source.js';
import type { Positions } from './types.js';

export interface Frontmatter {
  data: Record<string, unknown>;
  positions: Positions;
  /** The Markdown after the frontmatter, with the frontmatter lines blanked so lines match. */
  body: string;
}

const FENCE = /^---[ \t]*$/;
const CLOSE = /^(?:---|\.\.\.)[ \t]*$/;

/**
 * Splits YAML frontmatter (`---` on the first line up to the next `---`) off the Markdown.
 * Its lines become blank lines so the Markdown parser reports the file's own line numbers.
 */
export function splitFrontmatter(src: MarkdownSource, problems: Problems): Frontmatter {
  const empty: Frontmatter = { data: {}, positions: new Map(), body: src.text };
  if (!FENCE.test(src.line(1))) return empty;
  const end = src.lines.findIndex((l, i) => i > 0 && CLOSE.test(l));
  if (end === -1) {
    problems.fatal(
      src.pos(1),
      'the frontmatter that starts here is never closed',
      'add a `---` line after it',
    );
  }
  const yamlText = src.lines.slice(1, end).join('\n');
  const body = '\n'.repeat(end + 1) + src.lines.slice(end + 1).join('\n');
  const parsed = parseYamlWithPositions(yamlText, src.file, 1);
  if (!parsed.ok)
    problems.fatal(parsed.error, `in the frontmatter: ${parsed.error.message}`, parsed.error.hint);
  if (parsed.data === null || parsed.data === undefined) return { ...empty, body };
  if (typeof parsed.data !== 'object' || Array.isArray(parsed.data)) {
    problems.fatal(
      src.pos(2),
      'the frontmatter must be a YAML mapping (keys like name:, hosts:, vars:)',
      'or remove the `---` lines',
    );
  }
  return { data: parsed.data as Record<string, unknown>, positions: parsed.positions, body };
}
