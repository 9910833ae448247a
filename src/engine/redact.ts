import { renderedForms } from './secret-forms.js';
import { unfinishedEscapeStart, visibleForm, visibleText } from './visible-text.js';

/** What a redacted secret is replaced with. */
export const MASK = '***';

/**
 * Secret values shorter than this are not redacted: masking a 1-3 character value would
 * mangle ordinary output (every `a`, every `on`) while hiding nothing an attacker could not
 * guess. `warnings` says so, so the engine can tell the person once.
 */
export const MIN_SECRET_LENGTH = 4;

export interface RedactStream {
  /** Returns what can be shown now; a possible start of a secret at the end is held back. */
  push(chunk: string): string;
  /** Returns whatever is still held back; call once at the end of the stream. */
  flush(): string;
}

export interface Redactor {
  /** Replaces every occurrence of every secret with `***`. */
  redact(text: string): string;
  /** A redactor for one stream of chunks (a secret may be split across chunks). */
  stream(): RedactStream;
  /** Problems with the secret values, for people (never contains a value). */
  warnings: string[];
}

/**
 * Builds a redactor for secret values. Each value is looked for in every form drillbook
 * itself renders (see secret-forms.ts: raw, shell-quoted, JSON-, XML-, URL-encoded), and in
 * the text as it reads once ANSI escapes and control characters are stripped (see
 * visible-text.ts), so a consumer that strips them cannot reassemble a secret that was split
 * by an escape: the whole span, escapes included, becomes one `***`. Occurrences that overlap
 * (one secret inside or across another, or repeats like `aaaa` in `aaaaa`) are merged into
 * one `***`, so no part of any occurrence is shown; separate occurrences each become `***`.
 * A value with surrounding whitespace (a trailing newline from `$(cat file)`) is also
 * redacted trimmed.
 *
 * A stream's output, concatenated, equals `redact()` of the concatenated input however the
 * input is chunked. It holds back a tail only when it could be the start of a secret or of an
 * escape sequence, and never more than HOLD_LIMIT characters. Scanning is `indexOf` per
 * form, and with no secrets `push` returns its chunk untouched.
 */
export function createRedactor(values: readonly string[]): Redactor {
  const warnings: string[] = [];
  const unique = new Set<string>();
  let short = 0;
  for (const value of values) {
    for (const v of new Set([value, value.trim()])) {
      if (v.length >= MIN_SECRET_LENGTH) unique.add(v);
      else if (v.length > 0 && v === value) short++;
    }
  }
  if (short > 0) {
    warnings.push(
      `${short} secret value${short > 1 ? 's are' : ' is'} shorter than ${MIN_SECRET_LENGTH} characters and will not be redacted`,
    );
  }
  const forms = new Set<string>();
  let hidden = 0;
  for (const secret of unique) {
    // Secrets are looked for as they read once escapes and controls are stripped.
    if (visibleForm(secret).length < MIN_SECRET_LENGTH) hidden++;
    for (const form of renderedForms(secret)) {
      const visible = visibleForm(form);
      if (visible.length >= MIN_SECRET_LENGTH) forms.add(visible);
    }
  }
  if (hidden > 0)
    warnings.push(
      `${hidden} secret value${hidden > 1 ? 's have' : ' has'} fewer than ${MIN_SECRET_LENGTH} printable characters and will not be redacted`,
    );
  const secrets = [...forms].sort((a, b) => b.length - a.length);
  if (secrets.length === 0) {
    return {
      redact: (text) => text,
      stream: () => ({ push: (chunk) => chunk, flush: () => '' }),
      warnings,
    };
  }
  const scanner = new Scanner(secrets);
  return {
    redact: (text) => scanner.scan(text, 0, true).out,
    stream() {
      let held = '';
      let covered = 0;
      return {
        push(chunk) {
          if (chunk === '') return '';
          const result = scanner.scan(held + chunk, covered, false);
          held = result.held;
          covered = result.covered;
          return result.out;
        },
        flush() {
          const result = scanner.scan(held, covered, true);
          held = '';
          covered = 0;
          return result.out;
        },
      };
    },
    warnings,
  };
}

