import chalk from 'chalk';

/**
 * The TUI's few colours. Only the terminal's own named ANSI colours, which light and dark
 * themes both tune to be readable on their background; never gray, white or black (one of
 * them vanishes on one theme or the other). Faint text uses the dim attribute instead.
 * Without colour every entry is undefined and states are told apart by their icons.
 */
export interface Palette {
  good?: string;
  bad?: string;
  warn?: string;
  accent?: string;
}

export const colourPalette: Palette = { good: 'green', bad: 'red', warn: 'yellow', accent: 'cyan' };
export const noColourPalette: Palette = {};

/**
 * NO_COLOR / --no-color: no escape sequence at all, not just no colour (bold, dim and inverse
 * are SGR sequences too). Ink styles text through chalk, so its level is set for the process.
 */
export function disableStyling(): void {
  chalk.level = 0;
}
