import { isTruthyValue } from './template.js';

/**
 * Evaluates a `when:` condition with its values as data. The operator (`==`, `!=`), a leading
 * `!`/`not` and the quotes around a side are found in the text the author wrote, with every
 * `{{ ... }}` masked; only then is each side rendered. A value holding `!=`, `==`, a leading
 * `not ` or quotes is compared as it is, never read as part of the condition: a probe's output
 * such as `not ready` or `a != b` must not flip whether a step runs.
 */
export function evaluateWhenTemplate(when: string, render: (template: string) => string): boolean {
  const masked = maskTemplates(when);
  const op = /==|!=/.exec(masked);
  if (op) {
    const left = renderSide(when.slice(0, op.index), render);
    const right = renderSide(when.slice(op.index + 2), render);
    return op[0] === '==' ? left === right : left !== right;
  }
  const negated = /^(\s*(?:!|not\s+))/i.exec(masked);
  if (negated) return !evaluateWhenTemplate(when.slice(negated[1]!.length), render);
  return isTruthyValue(renderSide(when, render));
}

/** The template with each `{{ ... }}` replaced by as many NUL characters. */
function maskTemplates(template: string): string {
  return template.replace(/\{\{[\s\S]*?\}\}/g, (m) => '\0'.repeat(m.length));
}

/** One side, trimmed, with the author's surrounding quotes dropped, then rendered. */
function renderSide(side: string, render: (template: string) => string): string {
  const text = side.trim();
  const quoted = /^'([\s\S]*)'$|^"([\s\S]*)"$/.exec(maskTemplates(text)) ? text.slice(1, -1) : undefined;
  return quoted !== undefined ? render(quoted) : render(text).trim();
}
