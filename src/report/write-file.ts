import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { makeDirs } from '../engine/fs-fault.js';

/**
 * Writes a report so that readers only ever see the old file or the whole new one: the text
 * goes to a temporary file beside the target (same filesystem), is flushed to disk, then
 * renamed over it. A run killed mid-write leaves at most a stray `.tmp` file, never half a
 * report that Jenkins would choke on. Parent directories are created.
 */
export async function writeReportFile(path: string, content: string): Promise<void> {
  const existing = await kindOf(path);
  if (existing === 'character device') return writeInto(path, content);
  if (existing !== 'file' && existing !== undefined)
    throw new Error(`is a ${existing}, not a file; reports are written to files (or /dev/stdout, /dev/null)`);
  const dir = dirname(path);
  // One level at a time, so a read-only parent says EROFS rather than ENOENT.
  makeDirs(dir);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * What is at `path` (following symlinks), or undefined when nothing is. The rename above
 * would replace a device node or a `/dev/stdout` symlink with a plain file (as root, that
 * broke /dev/null for the whole machine), so only a regular file is renamed over.
 */
async function kindOf(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path);
    if (s.isFile()) return 'file';
    if (s.isDirectory()) return 'directory';
    if (s.isCharacterDevice()) return 'character device';
    if (s.isFIFO()) return 'named pipe (fifo)';
    if (s.isSocket()) return 'socket';
    return 'block device';
  } catch {
    // Nothing there (or a dangling link): the rename creates the file.
    return undefined;
  }
}

/** A character device (/dev/stdout on a terminal, /dev/null): written in place, never replaced. */
async function writeInto(path: string, content: string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(content, 'utf8');
  } finally {
    await handle.close();
  }
}
