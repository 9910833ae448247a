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

/**
 * Keeps the first `headChars` and the last `tailChars` of a stream of text, whatever its size.
 * The tail is a queue of chunks, so appending costs O(chunk) and memory stays at about
 * head + 2 x tail, even for 200 MB arriving in small pieces.
 */
export class BoundedText {
  private readonly head: string[] = [];
  private headChars = 0;
  private headFull = false;
  private tail: string[] = [];
  private tailStart = 0;
  private tailChars = 0;
  private totalBytes = 0;
  /** Something was dropped between head and tail: `last` must not join across it. */
  private gap = false;

  constructor(
    private readonly headLimit = DEFAULT_HEAD_CHARS,
    private readonly tailLimit = DEFAULT_TAIL_CHARS,
  ) {}

  append(text: string): void {
    if (text.length === 0) return;
    this.totalBytes += Buffer.byteLength(text, 'utf8');
    let rest = text;
    if (!this.headFull) {
      const room = this.headLimit - this.headChars;
      if (rest.length <= room) {
        this.head.push(rest);
        this.headChars += rest.length;
        if (this.headChars >= this.headLimit) this.headFull = true;
        return;
      }
      const cut = cutBefore(rest, room);
      this.head.push(detach(rest.slice(0, cut), rest));
      this.headChars += cut;
      this.headFull = true;
      rest = rest.slice(cut);
    }
    this.pushTail(rest);
  }

  /** Counts bytes that were dropped upstream (between what we hold and what comes next). */
  addDropped(bytes: number): void {
    if (bytes > 0) {
      this.gap = true;
      this.totalBytes += bytes;
    }
  }

  /** The last `n` characters of the stream, or fewer when less is held after a gap. */
  last(n: number): string {
    const parts: string[] = [];
    let have = 0;
    for (let i = this.tail.length - 1; i >= this.tailStart && have < n; i--) {
      const chunk = this.tail[i]!;
      parts.push(chunk);
      have += chunk.length;
    }
    for (let i = this.head.length - 1; i >= 0 && have < n && !this.gap; i--) {
      const chunk = this.head[i]!;
      parts.push(chunk);
      have += chunk.length;
    }
    const joined = parts.reverse().join('');
    return joined.length > n ? joined.slice(joined.length - n) : joined;
  }

  get isEmpty(): boolean {
    return this.totalBytes === 0;
  }

  snapshot(): BoundedTextSnapshot {
    const head = this.head.join('');
    let tail = this.tail.slice(this.tailStart).join('');
    if (tail.length > this.tailLimit) tail = tail.slice(cutAfter(tail, tail.length - this.tailLimit));
    const kept = Buffer.byteLength(head, 'utf8') + Buffer.byteLength(tail, 'utf8');
    return {
      head,
      tail,
      droppedBytes: Math.max(0, this.totalBytes - kept),
      totalBytes: this.totalBytes,
    };
  }

  private pushTail(text: string): void {
    if (text.length === 0) return;
    if (text.length >= this.tailLimit) {
      // One chunk replaces the whole tail; copy its end so the big chunk can be freed.
      const start = cutAfter(text, text.length - this.tailLimit);
      this.tail = [detach(text.slice(start), text)];
      this.tailStart = 0;
      this.gap = true;
      this.tailChars = text.length - start;
      return;
    }
    this.tail.push(text);
    this.tailChars += text.length;
    // Drop whole chunks from the front while what remains still covers the limit.
    while (this.tailChars - this.tail[this.tailStart]!.length >= this.tailLimit) {
      this.tailChars -= this.tail[this.tailStart]!.length;
      this.tail[this.tailStart] = '';
      this.gap = true;
      this.tailStart++;
    }
    if (this.tailStart > 1024 && this.tailStart * 2 > this.tail.length) {
      this.tail = this.tail.slice(this.tailStart);
      this.tailStart = 0;
    }
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
