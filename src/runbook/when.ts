import { parseTemplate, renderTemplate, type TemplateScope } from './template.js';

/**
 * A `when:` condition with its values filled in, each character marked as the author's
 * (literal text) or a value's. Operators, negation and quotes are recognised only in the
 * author's text: a value is data, never part of the condition's syntax, so
 * `--var 'env=x == x'` cannot make `when: "{{ vars.env }} == prod"` hold.
 */
interface Marked {
  text: string;
  /** authored[i]: character i was written by the runbook's author. */
  authored: boolean[];
}

const FALSY = new Set(['', 'false', '0', 'no', 'off', 'null']);

/**
 * Evaluates a `when:` template. The language (unchanged):
 *   `a == b`, `a != b`   string comparison of the trimmed sides (one pair of surrounding
 *                        quotes, '...' or "...", written by the author is dropped)
 *   `!x`, `not x`        negation
 *   `x`                  false when empty, false, 0, no, off or null (any case); else true
 * Throws the template's `TemplateError` when a value it needs has none.
 */
export function evaluateWhenTemplate(when: string, scope: TemplateScope): boolean {
  let text = '';
  const authored: boolean[] = [];
  for (const part of parseTemplate(when)) {
    const piece =
      typeof part === 'string'
        ? part
        : renderTemplate(when.slice(part.start, part.end), scope, { shell: false });
    text += piece;
    for (let i = 0; i < piece.length; i++) authored.push(typeof part === 'string');
  }
  return evaluate({ text, authored }, 0, text.length);
}

function evaluate(m: Marked, from: number, to: number): boolean {
  const [start, end] = trimmed(m, from, to);
  for (let i = start; i + 1 < end; i++) {
    const op = m.text.slice(i, i + 2);
    if ((op === '==' || op === '!=') && m.authored[i] && m.authored[i + 1]) {
      const equal = side(m, start, i) === side(m, i + 2, end);
      return op === '==' ? equal : !equal;
    }
  }
  if (start < end && m.text[start] === '!' && m.authored[start]) return !evaluate(m, start + 1, end);
  const not = /^not\s+/i.exec(m.text.slice(start, Math.min(end, start + 64)));
  if (not && m.authored.slice(start, start + not[0].length).every(Boolean))
    return !evaluate(m, start + not[0].length, end);
  return !FALSY.has(side(m, start, end).toLowerCase());
}

/** The text of [from, to), trimmed, without one pair of surrounding quotes the author wrote. */
function side(m: Marked, from: number, to: number): string {
  const [start, end] = trimmed(m, from, to);
  const first = m.text[start];
  const quoted =
    end - start >= 2 &&
    (first === "'" || first === '"') &&
    m.text[end - 1] === first &&
    m.authored[start] === true &&
    m.authored[end - 1] === true;
  return quoted ? m.text.slice(start + 1, end - 1) : m.text.slice(start, end);
}

function trimmed(m: Marked, from: number, to: number): [number, number] {
  let start = from;
  let end = to;
  while (start < end && /\s/.test(m.text[start] ?? '')) start++;
  while (end > start && /\s/.test(m.text[end - 1] ?? '')) end--;
  return [start, end];
}
