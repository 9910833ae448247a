import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** What the pager is run as: the person's $PAGER, else `less` (with -R unless colour is off). */
export function pagerCommand(env: NodeJS.ProcessEnv, color: boolean): string {
  const chosen = env['PAGER']?.trim();
  if (chosen) return chosen;
  // -R passes colours (SGR) through and shows any other escape as ^[, so a step's output
  // cannot drive the terminal; without colour, every escape is shown.
  return color ? 'less -R' : 'less';
}

/**
 * Runs the pager on `file` with the terminal (stdio inherited) and resolves when it exits:
 * undefined when it ran, else what went wrong, for one line on screen. $PAGER is the
 * person's own command line, so it is run by sh as git and man do; the file name is passed
 * as an argument ("$1"), never spliced into the script.
 */
export function runPager(file: string, command: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const tty = openTerminal();
  const stdio = tty === undefined ? 'inherit' : [tty, tty, tty];
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', `exec ${command} "$1"`, 'sh', file], { stdio, env });
    if (tty !== undefined) closeSync(tty);
    child.once('error', (error) => resolve(`cannot run the pager ${command}: ${error.message}`));
    child.once('exit', (code) => {
      if (code === 126 || code === 127)
        resolve(`no pager found: ${command} could not be run (set $PAGER); the output is in ${file}`);
      else resolve(undefined);
    });
  });
}

/**
 * The terminal opened afresh for the pager. Inheriting drillbook's own descriptors would
 * share their open file with it, and sh and less switch that to blocking mode: Node's
 * non-blocking reads of stdin then block, and the TUI (gates, timers, the pager's exit)
 * froze until a key was pressed. undefined when there is no controlling terminal.
 */
function openTerminal(): number | undefined {
  try {
    return openSync('/dev/tty', 'r+');
  } catch {
    return undefined;
  }
}
