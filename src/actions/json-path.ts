/**
 * A tiny JSON path: `$.a.b[0]`, `$['a b'].c`, or the dotted form `a.b.0`. Enough to point at
 * one value in a health-check response; no wildcards, filters or slices.
 */
export type JsonPath = Array<string | number>;

/** Parses a path; returns an error message instead for a malformed one. */
export function parseJsonPath(text: string): JsonPath | { error: string } {
  const path: JsonPath = [];
  let rest = text.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  else if (rest !== '') rest = `.${rest}`; // dotted form: `a.b.0` reads as `$.a.b.0`
  while (rest !== '') {
    const m =
      /^\.([A-Za-z0-9_$-]+)/.exec(rest) ??
      /^\[(\d+)\]/.exec(rest) ??
      /^\[(?:'([^']*)'|"([^"]*)")\]/.exec(rest);
    if (!m) return { error: `cannot read "${rest}" in JSON path "${text}"` };
    if (m[0].startsWith('[') && /^\[\d+\]$/.test(m[0])) path.push(Number(m[1]));
    else path.push(m[1] ?? m[2] ?? '');
    rest = rest.slice(m[0].length);
  }
  return path;
}

/**
 * The value at `path`, or `found: false`. A number picks an array element; a numeric key in
 * the dotted form (`items.0`) also picks one.
 */
export function valueAt(root: unknown, path: JsonPath): { found: true; value: unknown } | { found: false } {
  let value = root;
  for (const key of path) {
    if (Array.isArray(value)) {
      const index = typeof key === 'number' ? key : /^\d+$/.test(key) ? Number(key) : Number.NaN;
      if (!(index < value.length)) return { found: false };
      value = value[index];
    } else if (value !== null && typeof value === 'object' && Object.hasOwn(value, String(key))) {
      value = (value as Record<string, unknown>)[String(key)];
    } else {
      return { found: false };
    }
  }
  return { found: true, value };
}

/** Formats a parsed path the canonical way, for messages: `$.a.b[0]`. */
export function formatJsonPath(path: JsonPath): string {
  return `$${path
    .map((k) =>
      /^\d+$/.test(String(k)) ? `[${k}]` : /^[A-Za-z_$][\w$-]*$/.test(String(k)) ? `.${k}` : `['${k}']`,
    )
    .join('')}`;
}

/**
 * Deep equality for expectations written in YAML. Primitives of different types compare by
 * their text, so `equals: 200` matches "200" and a templated `equals: "{{ vars.n }}"` matches 3.
 */
export function jsonEquals(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((e, i) => jsonEquals(actual[i], e))
    );
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = Object.keys(e);
    return (
      keys.length === Object.keys(a).length &&
      keys.every((k) => Object.hasOwn(a, k) && jsonEquals(a[k], e[k]))
    );
  }
  if (actual === null || expected === null) return actual === expected;
  if (typeof actual === 'object') return false;
  return actual === expected || String(actual) === String(expected);
}
