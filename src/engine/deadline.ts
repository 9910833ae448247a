import { type Duration, formatDuration, toDuration } from '../runbook/duration.js';
import type { Runbook, Step } from '../runbook/model.js';
import { reasonText } from './abort.js';
import type { RunStatus } from './events.js';

/**
 * Exit code of a drill drillbook stopped at its `--deadline`: GNU timeout's "timed out", so a
 * pipeline can tell "ran out of time, cleaned up" from a failed drill (1) and from a kill.
 */
export const DEADLINE_EXIT_CODE = 124;

/** Time the default budget keeps for stopping the running step (SIGTERM, SIGKILL, grace). */
const STOP_ALLOWANCE_MS = 10_000;

/**
 * `run --deadline`: when the drill must be over, and how much of that time rollback and
 * `finally` keep. The drill is stopped at `at - budget`.
 */
export interface DrillDeadline {
  /** Epoch milliseconds at which the whole run, finally included, should be over. */
  at: number;
  budget: Duration;
  /** The verdict's reason: `deadline 90m reached (finally budget 15m kept)`. */
  reason: string;
}

/** True for the reason a deadline stops a drill with (see planDeadline). */
export function isDeadlineReason(reason: string): boolean {
  return /^deadline \S+ reached \(.*kept\)$/.test(reason);
}

export type DeadlinePlan = { ok: true; deadline: DrillDeadline } | { ok: false; message: string };

/**
 * The deadline of a run that starts at `startedAt`. `written` is the deadline as the person
 * wrote it, echoed in the verdict. A budget that leaves no time for the drill is refused
 * before anything runs: the drill would be stopped before its first step, at 3 a.m., with
 * nobody to ask why.
 */
export function planDeadline(
  startedAt: number,
  total: Duration,
  written: string,
  runbook: Runbook,
): DeadlinePlan {
  const stated = runbook.finallyBudget;
  const budget = stated?.ms ?? defaultBudget(runbook, total);
  if (budget >= total) {
    const where = stated ? `${stated.source.file}:${stated.source.line}:${stated.source.column}: ` : '';
    return {
      ok: false,
      message: `${where}${stated ? 'finally_budget' : 'the default finally budget'} ${compact(budget)} is not shorter than --deadline ${written}: the drill would be stopped before it starts; give a longer deadline or a shorter finally_budget (nothing was run)`,
    };
  }
  const how = stated ? 'finally budget' : 'default finally budget';
  return {
    ok: true,
    deadline: {
      at: startedAt + total,
      budget,
      reason: `deadline ${written} reached (${how} ${compact(budget)} kept)`,
    },
  };
}

/**
 * Without `finally_budget:`, the longest rollback and finally can take: every finally step and
 * every undo at its full timeout (a finally step's retries too), plus the time to stop the
 * running step; never more than half the deadline, so a drill always gets the other half.
 */
export function defaultBudget(runbook: Runbook, total: Duration): Duration {
  const finallyMs = runbook.finally.reduce((sum, step) => sum + worstCase(step), 0);
  const undoMs = [...runbook.steps].reduce((sum, step) => sum + undoWorstCase(step), 0);
  return toDuration(Math.min(finallyMs + undoMs + STOP_ALLOWANCE_MS, total / 2));
}

function worstCase(step: Step): number {
  if (step.kind === 'parallel') return Math.max(0, ...step.steps.map(worstCase));
  return step.timeout * (step.retries + 1);
}

/** An undo runs once, with its step's timeout (see the runner's rollback). */
function undoWorstCase(step: Step): number {
  if (step.kind === 'parallel') return step.steps.reduce((sum, m) => sum + undoWorstCase(m), 0);
  return step.undo ? step.timeout : 0;
}

/** `15m`, `1h30m`, `45s`, `2.5s`: short, and read back by the duration parser. */
export function compact(ms: number): string {
  if (ms % 1000 !== 0) return formatDuration(ms);
  const s = ms / 1000;
  const parts: string[] = [];
  if (s >= 3600) parts.push(`${Math.floor(s / 3600)}h`);
  if (Math.floor(s / 60) % 60 > 0) parts.push(`${Math.floor(s / 60) % 60}m`);
  if (s % 60 > 0 || parts.length === 0) parts.push(`${s % 60}s`);
  return parts.join('');
}

export interface RunVerdict {
  status: RunStatus;
  exitCode: number;
  reason?: string;
}

/** What the runner tells the deadline as the run moves on, and what it asks at the end. */
export interface DeadlineWatch {
  /** The steps are over: rollback and finally are never stopped by the deadline. */
  cleanupStarts(): void;
  /**
   * Rollback and finally are over. With steps still to judge (steady state after), those must
   * end by the deadline itself; past it they do not start.
   */
  cleanupEnded(judgingLeft: boolean): void;
  /** The run's verdict with the deadline in it: exit 124 when it stopped the drill. */
  verdict(end: RunVerdict): RunVerdict;
  dispose(): void;
}

/**
 * Stops the drill (as a stop condition would: the running step's process group is killed, no
 * new step starts) at the deadline minus the budget. Rollback and finally then run to their
 * end, even past the deadline; the verdict says by how much.
 */
export function watchDeadline(
  deadline: DrillDeadline,
  drill: { signal: AbortSignal; abort(reason: string): void },
): DeadlineWatch {
  const stop = () => drill.abort(deadline.reason);
  // Past due: stop at once, so the runner sees it before it starts another step.
  const arm = (at: number) => {
    if (at > Date.now()) return setTimeout(stop, at - Date.now());
    stop();
    return undefined;
  };
  let timer: NodeJS.Timeout | undefined = arm(deadline.at - deadline.budget);
  let cleanupEndedAt: number | undefined;
  const disarm = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return {
    cleanupStarts: disarm,
    cleanupEnded(judgingLeft) {
      cleanupEndedAt = Date.now();
      if (judgingLeft) timer = arm(deadline.at);
    },
    verdict(end) {
      const late = (cleanupEndedAt ?? Date.now()) - deadline.at;
      const overrun = late > 0 ? `rollback and finally ended ${compact(late)} after the deadline` : undefined;
      if (end.status === 'aborted' && reasonText(drill.signal) === deadline.reason)
        return {
          status: 'aborted',
          exitCode: DEADLINE_EXIT_CODE,
          reason: overrun ? `${deadline.reason}; ${overrun}` : deadline.reason,
        };
      if (!overrun) return end;
      return { ...end, reason: end.reason ? `${end.reason}; ${overrun}` : overrun };
    },
    dispose: disarm,
  };
}
