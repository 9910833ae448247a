import type { KeyPress } from './state/view-state.js';

export interface Keystroke {
  input: string;
  key: KeyPress;
}

/**
 * Ink hands `useInput` one read from the terminal at a time, and only splits escape
 * sequences: keys typed faster than it reads (held Backspace, `q` `y`, a phrase and Enter,
 * or tmux send-keys) arrive as one string such as "\x7f\x7f" or "blackhole blue\r", which
 * Ink names as no key at all. This splits such a string back into one keystroke per
 * character so each is handled as if typed alone. Single keys pass through untouched.
 */
export function splitKeys(input: string, key: KeyPress): Keystroke[] {
  const chars = [...input];
  if (chars.length < 2 || key.ctrl || key.meta) return [{ input, key }];
  return chars.map(keystroke);
}

function keystroke(char: string): Keystroke {
  switch (char) {
    case '\r':
    case '\n':
      return { input: '', key: { return: true } };
    case '\u007f':
      return { input: '', key: { delete: true } };
    case '\b':
      return { input: '', key: { backspace: true } };
  }
  const code = char.codePointAt(0) ?? 0;
  // Other control characters are Ctrl+letter (Ctrl-C is \x03), as Ink reports them alone.
  if (code < 0x20) return { input: String.fromCharCode(code + 0x60), key: { ctrl: true } };
  return { input: char, key: {} };
}
