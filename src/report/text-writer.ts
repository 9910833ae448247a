/** Where the console writes: process.stdout, or anything with write() (tests collect strings). */
export interface TextOut {
  write(text: string): unknown;
}

/** Below this many characters Node's own string path (pooled) is as fast. */
const SMALL_CHARS = 4096;
const SCRATCH_BYTES = 1024 * 1024;

/**
 * Returns a function that writes text to `out`. For a Node stream, large texts are encoded
 * into a reused buffer and written as bytes: Node's string path allocates fresh memory per
 * write, and encoding a string holding any non-Latin-1 character (the console's `│` prefix
 * puts one in every output chunk) is slow; 200 MB of step output took ~4x longer that way.
 * The buffer is reused only while every write completes at once (stdout to a file, to
 * /dev/null, or to a pipe or terminal on Linux); once a write is left queued, that buffer is
 * given up to the stream and a new one is used, so queued bytes never change.
 */
export function textWriter(out: TextOut): (text: string) => void {
  const stream = out as TextOut & { writableLength?: unknown; write(data: string | Uint8Array): unknown };
  if (typeof stream.writableLength !== 'number') return (text) => void out.write(text);
  let scratch: Buffer | undefined;
  return (text) => {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (text.length < SMALL_CHARS || text.length * 3 > SCRATCH_BYTES) {
      stream.write(text);
      return;
    }
    scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
    const bytes = scratch.write(text, 'utf8');
    stream.write(scratch.subarray(0, bytes));
    if (stream.writableLength !== 0) scratch = undefined;
  };
}
