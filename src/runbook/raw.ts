import type { SourcePos } from './errors.js';

/**
 * What a front-end (YAML or Markdown loader) hands to the shared validator: the runbook as
 * plain data in the YAML form (see README "Runbook format"), plus where each part came from.
 */
export interface RawDocument {
  file: string;
  format: 'yaml' | 'markdown';
  /** The whole source text; its sha256 becomes the runbook digest. */
  text: string;
  data: unknown;
  /**
   * Source position by path, in the validator's path syntax: `` (root), `steps`,
   * `steps[3]`, `steps[3].timeout`, `hosts.blue.port`. Keys map to the position of the key
   * (or of the value for list items). Missing paths fall back to the nearest ancestor.
   */
  positions: Map<string, SourcePos>;
}

/** Position for `path`, walking up to the nearest ancestor that has one. */
export function positionOf(doc: RawDocument, path: string): SourcePos {
  let p = path;
  for (;;) {
    const found = doc.positions.get(p);
    if (found) return found;
    if (p === '') return { file: doc.file, line: 1, column: 1 };
    p = parentPath(p);
  }
}

export function parentPath(path: string): string {
  const m = /^(.*?)(?:\.[^.[\]]+|\[\d+\])$/.exec(path);
  return m ? (m[1] ?? '') : '';
}

/** Joins a path and a key or index the way `positions` keys are written. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}
