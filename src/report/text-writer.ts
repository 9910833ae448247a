/** Where the console writes: process.stdout, or anything with write() (tests collect strings). */
export interface TextOut {
  write(text: string): unknown;
}

export interface ConsoleWriter {
  /** Writes text as is. */
  text(text: string): void;
  /** Writes whole lines (`lines` ends with a newline), each line starting with `prefix`. */
  lines(prefix: string, lines: string): void;
}

/** Below this many characters Node's own string path is as fast. */
const SMALL_CHARS = 4096;
const SCRATCH_BYTES = 1024 * 1024;

/** `prefix` before every line of `lines` (which ends with a newline). */
export function prefixLines(prefix: string, lines: string): string {
  if (prefix === '' || lines === '') return lines;
  return `${prefix}${lines.slice(0, -1).replaceAll('\n', `\n${prefix}`)}\n`;
}

/**
 * Writes the console's text to `out`. For a Node stream, step output is written as bytes:
 * the `│` prefix before every line makes the whole chunk a two-byte string in V8, and
 * encoding that to UTF-8 was most of the cost of streaming output (200 MB: ~4 s of ~6 s).
 * When a chunk's lines are ASCII (almost all output), they are joined with the prefix's
 * UTF-8 bytes as a Latin-1 string, which V8 keeps one byte per character and copies out
 * as is: the same bytes, ~30x faster. Other text takes Node's usual path.
 *
 * Bytes go through a reused buffer only while every write completes at once (stdout to a
 * file, /dev/null, or a pipe or terminal on Linux); once a write is left queued, that buffer
 * stays with the stream and a new one is used, so queued bytes never change.
 */
export function consoleWriter(out: TextOut): ConsoleWriter {
  const stream = out as TextOut & { writableLength?: unknown; write(data: string | Uint8Array): unknown };
  if (typeof stream.writableLength !== 'number') {
    return {
      text: (text) => void out.write(text),
      lines: (prefix, lines) => void out.write(prefixLines(prefix, lines)),
    };
  }
  let scratch: Buffer | undefined;
  const binary = new Map<string, string | null>();
  /** The prefix's UTF-8 bytes as a Latin-1 string; null when the prefix is ASCII anyway. */
  const binaryPrefix = (prefix: string): string | null => {
    let b = binary.get(prefix);
    if (b === undefined) {
      const bytes = Buffer.from(prefix, 'utf8');
      b = bytes.length === prefix.length ? null : bytes.toString('latin1');
      binary.set(prefix, b);
    }
    return b;
  };
  const writeBytes = (text: string, encoding: 'latin1' | 'utf8') => {
    scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
    const length = scratch.write(text, 0, encoding);
    stream.write(scratch.subarray(0, length));
    if (stream.writableLength !== 0) scratch = undefined;
  };
  const text = (text: string) => {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (text.length < SMALL_CHARS || text.length * 3 > SCRATCH_BYTES) stream.write(text);
    else writeBytes(text, 'utf8');
  };
  return {
    text,
    lines(prefix, lines) {
      if (lines === '') return;
      const b = lines.length < SMALL_CHARS ? null : binaryPrefix(prefix);
      // ASCII exactly when every character is one UTF-8 byte.
      if (b === null || Buffer.byteLength(lines, 'utf8') !== lines.length) {
        text(prefixLines(prefix, lines));
        return;
      }
      const joined = prefixLines(b, lines);
      if (joined.length > SCRATCH_BYTES) stream.write(Buffer.from(joined, 'latin1'));
      else writeBytes(joined, 'latin1');
    },
  };
}
