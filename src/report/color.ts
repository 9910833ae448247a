/** The few colours the console reporter uses; identity functions when colour is off. */
export interface Palette {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  magenta(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const plain = (text: string) => text;
const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

export function palette(color: boolean): Palette {
  if (!color) {
    return { green: plain, red: plain, yellow: plain, cyan: plain, magenta: plain, dim: plain, bold: plain };
  }
  return {
    green: sgr(32, 39),
    red: sgr(31, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
    magenta: sgr(35, 39),
    dim: sgr(2, 22),
    bold: sgr(1, 22),
  };
}

/**
 * Colour only for a terminal: never when NO_COLOR is set to anything non-empty (no-color.org)
 * or TERM=dumb; FORCE_COLOR (not "0"/"false") forces it on, e.g. for CI log viewers that render ANSI.
 */
export function shouldUseColor(
  stream: { isTTY?: boolean | undefined },
  env: Record<string, string | undefined>,
): boolean {
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}
