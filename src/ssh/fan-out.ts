/**
 * The fan-out scheduler of an `ssh` step: which host starts when. Pure (no I/O): it is given
 * a function that works on one host and only decides the order, the parallelism, the waves
 * and when to stop starting hosts, so its rules can be checked by property tests.
 */

/** A size as written in the runbook: a count, or a percent of the step's hosts. */
export type Size = { count: number } | { percent: number };

export interface FanOutOptions {
  concurrency: Size;
  maxErrors: Size;
  /** Rolling waves, as Ansible's `serial`: each entry is one wave's size; the last repeats. */
  batches: Size[];
}

/**
 * 10: a default sshd's `MaxStartups 10:30:100` starts refusing unauthenticated connections
 * past 10, and Ansible's default of 5 forks is slower than a drill needs. Connection setup is
 * paced on its own as well (see handshake-pace.ts), so this is about load on the fleet.
 */
export const DEFAULT_CONCURRENCY: Size = { count: 10 };
/** 0: the first failed host stops the rollout, as a drill should unless told otherwise. */
export const DEFAULT_MAX_ERRORS: Size = { count: 0 };

export interface FanOutLimits {
  concurrency: number;
  /** The step goes on starting hosts while at most this many failed. */
  maxErrors: number;
  /** Sizes of the waves, in order; they add up to the number of hosts. */
  waves: number[];
}

/** Sizes against `hosts` hosts: a percent rounds up for concurrency and waves (never 0), down for errors. */
export function fanOutLimits(options: FanOutOptions, hosts: number): FanOutLimits {
  const up = (size: Size) =>
    'count' in size ? size.count : Math.max(1, Math.ceil((size.percent * hosts) / 100));
  const down = (size: Size) => ('count' in size ? size.count : Math.floor((size.percent * hosts) / 100));
  const waves: number[] = [];
  const sizes = options.batches.length > 0 ? options.batches.map(up) : [Math.max(hosts, 1)];
  for (let left = hosts, i = 0; left > 0; i++) {
    const size = Math.min(left, sizes[Math.min(i, sizes.length - 1)] ?? left);
    waves.push(size);
    left -= size;
  }
  return { concurrency: Math.max(1, up(options.concurrency)), maxErrors: down(options.maxErrors), waves };
}

export type HostOutcome<T> =
  | { host: string; started: true; ok: true; result: T }
  /** `result` is undefined when `work` threw (`error` then holds what it threw). */
  | { host: string; started: true; ok: false; result: T | undefined; error?: unknown }
  | { host: string; started: false; reason: string };

/**
 * Runs `work` on each host: at most `concurrency` at once, wave after wave (a wave starts when
 * every host of the one before has ended). Once more than `maxErrors` hosts failed, no host
 * starts; the ones running finish. Hosts never started say why. Outcomes are in host order.
 * `work` should not throw; if it does, that host failed (its outcome holds the error).
 */
export async function fanOut<T>(
  hosts: readonly string[],
  limits: FanOutLimits,
  work: (host: string) => Promise<{ ok: boolean; result: T }>,
  signal?: AbortSignal,
): Promise<Array<HostOutcome<T>>> {
  const outcomes = new Map<string, HostOutcome<T>>();
  let failed = 0;
  let next = 0;
  const budgetSpent = () => failed > limits.maxErrors;
  for (const size of limits.waves) {
    const wave = hosts.slice(next, next + size);
    next += size;
    if (budgetSpent() || signal?.aborted) {
      for (const host of wave) outcomes.set(host, notStarted(host, stopReason(failed, limits, signal)));
      continue;
    }
    let cursor = 0;
    const lane = async (): Promise<void> => {
      while (cursor < wave.length) {
        const host = wave[cursor++] as string;
        if (budgetSpent() || signal?.aborted) {
          outcomes.set(host, notStarted(host, stopReason(failed, limits, signal)));
          continue;
        }
        const outcome: HostOutcome<T> = await work(host).then(
          (done) =>
            done.ok
              ? { host, started: true, ok: true, result: done.result }
              : { host, started: true, ok: false, result: done.result },
          (error: unknown) => ({ host, started: true, ok: false, result: undefined, error }),
        );
        if (!outcome.ok) failed++;
        outcomes.set(host, outcome);
      }
    };
    const lanes = Math.min(limits.concurrency, wave.length);
    await Promise.all(Array.from({ length: lanes }, lane));
  }
  return hosts.map((host) => outcomes.get(host) ?? notStarted(host, 'not started'));
}

function notStarted<T>(host: string, reason: string): HostOutcome<T> {
  return { host, started: false, reason };
}

function stopReason(failed: number, limits: FanOutLimits, signal: AbortSignal | undefined): string {
  if (signal?.aborted) return `not started: the step stopped (${String(signal.reason ?? 'aborted')})`;
  return `not started: ${failed} host${failed === 1 ? '' : 's'} failed, more than max_errors (${limits.maxErrors})`;
}
