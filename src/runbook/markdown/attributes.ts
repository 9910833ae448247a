/** One `key=value` from a fence's `{...}`, with the column where the key starts. */
export interface Attribute {
  key: string;
  value: unknown;
  column: number;
}

export class AttributeError extends Error {
  constructor(
    message: string,
    readonly column: number,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Keys whose values are always text, even when they look like numbers (`id=42`). */
const TEXT_KEYS = new Set([
  'id',
  'name',
  'description',
  'save',
  'when',
  'confirm',
  'host',
  'cwd',
  'env',
  'await',
]);
const KEY = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const EXAMPLE = 'write them as ```sh {host=blue timeout=2m retries=2}';

/**
 * Parses the attributes after a fence's language: `{host=blue timeout=2m}`, quoted values
 * (`name="a b"`), bare flags (`{continue_on_error}` = true) and the JSON form Runme writes
 * (`{"id":"x","timeout":"2m"}`). `column` is where `meta` starts in the file; throws
 * AttributeError with the column of the problem.
 */
export function parseAttributes(meta: string | null | undefined, column: number): Attribute[] {
  const text = (meta ?? '').trimEnd();
  if (text === '') return [];
  if (!text.startsWith('{')) {
    throw new AttributeError('bad attribute syntax: attributes go in braces', column, EXAMPLE);
  }
  if (/^\{\s*"/.test(text)) return parseJson(text, column);
  return parseKeyValues(text, column);
}

function parseJson(text: string, column: number): Attribute[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AttributeError(
      `bad attribute syntax: invalid JSON (${(error as Error).message})`,
      column,
      EXAMPLE,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AttributeError('bad attribute syntax: expected a JSON object', column, EXAMPLE);
  }
  return Object.entries(value).map(([key, v]) => {
    const at = text.indexOf(JSON.stringify(key));
    return { key, value: v, column: column + Math.max(at, 0) };
  });
}

function parseKeyValues(text: string, column: number): Attribute[] {
  const attrs: Attribute[] = [];
  let i = 1;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
  };
  for (;;) {
    skipSpace();
    if (i >= text.length) throw new AttributeError('bad attribute syntax: missing `}`', column + i, EXAMPLE);
    if (text[i] === '}') break;
    KEY.lastIndex = i;
    const key = KEY.exec(text)?.[0];
    if (!key) {
      throw new AttributeError(
        `bad attribute syntax: expected an attribute name at \`${text.slice(i, i + 10)}\``,
        column + i,
        EXAMPLE,
      );
    }
    const keyColumn = column + i;
    i += key.length;
    let value: unknown = true;
    if (text[i] === '=') {
      i++;
      value = readValue(key, keyColumn);
    } else if (i < text.length && !/[\s}]/.test(text[i] ?? '')) {
      throw new AttributeError(
        `bad attribute syntax: unexpected \`${text[i]}\` after \`${key}\``,
        column + i,
        EXAMPLE,
      );
    }
    if (attrs.some((a) => a.key === key)) {
      throw new AttributeError(`attribute \`${key}\` is given twice`, keyColumn);
    }
    attrs.push({ key, value, column: keyColumn });
  }
  const rest = text.slice(i + 1).trim();
  if (rest !== '') {
    throw new AttributeError(
      `bad attribute syntax: unexpected \`${rest}\` after \`}\``,
      column + text.indexOf(rest, i + 1),
    );
  }
  return attrs;

  function readValue(key: string, keyColumn: number): unknown {
    const quote = text[i];
    if (quote === '"' || quote === "'") {
      const start = i;
      let out = '';
      for (i++; i < text.length && text[i] !== quote; i++) {
        if (text[i] === '\\' && quote === '"' && i + 1 < text.length) i++;
        out += text[i];
      }
      if (i >= text.length) {
        throw new AttributeError(
          `bad attribute syntax: the quoted value of \`${key}\` is never closed`,
          column + start,
        );
      }
      i++;
      return out;
    }
    const start = i;
    while (i < text.length && !/[\s}]/.test(text[i] ?? '')) i++;
    const raw = text.slice(start, i);
    if (raw === '') {
      throw new AttributeError(
        `bad attribute syntax: \`${key}=\` has no value`,
        keyColumn,
        `write ${key}="" for an empty value`,
      );
    }
    return TEXT_KEYS.has(key) ? raw : scalar(raw);
  }
}

/** Unquoted values read like YAML scalars: `2` is a number, `true` a boolean, `2m` text. */
function scalar(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}