/**
 * Most a stream holds back. Only reached when a possible start of a secret is followed by a
 * long run of escape sequences; then that start is shown rather than memory growing.
 */
const HOLD_LIMIT = 64 * 1024;

interface ScanResult {
  out: string;
  /** Tail not yet shown. */
  held: string;
  /** How many leading characters of `held` are already inside a shown `***`. */
  covered: number;
}

class Scanner {
  private readonly secrets: readonly string[];
  private readonly maxLength: number;
  private readonly firstChars: readonly string[];

  constructor(secrets: readonly string[]) {
    this.secrets = secrets;
    this.maxLength = secrets[0]?.length ?? 0;
    this.firstChars = [...new Set(secrets.map((s) => s[0]!))];
  }

  /**
   * Redacts `text` up to a limit: the end when `final`, else the start of the longest tail
   * that could begin a secret or an escape sequence. Secrets are looked for in the visible
   * view of the text and masked in the original (with any escapes inside them). The first
   * `covered` characters were already masked by the previous chunk's last `***`; occurrences
   * starting there extend that mask silently.
   */
  scan(text: string, covered: number, final: boolean): ScanResult {
    // No secret can start where none of their first characters occurs (escapes and
    // controls are only ever removed, never added): skip building the visible view.
    if (!this.firstChars.some((c) => text.includes(c)))
      return { out: text.slice(covered), held: '', covered: 0 };
    const cut = final ? text.length : unfinishedEscapeStart(text);
    const view = visibleText(cut === text.length ? text : text.slice(0, cut));
    const seen = view.text;
    const at = view.origin ?? ((i: number) => i);
    let viewLimit = final ? seen.length : seen.length - this.heldLength(seen);
    let limit = viewLimit === seen.length ? cut : at(viewLimit);
    if (text.length - limit > HOLD_LIMIT) {
      limit = text.length - HOLD_LIMIT;
      viewLimit = firstAtOrAfter(view.origin, limit, seen.length);
    }
    const next = this.secrets.map((s) => seen.indexOf(s));
    let out = '';
    // Everything before `shown` is in `out` or was masked; a mask ends at `shown`.
    let shown = covered;
    for (;;) {
      let best = -1;
      for (let i = 0; i < next.length; i++) {
        const found = next[i]!;
        if (found >= 0 && found < viewLimit && (best < 0 || found < next[best]!)) best = i;
      }
      if (best < 0) break;
      const found = next[best]!;
      const length = this.secrets[best]!.length;
      const start = at(found);
      // An occurrence overlapping the current mask extends it instead of adding another.
      if (start >= shown) out += text.slice(shown, start) + MASK;
      shown = Math.max(shown, at(found + length - 1) + 1);
      next[best] = seen.indexOf(this.secrets[best]!, found + 1);
    }
    if (shown < limit) {
      out += text.slice(shown, limit);
      shown = limit;
    }
    return { out, held: text.slice(limit), covered: shown - limit };
  }

  /** Length of the longest tail of `text` that is a proper prefix of some secret. */
  private heldLength(text: string): number {
    const from = Math.max(0, text.length - (this.maxLength - 1));
    let longest = 0;
    for (const secret of this.secrets) {
      const first = secret[0]!;
      // Candidate starts are positions of the secret's first character in the window.
      let at = text.indexOf(first, from);
      while (at >= 0 && text.length - at > longest) {
        const tail = text.length - at;
        if (tail < secret.length && secret.startsWith(text.slice(at))) {
          longest = tail;
          break;
        }
        at = text.indexOf(first, at + 1);
      }
    }
    return longest;
  }
}

/** The first view index whose original index is >= `index` (`origin`: increasing). */
function firstAtOrAfter(origin: ((i: number) => number) | undefined, index: number, length: number): number {
  if (!origin) return Math.min(index, length);
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (origin(middle) < index) low = middle + 1;
    else high = middle;
  }
  return low;
}
