import { createReadStream } from 'node:fs';

/** One line of a file; `text` is null when the line was longer than the cap (not kept). */
export interface Line {
  number: number;
  text: string | null;
  /** The line's first bytes (up to HEAD_BYTES), also for a line too long to keep. */
  head: string;
  /** True for the last line when the file does not end with a newline (a cut write). */
  last: boolean;
}

/**
 * The lines of a file, read in chunks: memory stays at one chunk plus one line of at most
 * `maxLine` bytes, whatever the file holds (readline would keep a gigabyte line whole).
 */
const HEAD_BYTES = 256;

export async function* readLines(path: string, maxLine: number): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let head = '';
  let number = 0;
  const take = (last: boolean): Line => {
    number++;
    const text = tooLong ? null : Buffer.concat(pending, pendingBytes).toString('utf8');
    const line = { number, text, head: text === null ? head : text.slice(0, HEAD_BYTES), last };
    pending = [];
    pendingBytes = 0;
    tooLong = false;
    head = '';
    return line;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl >= 0; nl = chunk.indexOf(10, from)) {
      keep(chunk.subarray(from, nl));
      yield take(false);
      from = nl + 1;
    }
    keep(chunk.subarray(from));
  }
  if (pendingBytes > 0 || tooLong) yield take(true);

  function keep(piece: Buffer): void {
    if (tooLong || piece.length === 0) return;
    if (pendingBytes + piece.length > maxLine) {
      head = Buffer.concat([...pending, piece])
        .subarray(0, HEAD_BYTES)
        .toString('utf8');
      tooLong = true;
      pending = [];
      pendingBytes = 0;
      return;
    }
    pending.push(Buffer.from(piece));
    pendingBytes += piece.length;
  }
}
