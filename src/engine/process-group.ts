import { type ChildProcess, spawn } from 'node:child_process';
import { OutputBatch } from './output-batch.js';

/** How long a process group gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2000;

/** Every process group started and not yet reaped, so an exiting drillbook can kill them all. */
const live = new Set<ChildProcess>();

export interface GroupResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the group was killed because `signal` aborted. */
  aborted: boolean;
}

export interface GroupOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  signal: AbortSignal;
  onStdout(text: string): void;
  onStderr(text: string): void;
  graceMs?: number;
}

/**
 * Runs `/bin/sh -c command` as the leader of its own process group, so a timeout or abort
 * can kill the whole tree (`kill(-pgid)`), grandchildren included.
 */
export function runInProcessGroup(options: GroupOptions): Promise<GroupResult> {
  const { signal } = options;
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      resolve({ code: null, signal: null, aborted: true });
      return;
    }
    const child = spawn('/bin/sh', ['-c', options.command], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    const out = new OutputBatch(options.onStdout);
    const err = new OutputBatch(options.onStderr);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let aborted = false;
    // The shell itself ended (its pipes may stay open in a background job): an abort after
    // that stops the leftovers but does not change the command's result.
    let exited = false;
    child.on('exit', () => {
      exited = true;
    });
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      aborted = !exited;
      killGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child, 'SIGKILL'), options.graceMs ?? KILL_GRACE_MS);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      live.delete(child);
      signal.removeEventListener('abort', onAbort);
      reject(error);
    });
    // 'close' waits for the pipes too, so every byte of output is delivered first. A
    // grandchild that keeps the pipes open after the shell exits would delay it; the group
    // kill on abort covers that case.
    child.on('close', (code, sig) => {
      live.delete(child);
      signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      // Reap anything the shell left behind in its group (background jobs).
      killGroup(child, 'SIGKILL');
      out.end();
      err.end();
      resolve({ code, signal: sig, aborted });
    });
  });
}

function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  // After every command the group is reaped, and it is usually gone already: the ESRCH
  // error's stack trace was the largest cost of a short step after spawning itself.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    process.kill(-child.pid, sig);
  } catch {
    // ESRCH: the group is already gone.
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** Kills every process group still running; used on exit paths. */
export function killAllGroups(sig: NodeJS.Signals = 'SIGKILL'): void {
  for (const child of live) killGroup(child, sig);
}
