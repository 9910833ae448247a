import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** A file drillbook could not write, and why, in words for one line of output. */
export interface WriteFault {
  /** What the file is for people: "journal", "JUnit report". */
  what: string;
  path: string;
  /** errno code (ENOSPC, EROFS, EACCES, EIO, ...) or 'unknown'. */
  code: string;
  /** `ENOSPC (no space left on device)`. */
  why: string;
}

/** Words for the errors a drill meets on a bad day; others fall back to Node's message. */
const MEANING: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  ENOTDIR: 'a parent is not a directory',
  EISDIR: 'is a directory',
  EFBIG: 'file too large',
  EMFILE: 'too many open files',
};

export function writeFault(what: string, path: string, error: unknown): WriteFault {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown';
  const firstLine = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  const meaning = MEANING[code] ?? firstLine.replace(/^[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '');
  return { what, path, code, why: code === 'unknown' ? meaning : `${code} (${meaning})` };
}

export function faultLine(fault: WriteFault): string {
  return `${fault.what} ${fault.path}: ${fault.why}`;
}

/**
 * mkdir -p that reports the real cause. Node's recursive mkdirSync says ENOENT for a
 * directory under a read-only mount (it retries the parent and reports that), which sent
 * people looking for a missing directory; creating one level at a time gives EROFS/EACCES.
 */
export function makeDirs(dir: string, mode?: number): void {
  try {
    mkdirSync(dir, { mode });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
    makeDirs(dirname(dir), mode);
    mkdirSync(dir, { mode });
  }
}
