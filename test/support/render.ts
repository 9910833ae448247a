import { EventEmitter } from 'node:events';
import { render as inkRender } from 'ink-testing-library';
import type { ReactElement } from 'react';
import stripAnsi from 'strip-ansi';

/** Key sequences as a terminal sends them. */
export const keys = {
  enter: '\r',
  escape: '\u001b',
  ctrlC: '\u0003',
  up: '\u001b[A',
  down: '\u001b[B',
  backspace: '\u007f',
} as const;

export interface WaitOptions {
  timeoutMs?: number;
  /** Shown when the wait times out, e.g. the last frame. */
  describe?: () => string;
}

/** Polls until `check` returns a value other than undefined/false; no fixed sleeps. */
export async function waitFor<T>(check: () => T | undefined | false, options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      throw new Error(`waitFor timed out${options.describe ? `; last state:\n${options.describe()}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface Rendered {
  /** The last frame without ANSI styling. */
  frame(): string;
  /** Waits until the last frame satisfies `predicate` (a substring or a test) and returns it. */
  waitForFrame(predicate: string | ((frame: string) => boolean), timeoutMs?: number): Promise<string>;
  /** Sends keys as typed, one key per write (a terminal's read boundary). */
  press(...sequence: string[]): Promise<void>;
  unmount(): void;
}

/** ink-testing-library, plus waiting on frames instead of sleeping. */
export function render(tree: ReactElement): Rendered {
  const instance = inkRender(tree);
  const frame = () => stripAnsi(instance.lastFrame() ?? '');
  return {
    frame,
    waitForFrame(predicate, timeoutMs) {
      const test = typeof predicate === 'string' ? (f: string) => f.includes(predicate) : predicate;
      return waitFor(() => (test(frame()) ? frame() : undefined), {
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        describe: frame,
      });
    },
    async press(...sequence) {
      for (const key of sequence) {
        instance.stdin.write(key);
        // Ink reads stdin on 'readable' and flushes a lone Esc on the next macrotask.
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    unmount: instance.unmount,
  };
}

/**
 * A fake terminal for code that calls Ink's render itself (runTui): TTY streams that record
 * raw-mode changes and everything written, so tests can check the terminal is handed back.
 */
export class FakeTty {
  readonly stdin = new FakeTtyIn();
  readonly stdout = new FakeTtyOut();

  /** Everything written to stdout, ANSI removed. */
  output(): string {
    return stripAnsi(this.stdout.chunks.join(''));
  }

  /** Raw bytes written: for checking cursor show/hide sequences. */
  raw(): string {
    return this.stdout.chunks.join('');
  }
}

class FakeTtyIn extends EventEmitter {
  isTTY = true;
  isRaw = false;
  readonly rawModeHistory: boolean[] = [];
  #data: string | null = null;
  write(data: string): void {
    this.#data = data;
    this.emit('readable');
  }
  read(): string | null {
    const data = this.#data;
    this.#data = null;
    return data;
  }
  setRawMode(on: boolean): this {
    this.isRaw = on;
    this.rawModeHistory.push(on);
    return this;
  }
  setEncoding(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
}

class FakeTtyOut extends EventEmitter {
  isTTY = true;
  columns = 100;
  rows = 30;
  readonly chunks: string[] = [];
  write(chunk: string, callback?: () => void): boolean {
    this.chunks.push(chunk);
    if (typeof callback === 'function') process.nextTick(callback);
    return true;
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}
