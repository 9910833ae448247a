import yaml from 'js-yaml';
import type { LoadError, SourcePos } from './errors.js';
import { childPath } from './raw.js';

/** Deeper nesting than any runbook needs; refusing it keeps the parser's stack safe. */
const MAX_DEPTH = 64;

interface Frame {
  open: number;
  result?: unknown;
  children: Frame[];
}

export type YamlParse =
  | { ok: true; data: unknown; positions: Map<string, SourcePos> }
  | { ok: false; error: LoadError };

/**
 * Parses YAML with js-yaml and records where every mapping key and sequence item starts.
 * js-yaml has no AST, but its `listener` option reports when each node opens and closes;
 * keys and values of a mapping close in document order, so the frames line up with the
 * parsed object's entries. `lineOffset` shifts positions for YAML embedded in Markdown.
 */
export function parseYamlWithPositions(
  text: string,
  file: string,
  lineOffset = 0,
  columnOffset = 0,
): YamlParse {
  const root: Frame = { open: 0, children: [] };
  const stack: Frame[] = [root];
  let data: unknown;
  try {
    data = yaml.load(text, {
      filename: file,
      maxDepth: MAX_DEPTH,
      listener(event, state) {
        if (event === 'open') {
          stack.push({ open: state.position, children: [] });
        } else {
          const frame = stack.pop();
          if (!frame) return;
          frame.result = state.result;
          stack[stack.length - 1]?.children.push(frame);
        }
      },
    } as yaml.LoadOptions);
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      const mark = error.mark as { line?: number; column?: number } | undefined;
      const reason = error.reason || error.message;
      return {
        ok: false,
        error: {
          file,
          line: (mark?.line ?? 0) + 1 + lineOffset,
          column: (mark?.column ?? 0) + 1 + (mark?.line ? 0 : columnOffset),
          path: '',
          message: `YAML syntax error: ${reason}`,
        },
      };
    }
    throw error;
  }
  const lines = lineStarts(text);
  const toPos = (offset: number): SourcePos => {
    const start = skipBlank(text, offset);
    const line = findLine(lines, start);
    return {
      file,
      line: line + 1 + lineOffset,
      column: start - (lines[line] ?? 0) + 1 + (line === 0 ? columnOffset : 0),
    };
  };
  const positions = new Map<string, SourcePos>();
  const top = root.children[0];
  if (top) mapFrame(top, '', positions, toPos, new Set());
  return { ok: true, data, positions };
}

function mapFrame(
  frame: Frame,
  path: string,
  positions: Map<string, SourcePos>,
  toPos: (offset: number) => SourcePos,
  seen: Set<unknown>,
): void {
  const value = frame.result;
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  // An alias shares its anchor's object: map it once, where it was defined.
  seen.add(value);
  // A frame that wraps a single child with the same result (js-yaml re-enters composeNode
  // when it probes for an implicit mapping) is transparent.
  let f = frame;
  while (f.children.length === 1 && f.children[0]?.result === value) f = f.children[0];
  if (Array.isArray(value)) {
    if (f.children.length !== value.length) return;
    f.children.forEach((child, i) => {
      const p = childPath(path, i);
      positions.set(p, toPos(child.open));
      mapFrame(child, p, positions, toPos, seen);
    });
    return;
  }
  const kids = f.children;
  for (let i = 0; i + 1 < kids.length; i += 2) {
    const key = kids[i];
    const val = kids[i + 1];
    if (!key || !val) break;
    const name = String(key.result);
    if (!Object.hasOwn(value, name)) continue;
    const p = childPath(path, name);
    positions.set(p, toPos(key.open));
    mapFrame(val, p, positions, toPos, seen);
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function findLine(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Skips spaces, newlines, `#` comments and a sequence dash to where a node's text begins. */
function skipBlank(text: string, offset: number): number {
  let i = offset;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') i++;
    else if (ch === '#') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl;
    } else break;
  }
  return i;
}
