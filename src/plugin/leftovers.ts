import { randomBytes } from 'node:crypto';
import { openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { statFields } from './proc-stat.js';

/**
 * Processes a step started that left its process group (`setsid`, `nohup` in a new session,
 * a double-forking daemon): the group kill at step end cannot reach them. Every process a
 * step starts inherits a unique DRILLBOOK_STEP_TOKEN in its environment, and /proc/<pid>/environ
 * keeps it even after the process changed session, so a scan finds them.
 *
 * Linux only (/proc). Elsewhere nothing is found, and a daemon that clears its environment
 * (`env -i`) or runs as another user (sudo) is not seen either.
 */
export const STEP_TOKEN_VAR = 'DRILLBOOK_STEP_TOKEN';

export interface Leftover {
  pid: number;
  /** Command line, as `ps -o args` shows it. */
  command: string;
}

/** Random per drillbook process (two drills on one machine never share tokens), then counted. */
const TOKEN_PREFIX = randomBytes(9).toString('base64url');
let tokens = 0;

/** Unique to one command of one step; cheaper than fresh random bytes for every step. */
export function newStepToken(): string {
  tokens++;
  return `${TOKEN_PREFIX}.${tokens}`;
}

const scanning = process.platform === 'linux';

/**
 * Processes carrying `token` outside the group led by `leader` (the group itself is killed
 * by the caller). Only pids handed out since the step's shell was spawned can be its
 * descendants: the kernel names the newest pid, so the scan reads the environ of those few,
 * not of every process on the machine (measured: ~0.1 ms at the end of a `true` step on a
 * loaded machine, against ~7-10 ms to spawn its shell). A wrapped pid counter widens the
 * window to both ends.
 */
export function findLeftovers(token: string, leader: number): Leftover[] {
  return scan(token, leader)
    .filter((p) => p.pgrp !== leader)
    .map(({ pid, command }) => ({ pid, command }));
}

/**
 * True while a process of the step's own group still runs, whatever its environment (a
 * background job started with `env -i` is still the step's). Zombies do not count: in a
 * container whose init does not reap, an orphan stays a zombie and would look alive forever.
 */
export function groupRunning(leader: number): boolean {
  // Without /proc nothing can be told apart: keep waiting for the pipes, as before.
  if (!scanning) return true;
  return quietly(() =>
    candidates(leader).some((pid) => {
      try {
        const [state, , pgrp] = statFields(readFileSync(`/proc/${pid}/stat`, 'latin1'));
        return state !== 'Z' && Number(pgrp) === leader;
      } catch {
        return false;
      }
    }),
  );
}

/**
 * Runs `read` with stack traces off: a failed read is the common case here (a pid no longer
 * there), and its stack trace would be most of the cost, as in process-group.ts.
 */
function quietly<T>(read: () => T): T {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return read();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function scan(token: string, leader: number): (Leftover & { pgrp: number })[] {
  if (!scanning) return [];
  const needle = Buffer.from(`${STEP_TOKEN_VAR}=${token}\0`);
  return quietly(() =>
    candidates(leader).flatMap((pid) => {
      const found = inspect(pid, needle);
      return found ? [found] : [];
    }),
  );
}

/** Reading the /proc directory costs ~0.8 ms; probing a pid that is gone ~0.03 ms. */
const PROBE_AT_MOST = 24;

/** Pids handed out since `leader` was: probed one by one when few, else listed from /proc. */
function candidates(leader: number): number[] {
  const newest = newestPid();
  if (newest !== undefined && newest >= leader && newest - leader <= PROBE_AT_MOST)
    return Array.from({ length: newest - leader }, (_, i) => leader + 1 + i);
  const born = (pid: number) =>
    newest === undefined || newest < leader
      ? pid > leader || pid <= (newest ?? 0)
      : pid > leader && pid <= newest;
  try {
    return readdirSync('/proc')
      .map(Number)
      .filter((pid) => Number.isInteger(pid) && born(pid));
  } catch {
    return [];
  }
}

/** Kept open: re-reading it at offset 0 costs microseconds, opening it again ten times that. */
let lastPidFd: number | undefined;

/** The pid most recently handed out in this pid namespace. */
function newestPid(): number | undefined {
  try {
    lastPidFd ??= openSync('/proc/sys/kernel/ns_last_pid', 'r');
    const buffer = Buffer.alloc(32);
    const last = Number(buffer.toString('latin1', 0, readSync(lastPidFd, buffer, 0, 32, 0)).trim());
    if (Number.isInteger(last) && last > 0) return last;
  } catch {
    // Not readable here (an old kernel): /proc/loadavg says it too, only slower.
  }
  try {
    // "0.20 0.18 0.12 1/80 11206": the last field is the most recently assigned pid.
    const last = Number(readFileSync('/proc/loadavg', 'latin1').trim().split(' ').at(-1));
    return Number.isInteger(last) ? last : undefined;
  } catch {
    return undefined;
  }
}

function inspect(pid: number, needle: Buffer): (Leftover & { pgrp: number }) | undefined {
  try {
    // Another user's process (EACCES) or one that exited meanwhile (ENOENT, ESRCH): not ours.
    if (!readFileSync(`/proc/${pid}/environ`).includes(needle)) return undefined;
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const [state, , pgrp] = statFields(stat);
    if (state === 'Z') return undefined;
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    return { pid, pgrp: Number(pgrp), command: command || `(${comm})` };
  } catch {
    return undefined;
  }
}

/** How long leftovers get to exit on SIGTERM before SIGKILL. */
const TERM_GRACE_MS = 1000;

/**
 * Stops leftovers: SIGTERM, SIGKILL after a grace period, then looks again, since a daemon
 * may have forked while it was being stopped. Returns every process it found.
 */
export async function killLeftovers(token: string, leader: number, first: Leftover[]): Promise<Leftover[]> {
  const all = [...first];
  let round = first;
  for (let i = 0; i < 3 && round.length > 0; i++) {
    for (const p of round) signal(p.pid, 'SIGTERM');
    const deadline = Date.now() + TERM_GRACE_MS;
    while (round.some((p) => running(p.pid)) && Date.now() < deadline) await sleep(20);
    for (const p of round) if (running(p.pid)) signal(p.pid, 'SIGKILL');
    const seen = new Set(all.map((p) => p.pid));
    round = findLeftovers(token, leader).filter((p) => !seen.has(p.pid));
    all.push(...round);
  }
  return all;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** Alive and not a zombie (a zombie runs nothing; its parent, maybe init, reaps it). */
function running(pid: number): boolean {
  try {
    return statFields(readFileSync(`/proc/${pid}/stat`, 'latin1'))[0] !== 'Z';
  } catch {
    return false;
  }
}

/** One line per process for the step's output and reports: pid and command line. */
export function describeLeftovers(list: Leftover[], killed: boolean): string {
  return list
    .map((p) =>
      killed
        ? `drillbook: killed leftover pid ${p.pid} \`${p.command}\`: the step started it outside its process group (setsid, nohup, a daemon); leave_running: true keeps such processes\n`
        : `drillbook: left running pid ${p.pid} \`${p.command}\` (leave_running: true)\n`,
    )
    .join('');
}
