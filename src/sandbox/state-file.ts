import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { SandboxInfo } from './sandbox.js';

/** What `drillbook sandbox --detach` writes: enough to use the sandbox and to stop it. */
export interface SandboxStateFile extends SandboxInfo {
  pid: number;
  startedAt: string;
  /** Where the detached sandbox writes its own stdout and stderr. */
  log: string;
}

export async function writeStateFile(file: string, state: SandboxStateFile): Promise<void> {
  // Write then rename: a reader never sees half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, file);
}

/** The state file's contents, or undefined when there is none. Throws on a corrupt file. */
export async function readStateFile(file: string): Promise<SandboxStateFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<SandboxStateFile>;
  if (typeof parsed.pid !== 'number' || typeof parsed.endpoints?.control !== 'string') {
    throw new Error(`${file} is not a drillbook sandbox state file`);
  }
  return parsed as SandboxStateFile;
}

export function removeStateFile(file: string): Promise<void> {
  return rm(file, { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
