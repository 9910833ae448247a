import { type Duration, POSITIVE, readDuration } from '../runbook/duration.js';

/** `--deadline` (or DRILLBOOK_DEADLINE) as given, counted from when drillbook started. */
export interface DeadlineFlag {
  total: Duration;
  /** As the person wrote it, for the verdict: `deadline 90m reached`. */
  written: string;
  startedAt: number;
}

export type DeadlineRead = { ok: true; deadline?: DeadlineFlag } | { ok: false; message: string };

/**
 * The flag wins over the environment; an empty DRILLBOOK_DEADLINE means "not set". The value
 * goes through the runbook's one duration parser (`90m`, `1h30m`; no bare numbers here, where
 * nothing says they are seconds).
 */
export function readDeadlineFlag(
  flag: unknown,
  env: Record<string, string | undefined>,
  startedAt: number,
): DeadlineRead {
  if (Array.isArray(flag)) return { ok: false, message: '--deadline was given more than once' };
  const fromEnv = env['DRILLBOOK_DEADLINE'] || undefined;
  const text = flag ?? fromEnv;
  if (text === undefined) return { ok: true };
  const source = flag === undefined ? 'DRILLBOOK_DEADLINE' : '--deadline';
  if (typeof text !== 'string' || text.trim() === '')
    return { ok: false, message: `${source} needs a duration, e.g. 90m or 1h30m` };
  const read = readDuration(text.trim(), POSITIVE);
  if (!read.ok)
    return { ok: false, message: `${source} ${text}: ${read.message}${read.hint ? ` (${read.hint})` : ''}` };
  return { ok: true, deadline: { total: read.ms, written: text.trim(), startedAt } };
}
