import { setTimeout as sleep } from 'node:timers/promises';
import type { Duration } from '../runbook/model.js';

export interface CheckOutcome {
  ok: boolean;
  /** What was seen; the last one becomes the failure reason when the deadline passes. */
  detail: string;
}

export interface PollOptions {
  /** Keep trying until this long has passed; 0 or undefined = check once. */
  within?: Duration;
  /** A Duration, so the sleep between checks is always a timer Node can honour. */
  interval: Duration;
  signal: AbortSignal;
  /** Called after each failed check that will be retried, for live output. */
  onRetry?(detail: string): void;
  /**
   * Told when a check first holds while polling (`within` set), for `STEP.observed`
   * measures: pass the action's `ctx.observed`. A single check (no `within`) is no poll.
   */
  observed?: ((poll: { intervalMs: number }) => void) | undefined;
}

/**
 * Runs `check` until it holds or the deadline passes. Shared by every action with `within`
 * (http, cloudwatch_alarm, route53, wait). Errors thrown by `check` count as "not yet" while
 * time remains, so a service that is still starting does not fail the step.
 */
export async function pollUntil(
  check: () => Promise<CheckOutcome>,
  options: PollOptions,
): Promise<CheckOutcome & { tries: number }> {
  const deadline = Date.now() + (options.within ?? 0);
  let tries = 0;
  for (;;) {
    tries++;
    let outcome: CheckOutcome;
    try {
      outcome = await check();
    } catch (error) {
      if (options.signal.aborted) throw error;
      outcome = { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
    if (outcome.ok && options.within && !options.signal.aborted)
      options.observed?.({ intervalMs: options.interval });
    if (outcome.ok || options.signal.aborted) return { ...outcome, tries };
    const left = deadline - Date.now();
    if (left <= 0) return { ...outcome, tries };
    options.onRetry?.(outcome.detail);
    try {
      await sleep(Math.min(options.interval, left), undefined, { signal: options.signal });
    } catch {
      return { ...outcome, tries };
    }
  }
}
