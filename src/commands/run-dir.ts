import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Why a `--run-dir` cannot take a new run, or undefined. A directory that already holds a run's
 * record would mix two runs' journals (resume and report would read a drill that never
 * happened), so it is refused; an empty or new directory is fine.
 */
export function runDirTaken(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  try {
    if (!statSync(dir).isDirectory()) return 'is not a directory';
  } catch {
    // Unreadable: creating the run's record there fails next, with the reason.
    return undefined;
  }
  for (const file of ['meta.json', 'journal.jsonl'])
    if (existsSync(join(dir, file))) return `already holds a run (${file})`;
  return undefined;
}
