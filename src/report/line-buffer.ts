import stripAnsi from 'strip-ansi';

/**
 * Turns output chunks into whole prefixed lines. A partial line waits for its newline (per
 * step and host, so parallel steps never mix inside a line) but never grows past `maxPartial`
 * characters: a program printing megabytes without a newline is shown in pieces.
 */
export class LineBuffer {
  private readonly partial = new Map<string, { prefix: string; text: string }>();

  constructor(
    private readonly stripColors: boolean,
    private readonly maxPartial = 64 * 1024,
  ) {}

  /** Complete lines of `text` (with earlier partial text), prefixed; '' if none yet. */
  push(key: string, prefix: string, text: string): string {
    const waiting = this.partial.get(key);
    const all = waiting ? waiting.text + text : text;
    const lastNewline = all.lastIndexOf('\n');
    if (lastNewline === -1) {
      if (all.length < this.maxPartial) {
        this.partial.set(key, { prefix, text: all });
        return '';
      }
      this.partial.delete(key);
      return this.clean(`${prefix}${all}\n`);
    }
    const rest = all.slice(lastNewline + 1);
    if (rest === '') this.partial.delete(key);
    else this.partial.set(key, { prefix, text: rest });
    const pieces: string[] = [];
    let start = 0;
    while (start <= lastNewline) {
      const nl = all.indexOf('\n', start);
      pieces.push(prefix, all.slice(start, nl + 1));
      start = nl + 1;
    }
    return this.clean(pieces.join(''));
  }

  /** Ends every partial line whose key starts with `keyPrefix` ('' = all). */
  flush(keyPrefix = ''): string {
    const pieces: string[] = [];
    for (const [key, { prefix, text }] of this.partial) {
      if (!key.startsWith(keyPrefix)) continue;
      pieces.push(prefix, text, '\n');
      this.partial.delete(key);
    }
    return this.clean(pieces.join(''));
  }

  private clean(text: string): string {
    return this.stripColors && (text.includes('\x1b') || text.includes('\x9b')) ? stripAnsi(text) : text;
  }
}
