import { childPath } from './raw.js';

/** Nodes after expanding aliases: bounds "billion laughs" documents. */
export const MAX_NODES = 200_000;
/** Depth after expanding aliases; the parser's own limit (64) bounds each written level. */
export const MAX_DATA_DEPTH = 64;

export type ShapeProblem =
  | { kind: 'cycle'; path: string }
  | { kind: 'deep'; path: string }
  | { kind: 'large'; path: string };

/**
 * Walks parsed runbook data as every later step will (aliases expanded), without recursion,
 * and stops at the first thing that would make those walks endless or blow the stack: a
 * value that contains itself (`vars: &v {a: *v}`), nesting deeper than MAX_DATA_DEPTH, or
 * more than MAX_NODES values. Returns where, for a message with a position.
 */
export function checkDataShape(data: unknown): ShapeProblem | undefined {
  // Each frame is a container being walked: its remaining children, and its path.
  type Frame = { value: object; path: string; entries: [string | number, unknown][]; next: number };
  const open = new Set<object>();
  const stack: Frame[] = [];
  let count = 0;
  const enter = (value: unknown, path: string): ShapeProblem | undefined => {
    if (++count > MAX_NODES) return { kind: 'large', path };
    if (value === null || typeof value !== 'object') return undefined;
    if (open.has(value)) return { kind: 'cycle', path };
    if (stack.length >= MAX_DATA_DEPTH) return { kind: 'deep', path };
    open.add(value);
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [i, v])
      : Object.entries(value);
    stack.push({ value, path, entries, next: 0 });
    return undefined;
  };
  const first = enter(data, '');
  if (first) return first;
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as Frame;
    const entry = top.entries[top.next++];
    if (entry === undefined) {
      open.delete(top.value);
      stack.pop();
      continue;
    }
    const problem = enter(entry[1], childPath(top.path, entry[0]));
    if (problem) return problem;
  }
  return undefined;
}
