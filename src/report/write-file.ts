import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { makeDirs } from '../engine/fs-fault.js';

/**
 * Writes a report so that readers only ever see the old file or the whole new one: the text
 * goes to a temporary file beside the target (same filesystem), is flushed to disk, then
 * renamed over it. A run killed mid-write leaves at most a stray `.tmp` file, never half a
 * report that Jenkins would choke on. Parent directories are created.
 */
export async function writeReportFile(path: string, content: string): Promise<void> {
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
