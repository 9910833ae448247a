import { type ChildProcess, spawn } from 'node:child_process';
import {
  findLeftovers,
  groupRunning,
  killLeftovers,
  type Leftover,
  newStepToken,
  STEP_TOKEN_VAR,
} from './leftovers.js';
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
  /** Processes the command started outside its group (killed unless `leaveRunning`). */
  leftovers: Leftover[];
}

export interface GroupOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  signal: AbortSignal;
  onStdout(text: string): void;
  onStderr(text: string): void;
  graceMs?: number;
  /** Keep processes the command started outside its group (a daemon it launched on purpose). */
  leaveRunning?: boolean;
  /** Written to the shell's stdin, then closed; without it stdin is /dev/null. */
  input?: string;
  /** `bash` for a ```bash block: `[[ ]]`, arrays and pipefail mean something else to `sh`. */
  shell?: 'bash';
}

/**
 * Runs `/bin/sh -c command` (or `bash -c`) as the leader of its own process group, so a timeout or abort
 * can kill the whole tree (`kill(-pgid)`), grandchildren included.
 */
export function runInProcessGroup(options: GroupOptions): Promise<GroupResult> {
  const { signal } = options;
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      resolve({ code: null, signal: null, aborted: true, leftovers: [] });
      return;
    }
    const token = newStepToken();
    const child = spawn(options.shell ?? '/bin/sh', ['-c', options.command], {
      cwd: options.cwd,
      env: { ...options.env, [STEP_TOKEN_VAR]: token },
      detached: true,
      // Typed as all pipes for stdout/stderr; stdin is null when ignored (checked below).
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] as ['pipe', 'pipe', 'pipe'],
    });
    live.add(child);
    if (options.input !== undefined && child.stdin) {
      // A shell that exits before reading it all closes the pipe: EPIPE is its choice, not ours.
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }
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
    let closed = false;
    /** Leftovers stopped while the pipes were being released, before 'close'. */
    const released: Leftover[] = [];
    const leader = child.pid ?? 0;
    // 'close' waits for the pipes too, so every byte of output is delivered first. A
    // grandchild that keeps the pipes open after the shell exits delays it (a background job
    // of the step's own group, as long as it runs); one that left the group is dealt with by
    // releasePipes.
    child.on('exit', () => {
      if (!closed)
        releasePipes(child, token, leader, options.leaveRunning === true, {
          isClosed: () => closed,
          killed: (list) => released.push(...list),
        });
    });
    child.on('close', async (code, sig) => {
      closed = true;
      live.delete(child);
      signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      // Reap anything the shell left behind in its group (background jobs).
      killGroup(child, 'SIGKILL');
      out.end();
      err.end();
      const found = findLeftovers(token, leader);
      const stopped =
        found.length > 0 && !options.leaveRunning ? await killLeftovers(token, leader, found) : found;
      const leftovers = [...released, ...stopped.filter((p) => !released.some((r) => r.pid === p.pid))];
      resolve({ code, signal: sig, aborted, leftovers });
    });
  });
}

/** How often, after the shell exited, to look whether only escaped processes hold the pipes. */
const PIPE_CHECK_MS = 100;

/**
 * The shell exited but its output pipes are still open. While a process of its own group runs
 * that is ordinary (a background job finishing). Once none does, only processes that left the
 * group hold them (`setsid cmd &` keeps stdout): they are stopped, or with leave_running the
 * pipes are closed on our side, so the step ends instead of waiting for its timeout.
 */
function releasePipes(
  child: ChildProcess,
  token: string,
  leader: number,
  leaveRunning: boolean,
  { isClosed, killed }: { isClosed: () => boolean; killed: (list: Leftover[]) => void },
): void {
  const check = async () => {
    if (isClosed()) return;
    if (groupRunning(leader)) {
      setTimeout(check, PIPE_CHECK_MS).unref();
      return;
    }
    if (!leaveRunning) {
      // Named before they die: their pipes close as they do, and 'close' reports what is known.
      const found = findLeftovers(token, leader);
      killed(found);
      const all = await killLeftovers(token, leader, found);
      killed(all.filter((p) => !found.includes(p)));
    }
    // Killed processes release the pipes at once; wait a moment for their last bytes.
    setTimeout(() => {
      if (isClosed()) return;
      child.stdout?.destroy();
      child.stderr?.destroy();
    }, PIPE_CHECK_MS).unref();
  };
  setTimeout(check, PIPE_CHECK_MS).unref();
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
