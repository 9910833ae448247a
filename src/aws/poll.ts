import { type CheckOutcome, type PollOptions, pollUntil } from '../plugin/poll.js';

/** Thrown by a check when asking again cannot help; ends the poll at once with this message. */
export class FatalCheck extends Error {}

export type PollResult =
  | { status: 'ok'; detail: string; tries: number }
  | { status: 'failed'; detail: string; tries: number }
  | { status: 'fatal'; detail: string; tries: number }
  | { status: 'stopped'; detail: string; tries: number };

/**
 * `pollUntil` for AWS checks: transient failures (network, throttling after the SDK's own
 * retries) are retried until `within` passes; a `FatalCheck` (no credentials, AccessDenied,
 * missing alarm or zone) stops at once instead of burning the whole window.
 */
export async function pollAws(check: () => Promise<CheckOutcome>, options: PollOptions): Promise<PollResult> {
  const fatal = new AbortController();
  let fatalMessage: string | undefined;
  let result: CheckOutcome & { tries: number };
  try {
    result = await pollUntil(
      async () => {
        try {
          return await check();
        } catch (error) {
          if (!(error instanceof FatalCheck)) throw error;
          fatalMessage = error.message;
          fatal.abort();
          return { ok: false, detail: error.message };
        }
      },
      { ...options, signal: AbortSignal.any([options.signal, fatal.signal]) },
    );
  } catch (error) {
    // pollUntil rethrows what a check threw once the step is aborted (the SDK's AbortError).
    if (options.signal.aborted)
      return { status: 'stopped', detail: String(options.signal.reason ?? 'aborted'), tries: 0 };
    throw error;
  }
  const { detail, tries } = result;
  if (fatalMessage !== undefined) return { status: 'fatal', detail: fatalMessage, tries };
  if (result.ok) return { status: 'ok', detail, tries };
  if (options.signal.aborted) return { status: 'stopped', detail, tries };
  return { status: 'failed', detail, tries };
}
