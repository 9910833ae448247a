/**
 * The one place output is bounded. A step may print gigabytes; everything that keeps some of
 * it (the `save:` capture, the journal, the reports) keeps a head, a tail or both through the
 * classes here, so memory stays bounded and no cut splits a surrogate pair.
 */

/** What a bounded capture kept: `head` + (dropped bytes) + `tail` is the whole stream. */
export interface BoundedTextSnapshot {
  head: string;
  tail: string;
  /** UTF-8 bytes that fell between head and tail (0 when head + tail is everything). */
  droppedBytes: number;
  /** UTF-8 bytes the stream carried in all, including dropped ones. */
  totalBytes: number;
}

export const DEFAULT_HEAD_CHARS = 64 * 1024;
export const DEFAULT_TAIL_CHARS = 64 * 1024;

/** Keeps the first `limit` characters of a stream; `add` hands back what did not fit. */
export class HeadText {
  readonly parts: string[] = [];
  chars = 0;
  full = false;

  constructor(private readonly limit: number) {}

  /** Keeps what fits and returns the rest ('' when all of `text` was kept). */
  add(text: string): string {
    if (this.full) return text;
    const room = this.limit - this.chars;
    if (text.length <= room) {
      this.parts.push(text);
      this.chars += text.length;
      if (this.chars >= this.limit) this.full = true;
      return '';
    }
    const cut = cutBefore(text, room);
    this.parts.push(detach(text.slice(0, cut), text));
    this.chars += cut;
    this.full = true;
    return text.slice(cut);
  }

  text(): string {
    return this.parts.join('');
  }
}

/**
 * Keeps at least the last `limit` characters of a stream (whole chunks, so a little more).
 * The chunks are a queue, so appending costs O(chunk) and memory stays at about 2 x limit,
 * even for 200 MB arriving in small pieces.
 */
export class TailText {
  chunks: string[] = [];
  start = 0;
  chars = 0;
  /** Something was dropped from the front since the tail began. */
  cut = false;

  constructor(private readonly limit: number) {}

  push(text: string): void {
    if (text.length === 0) return;
    if (text.length >= this.limit) {
      // One chunk replaces the whole tail; copy its end so the big chunk can be freed.
      const start = cutAfter(text, text.length - this.limit);
      this.chunks = [detach(text.slice(start), text)];
      this.start = 0;
      this.cut = true;
      this.chars = text.length - start;
      return;
    }
    this.chunks.push(text);
    this.chars += text.length;
    // Drop whole chunks from the front while what remains still covers the limit.
    while (this.chars - this.chunks[this.start]!.length >= this.limit) {
      this.chars -= this.chunks[this.start]!.length;
      this.chunks[this.start] = '';
      this.cut = true;
      this.start++;
    }
    if (this.start > 1024 && this.start * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.start);
      this.start = 0;
    }
  }

  /** Everything held (may be a little over the limit: whole chunks). */
  text(): string {
    return this.chunks.slice(this.start).join('');
  }

  /** Exactly the last `limit` characters at most. */
  exact(): string {
    const all = this.text();
    return all.length > this.limit ? all.slice(cutAfter(all, all.length - this.limit)) : all;
  }
}

/**
 * Keeps the first `headChars` and the last `tailChars` of a stream of text, whatever its size,
 * and counts the UTF-8 bytes in between.
 */
export class BoundedText {
  private readonly head: HeadText;
  private readonly tail: TailText;
  private totalBytes = 0;
  /** Bytes were dropped upstream: `last` must not join head and tail across them. */
  private droppedUpstream = false;

  constructor(headLimit = DEFAULT_HEAD_CHARS, tailLimit = DEFAULT_TAIL_CHARS) {
    this.head = new HeadText(headLimit);
    this.tail = new TailText(tailLimit);
  }

  append(text: string): void {
    if (text.length === 0) return;
    this.totalBytes += Buffer.byteLength(text, 'utf8');
    this.tail.push(this.head.add(text));
  }

  /** Counts bytes that were dropped upstream (between what we hold and what comes next). */
  addDropped(bytes: number): void {
    if (bytes > 0) {
      this.droppedUpstream = true;
      this.totalBytes += bytes;
    }
  }

  /** The last `n` characters of the stream, or fewer when less is held after a gap. */
  last(n: number): string {
    const parts: string[] = [];
    let have = 0;
    const { chunks, start } = this.tail;
    for (let i = chunks.length - 1; i >= start && have < n; i--) {
      parts.push(chunks[i]!);
      have += chunks[i]!.length;
    }
    const gap = this.droppedUpstream || this.tail.cut;
    const head = this.head.parts;
    for (let i = head.length - 1; i >= 0 && have < n && !gap; i--) {
      parts.push(head[i]!);
      have += head[i]!.length;
    }
    const joined = parts.reverse().join('');
    return joined.length > n ? joined.slice(joined.length - n) : joined;
  }

  get isEmpty(): boolean {
    return this.totalBytes === 0;
  }

  snapshot(): BoundedTextSnapshot {
    const head = this.head.text();
    const tail = this.tail.exact();
    const kept = Buffer.byteLength(head, 'utf8') + Buffer.byteLength(tail, 'utf8');
    return {
      head,
      tail,
      droppedBytes: Math.max(0, this.totalBytes - kept),
      totalBytes: this.totalBytes,
    };
  }
}

/** Largest cut <= n that does not split a surrogate pair. */
function cutBefore(s: string, n: number): number {
  if (n > 0 && n < s.length && isHigh(s.charCodeAt(n - 1)) && isLow(s.charCodeAt(n))) return n - 1;
  return n;
}

/** Smallest start >= n that does not split a surrogate pair. */
function cutAfter(s: string, n: number): number {
  if (n > 0 && n < s.length && isHigh(s.charCodeAt(n - 1)) && isLow(s.charCodeAt(n))) return n + 1;
  return n;
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * V8 keeps a slice of a large string pointing into its parent; copying a small slice of a
 * big chunk lets the chunk be collected. JSON round-trip copies and keeps lone surrogates.
 */
function detach(slice: string, parent: string): string {
  return parent.length > 2 * slice.length + 4096 ? (JSON.parse(JSON.stringify(slice)) as string) : slice;
}
