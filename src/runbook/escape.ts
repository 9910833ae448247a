/**
 * Characters that must never reach a terminal raw from text a runbook supplied: C0 and C1
 * controls (ESC starts terminal escape sequences), DEL, bidirectional overrides and isolates
 * (U+202E makes `evil.sh` display as `hs.live`), invisible marks and zero-width characters
 * (two names that look identical), line separators, and lone surrogates.
 */
const UNSAFE =
  /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Replaces each unsafe character with a visible escape, `\u202E`, `\u001B`, `\n`; all else is kept. */
export function escapeUnsafe(text: string): string {
  return text.replace(
    UNSAFE,
    (ch) => NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
}
