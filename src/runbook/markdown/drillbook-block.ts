import type { Code } from 'mdast';
import { parseYamlWithPositions } from '../yaml-positions.js';
import type { Draft } from './draft.js';
import type { MarkdownSource, Problems } from './source.js';

/**
 * A ```yaml drillbook block: YAML whose keys merge into the step (or, before the first `##`,
 * into the runbook's top level) exactly as if written in a YAML runbook.
 */
export function addDrillbookBlock(draft: Draft, code: Code, src: MarkdownSource, problems: Problems): void {
  const start = code.position!.start;
  const fence = src.pos(start.line, start.column);
  const parsed = parseYamlWithPositions(code.value, src.file, start.line);
  if (!parsed.ok) {
    const e = parsed.error;
    problems.add(e, `in this \`\`\`yaml drillbook block: ${e.message}`, e.hint, draft.path);
    return;
  }
  const { data } = parsed;
  if (data === null || data === undefined) {
    problems.add(
      fence,
      'this ```yaml drillbook block is empty',
      'put step keys in it, e.g. `wait: 5s`',
      draft.path,
    );
    return;
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    problems.add(
      src.pos(start.line + 1, start.column),
      `a \`\`\`yaml drillbook block holds ${draft.noun} keys as a mapping, e.g. \`wait: 5s\``,
      undefined,
      draft.path,
    );
    return;
  }
  for (const [key, value] of Object.entries(data)) {
    if (!draft.set(key, value, parsed.positions.get(key) ?? fence)) continue;
    for (const [path, pos] of parsed.positions) {
      if (path.startsWith(`${key}.`) || path.startsWith(`${key}[`)) draft.position(path, pos);
    }
  }
}
