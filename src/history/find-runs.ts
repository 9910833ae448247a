import type { Dirent } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A place one run can be read from: a run directory (its journal) or a JSON report. */
export interface RunSource {
  kind: 'journal' | 'json';
  path: string;
  /** Modification time of the journal or report: newest runs are read first. */
  mtimeMs: number;
}

/** How deep below a given directory runs are looked for: Jenkins keeps builds/N/archive/reports/x.json. */
const MAX_DEPTH = 5;

/**
 * Every run directory and `.json` file at or below `paths` (a run directory, a directory of
 * run directories, a report file, a directory of archived reports), newest first. What cannot
 * be looked at is reported through `skip` and left out.
 */
export async function findRunSources(paths: string[], skip: (line: string) => void): Promise<RunSource[]> {
  const found: RunSource[] = [];
  for (const path of paths) await collect(path, MAX_DEPTH, found, skip, true);
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

async function collect(
  path: string,
  depth: number,
  found: RunSource[],
  skip: (line: string) => void,
  named: boolean,
): Promise<void> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    skip(`${path}: ${(error as NodeJS.ErrnoException).code ?? 'cannot be read'}`);
    return;
  }
  if (info.isFile()) {
    if (path.endsWith('.json')) found.push({ kind: 'json', path, mtimeMs: info.mtimeMs });
    else if (named) skip(`${path}: not a run directory or a .json report`);
    return;
  }
  if (!info.isDirectory()) return;
  const journal = await journalTime(path);
  if (journal !== undefined) {
    found.push({ kind: 'journal', path, mtimeMs: journal });
    return;
  }
  if (depth === 0) return;
  let dir: Awaited<ReturnType<typeof opendir>>;
  try {
    dir = await opendir(path);
  } catch (error) {
    skip(`${path}: ${(error as NodeJS.ErrnoException).code ?? 'cannot be read'}`);
    return;
  }
  for await (const entry of dir as AsyncIterable<Dirent>) {
    if (entry.name.startsWith('.') && entry.name !== '.drillbook') continue;
    if (entry.isDirectory() || entry.isSymbolicLink() || entry.name.endsWith('.json'))
      await collect(join(path, entry.name), depth - 1, found, skip, false);
  }
}

async function journalTime(dir: string): Promise<number | undefined> {
  try {
    const info = await stat(join(dir, 'journal.jsonl'));
    return info.isFile() ? info.mtimeMs : undefined;
  } catch {
    return undefined;
  }
}
