import type { ErrorObject } from 'ajv';
import { didYouMean } from './did-you-mean.js';
import { DURATION_PATTERN } from './duration.js';
import type { LoadError } from './errors.js';
import { childPath, positionOf, type RawDocument } from './raw.js';

/** `/steps/3/timeout` -> `steps[3].timeout`. */
export function pointerToPath(pointer: string): string {
  let path = '';
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    path = /^\d+$/.test(key) ? childPath(path, Number(key)) : childPath(path, key);
  }
  return path;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
  null: 'nothing',
};

function describeType(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function valueAt(data: unknown, pointer: string): unknown {
  let v: unknown = data;
  for (const part of pointer.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

/**
 * Turns ajv's errors into messages a person can act on. `anyOf`/`oneOf` produce one error
 * per failed branch; we keep the branches that match the value's type (the one the author
 * was writing) and fold pure type mismatches into one "expected X or Y".
 */
export function schemaErrorsToLoadErrors(doc: RawDocument, errors: ErrorObject[]): LoadError[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const out: LoadError[] = [];
  const seen = new Set<string>();
  const withDeeperErrors = ancestorsOf(errors);
  for (const [pointer, list] of byPath) {
    // A type error next to errors deeper inside the value is a oneOf branch the author was
    // not writing (e.g. the string form of `run:` when they wrote the object form).
    const deeper = withDeeperErrors.has(pointer);
    if (deeper) list.splice(0, list.length, ...list.filter((e) => e.keyword !== 'type'));
    if (list.length === 0) continue;
    const nonType = list.filter((e) => e.keyword !== 'type');
    const chosen = nonType.length > 0 ? nonType : list;
    const typeErrors = list.filter((e) => e.keyword === 'type');
    if (nonType.length === 0 && typeErrors.length > 0) {
      const expected = [
        ...new Set(typeErrors.flatMap((e) => [e.params['type'] as string | string[]].flat())),
      ];
      const words = expected.map((t) => TYPE_WORDS[t] ?? t).join(' or ');
      push(pointer, `expected ${words}, got ${describeType(valueAt(doc.data, pointer))}`);
      continue;
    }
    for (const e of chosen) {
      const m = message(e);
      if (m) push(m.pointer ?? pointer, m.message, m.hint);
    }
  }
  return out;

  function push(pointer: string, message: string, hint?: string): void {
    const path = pointerToPath(pointer);
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    const pos = positionOf(doc, path);
    out.push(hint === undefined ? { ...pos, path, message } : { ...pos, path, message, hint });
  }

  function message(e: ErrorObject): { pointer?: string; message: string; hint?: string } | undefined {
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String(p['additionalProperty']);
        const allowed = Object.keys((e.parentSchema?.['properties'] as object | undefined) ?? {});
        const guess = didYouMean(key, allowed);
        return {
          pointer: `${e.instancePath}/${key}`,
          message: `unknown key "${key}"`,
          hint: guess
            ? `did you mean "${guess}"?`
            : allowed.length
              ? `expected one of: ${allowed.join(', ')}`
              : undefined,
        } as { pointer: string; message: string; hint?: string };
      }
      case 'required':
        return { message: `missing required key "${String(p['missingProperty'])}"` };
      case 'pattern': {
        const pattern = String(p['pattern']);
        if (pattern === DURATION_PATTERN)
          return {
            message: `expected a duration like 500ms, 30s, 4m or 1h30m, got ${describeType(valueAt(doc.data, e.instancePath))}`,
            hint: 'units d, h, m, s, ms from largest to smallest, no spaces',
          };
        return {
          message: `expected a name of letters, digits, "_", "-" or "." (got ${describeType(valueAt(doc.data, e.instancePath))})`,
        };
      }
      case 'enum':
        return {
          message: `expected one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        };
      case 'const':
        return { message: `expected ${JSON.stringify(p['allowedValue'])}` };
      case 'minimum':
        return {
          message: `expected a number >= ${String(p['limit'])}, got ${String(valueAt(doc.data, e.instancePath))}`,
        };
      case 'maximum':
        return { message: `expected a number <= ${String(p['limit'])}` };
      case 'minItems':
        return { message: `expected at least ${String(p['limit'])} item(s)` };
      case 'minLength':
        return { message: 'expected a non-empty string' };
      case 'minProperties':
      case 'maxProperties':
        return { message: 'expected exactly one action, e.g. { run: ... }' };
      case 'propertyNames':
        return undefined; // reported by the nested pattern error
      default:
        return { message: e.message ?? `invalid (${e.keyword})` };
    }
  }
}

/**
 * Every pointer that has an error somewhere below it. Built once, in time linear in the
 * errors, so a runbook with 30000 mistakes is not checked pairwise (that took minutes).
 */
function ancestorsOf(errors: ErrorObject[]): Set<string> {
  const ancestors = new Set<string>();
  for (const e of errors) {
    let pointer = e.instancePath;
    for (let slash = pointer.lastIndexOf('/'); slash >= 0; slash = pointer.lastIndexOf('/')) {
      pointer = pointer.slice(0, slash);
      if (ancestors.has(pointer)) break;
      ancestors.add(pointer);
    }
  }
  return ancestors;
}
