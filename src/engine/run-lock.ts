import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { statFields } from '../plugin/proc-stat.js';

/** Names the drillbook process that is writing a run directory's journal. */
export const LOCK_FILE = 'lock';

export type RunLock = { ok: true; release(): void } | { ok: false; pid: number };

/**
 * Takes a run directory for this process: `lock` holds its pid and start time (from /proc, so
 * a pid the kernel handed to another process since does not count). A lock whose process is
 * gone (a `kill -9`, a crash) holds nothing and is replaced. Two commands appending to one
 * journal at once would interleave two stories in it.
 *
 * A lock file that cannot be written for another reason (a full or read-only disk) does not
 * stop anything: the journal's own writes report that, and a lock only guards against a
 * second drillbook.
 */
export function takeRunLock(dir: string): RunLock {
  const path = join(dir, LOCK_FILE);
  const mine = lockText(process.pid);
  const unguarded: RunLock = { ok: true, release: () => {} };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return unguarded;
      fd = -1;
    }
    if (fd >= 0)
      return written(fd, path, mine) ? { ok: true, release: () => releaseIfMine(path, mine) } : unguarded;
    const holder = readHolder(path);
    if (holder && holderAlive(holder)) return { ok: false, pid: holder.pid };
    try {
      unlinkSync(path);
    } catch {
      // Another drillbook removed the stale lock first; the next attempt sees who holds it now.
    }
  }
  const holder = readHolder(path);
  return { ok: false, pid: holder?.pid ?? 0 };
}

/**
 * takeRunLock, waiting up to `waitMs` for a live holder to end (`onWait` is told once, with
 * its pid). `waited` says the directory changed hands meanwhile: read it again.
 */
export async function takeRunLockWithin(
  dir: string,
  waitMs: number,
  onWait: (pid: number) => void,
): Promise<RunLock & { waited: boolean }> {
  const until = Date.now() + waitMs;
  let lock = takeRunLock(dir);
  if (lock.ok || waitMs <= 0) return { ...lock, waited: false };
  onWait(lock.pid);
  while (!lock.ok && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(0, until - Date.now()))));
    lock = takeRunLock(dir);
  }
  return { ...lock, waited: true };
}

interface Holder {
  pid: number;
  /** Kernel start time of the process (clock ticks since boot), when /proc had it. */
  started?: string;
}

function lockText(pid: number): string {
  const started = startTimeOf(pid);
  return `${pid}${started ? ` ${started}` : ''}\n`;
}

/** Writes the lock; on a failed write (a full disk) leaves no empty lock file behind. */
function written(fd: number, path: string, text: string): boolean {
  try {
    writeSync(fd, text);
    return true;
  } catch {
    try {
      unlinkSync(path);
    } catch {
      // Gone already.
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

function releaseIfMine(path: string, mine: string): void {
  try {
    if (readFileSync(path, 'utf8') === mine) unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function readHolder(path: string): Holder | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const m = /^(\d+)(?: (\d+))?\n?$/.exec(text);
  if (!m) return undefined;
  return { pid: Number(m[1]), ...(m[2] ? { started: m[2] } : {}) };
}

/** True while the process that wrote the lock still runs (not a zombie, not a reused pid). */
function holderAlive(holder: Holder): boolean {
  if (holder.pid <= 0) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it exists, as another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(holder.pid);
  if (!stat) return true;
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return holder.started === undefined || holder.started === stat.started;
}

function startTimeOf(pid: number): string | undefined {
  return procStat(pid)?.started;
}

/** State and start time from /proc/PID/stat; undefined off Linux. */
function procStat(pid: number): { state: string; started: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = statFields(text);
  const state = fields[0];
  const started = fields[19];
  return state && started ? { state, started } : undefined;
}
