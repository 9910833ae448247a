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
 * Builds a redactor for secret values. Occurrences that overlap (one secret inside or
 * across another, or repeats like `aaaa` in `aaaaa`) are merged into one `***`, so no
 * part of any occurrence is shown; separate occurrences each become `***`. A value with
 * surrounding whitespace (a trailing newline from `$(cat file)`) is also redacted trimmed.
 *
 * A stream's output, concatenated, equals `redact()` of the concatenated input however the
 * input is chunked. It holds back at most (longest secret - 1) characters, and only when
 * the end of the text could be the start of a secret. Scanning is `indexOf` per secret, and
 * with no secrets `push` returns its chunk untouched.
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
  const secrets = [...unique].sort((a, b) => b.length - a.length);
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

  constructor(secrets: readonly string[]) {
    this.secrets = secrets;
    this.maxLength = secrets[0]?.length ?? 0;
  }

  /**
   * Redacts `text` up to a limit: the end when `final`, else the start of the longest tail
   * that could begin a secret. The first `covered` characters were already masked by the
   * previous chunk's last `***`; occurrences starting there extend that mask silently.
   */
  scan(text: string, covered: number, final: boolean): ScanResult {
    const limit = final ? text.length : text.length - this.heldLength(text);
    const next = this.secrets.map((s) => text.indexOf(s));
    let out = '';
    // Everything before `shown` is in `out` or was masked; a mask ends at `shown`.
    let shown = covered;
    for (;;) {
      let best = -1;
      for (let i = 0; i < next.length; i++) {
        const at = next[i]!;
        if (at >= 0 && at < limit && (best < 0 || at < next[best]!)) best = i;
      }
      if (best < 0) break;
      const start = next[best]!;
      // An occurrence overlapping the current mask extends it instead of adding another.
      if (start >= shown) out += text.slice(shown, start) + MASK;
      shown = Math.max(shown, start + this.secrets[best]!.length);
      next[best] = text.indexOf(this.secrets[best]!, start + 1);
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
