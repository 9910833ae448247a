import { describe, expect, it } from 'vitest';
import { formatJsonPath, jsonEquals, parseJsonPath, valueAt } from '../../src/actions/json-path.js';

const doc = { a: { b: [{ c: 1 }, { c: 'two' }] }, 'odd key': true, list: ['x', 'y'], n: null };

function at(path: string): unknown {
  const parsed = parseJsonPath(path);
  if (!Array.isArray(parsed)) throw new Error(parsed.error);
  const found = valueAt(doc, parsed);
  return found.found ? found.value : 'MISSING';
}

describe('json path', () => {
  it('reads $-paths, dotted paths and quoted keys', () => {
    expect(at('$.a.b[1].c')).toBe('two');
    expect(at('a.b.0.c')).toBe(1);
    expect(at("$['odd key']")).toBe(true);
    expect(at('$["a"].b[0]')).toEqual({ c: 1 });
    expect(at('$.list[1]')).toBe('y');
    expect(at('$.n')).toBeNull();
    expect(at('$')).toEqual(doc);
  });

  it('reports a missing value rather than undefined', () => {
    expect(at('$.a.b[2]')).toBe('MISSING');
    expect(at('$.a.x')).toBe('MISSING');
    expect(at('$.list.x')).toBe('MISSING');
    expect(at('$.n.x')).toBe('MISSING');
    expect(at('$.a.b[0].c.d')).toBe('MISSING');
    expect(at('$.a.constructor')).toBe('MISSING');
  });

  it('rejects malformed paths with a message', () => {
    for (const bad of ['$.', '$..a', '$[x]', '$.a[', 'a b', '$a']) {
      expect(parseJsonPath(bad), bad).toHaveProperty('error');
    }
  });

  it('formats paths canonically for messages', () => {
    const p = parseJsonPath("a.b.0['odd key']");
    expect(Array.isArray(p) && formatJsonPath(p)).toBe("$.a.b[0]['odd key']");
    const q = parseJsonPath('$.checks[0].state');
    expect(Array.isArray(q) && formatJsonPath(q)).toBe('$.checks[0].state');
  });

  it('compares deeply, and primitives by their text', () => {
    expect(jsonEquals({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toBe(true);
    expect(jsonEquals({ a: 1, extra: 2 }, { a: 1 })).toBe(false);
    expect(jsonEquals([1, 2], [1, 2, 3])).toBe(false);
    expect(jsonEquals(200, '200')).toBe(true);
    expect(jsonEquals(true, 'true')).toBe(true);
    expect(jsonEquals(null, 'null')).toBe(false);
    expect(jsonEquals(null, null)).toBe(true);
    expect(jsonEquals({ a: 1 }, '[object Object]')).toBe(false);
  });
});
