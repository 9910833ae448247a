import type { TextOut } from './text-writer.js';

export type TimestampStyle = 'iso' | 'elapsed';

/**
 * `--timestamps`: wraps the console's output so that every line, step output included,
 * begins with the time it was written: ISO 8601 UTC (`2026-12-01T23:17:15.123Z`), or the
 * time since the drill started (`+00:01:02.345`). Lines are stamped when their first
 * character is written, so a line that arrives in pieces gets one stamp.
 */
export function timestamped(out: TextOut, style: TimestampStyle, now: () => number = Date.now): TextOut {
  const start = now();
  let atLineStart = true;
  const stamp = () => {
    const t = now();
    return `${style === 'iso' ? new Date(t).toISOString() : formatElapsed(t - start)} `;
  };
  return {
    write(text: string) {
      if (text === '') return true;
      const lines = text.split('\n');
      const last = lines.pop() ?? '';
      let result = '';
      for (const line of lines) {
        result += `${atLineStart ? stamp() : ''}${line}\n`;
        atLineStart = true;
      }
      if (last !== '') {
        result += `${atLineStart ? stamp() : ''}${last}`;
        atLineStart = false;
      }
      return out.write(result);
    },
  };
}

/** `+00:01:02.345`; hours grow past 99 rather than wrap. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `+${pad(h)}:${pad(m)}:${pad(s)}.${pad(total % 1000, 3)}`;
}
