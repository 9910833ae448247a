import { closeSync, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';

const CHUNK = 64 * 1024;

/**
 * A kill in the middle of a write leaves the journal's last line cut (no newline at the end).
 * Readers drop such a line; but a run continued in the same journal (`drillbook finally`)
 * would bury it mid-file, where readers rightly call it damage. So it is cut off first: it
 * holds nothing a reader would have kept. Returns the bytes dropped.
 */
export function dropCutLastLine(path: string): number {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(CHUNK);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - CHUNK);
      const read = readSync(fd, buffer, 0, end - start, start);
      const newline = buffer.subarray(0, read).lastIndexOf(0x0a);
      if (newline >= 0) {
        const keep = start + newline + 1;
        if (keep < size) ftruncateSync(fd, keep);
        return size - keep;
      }
      end = start;
    }
    // Not one complete line: nothing a reader could use.
    if (size > 0) ftruncateSync(fd, 0);
    return size;
  } finally {
    closeSync(fd);
  }
}
