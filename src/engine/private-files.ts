import { chmodSync, fchmodSync, openSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { makeDirs } from './fs-fault.js';

/**
 * A run directory holds what the drill printed and the values it saved: readable by its
 * owner only. Modes are set with chmod after creating, because `mkdir`'s and `open`'s modes
 * are cut by the umask (0277 would leave a directory drillbook cannot write) and never
 * tighten one that already exists. Reports written elsewhere (--junit, --json) follow the
 * user's umask: they are meant to be published.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `.drillbook/runs/<run>` with the run directory and `.drillbook/runs` at 0700.
 * `.drillbook` itself (also home to the sandbox state file) is 0700 only when created here.
 */
export function makePrivateRunDir(dir: string): void {
  const runs = dirname(dir);
  // One level at a time, so a read-only parent reports EROFS/EACCES, not Node's misleading ENOENT.
  makeDirs(dir, PRIVATE_DIR_MODE);
  if (basename(runs) === 'runs') {
    try {
      chmodSync(runs, PRIVATE_DIR_MODE);
    } catch {
      // Someone else's shared directory: the run directory below is private all the same.
    }
  }
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Opens (creating) a file in a run directory, readable and writable by its owner only. */
export function openPrivateFile(path: string, flags: 'w' | 'a'): number {
  const fd = openSync(path, flags, PRIVATE_FILE_MODE);
  fchmodSync(fd, PRIVATE_FILE_MODE);
  return fd;
}
