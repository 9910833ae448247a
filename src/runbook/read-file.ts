import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';

/** Runbooks are hand-written; anything bigger is a mistake (or an attack on the parser). */
export const MAX_RUNBOOK_BYTES = 2 * 1024 * 1024;

/** Why a runbook file could not be read, in words for `file:1:1: ...`. */
export class UnreadableFile extends Error {
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    if (hint !== undefined) this.hint = hint;
  }
}

/**
 * Reads a runbook's bytes, refusing anything that is not a regular file before reading it.
 *
 * `stat` first, so a fifo, device or socket is refused without opening it (opening a fifo
 * for reading blocks until a writer appears). It is then opened with O_NONBLOCK, so a fifo
 * swapped in between the two calls cannot hang the open either, and the open descriptor is
 * checked again with `fstat`: that is the file actually read. The size cap is enforced on
 * the bytes read (at most cap + 1), never on `stat.size`, which is 0 for /dev/zero and for
 * files that grow while being read.
 */
export async function readRunbookBytes(file: string, cap = MAX_RUNBOOK_BYTES): Promise<Buffer> {
  refuseIrregular(await statOrExplain(() => stat(file)));
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw cannotRead(error);
  }
  try {
    refuseIrregular(await statOrExplain(() => handle.stat()));
    return await readCapped(handle, cap);
  } finally {
    await handle.close().catch(() => {});
  }
}

async function statOrExplain(get: () => Promise<Stats>): Promise<Stats> {
  try {
    return await get();
  } catch (error) {
    throw cannotRead(error);
  }
}

function cannotRead(error: unknown): UnreadableFile {
  const code = (error as NodeJS.ErrnoException).code;
  return new UnreadableFile(`cannot read the runbook: ${code ?? String(error)}`);
}

function refuseIrregular(info: Stats): void {
  if (info.isFile()) return;
  const kind = info.isDirectory()
    ? 'a directory'
    : info.isFIFO()
      ? 'a named pipe (fifo)'
      : info.isCharacterDevice()
        ? 'a character device'
        : info.isBlockDevice()
          ? 'a block device'
          : info.isSocket()
            ? 'a socket'
            : 'not a regular file';
  throw new UnreadableFile(
    `is ${kind}, expected a runbook file (.yaml or .md)`,
    'drillbook reads only regular files',
  );
}

async function readCapped(handle: FileHandle, cap: number): Promise<Buffer> {
  // One byte more than the cap tells "exactly at the cap" from "over it".
  const buffer = Buffer.alloc(cap + 1);
  let filled = 0;
  for (;;) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null));
    } catch (error) {
      throw cannotRead(error);
    }
    if (bytesRead === 0) break;
    filled += bytesRead;
    if (filled > cap) {
      throw new UnreadableFile(
        `the runbook is over ${cap / 1048576} MB; runbooks are limited to ${cap / 1048576} MB`,
        'is this the right file?',
      );
    }
  }
  return buffer.subarray(0, filled);
}
