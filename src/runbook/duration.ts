declare const durationBrand: unique symbol;

/**
 * Milliseconds, whole, from 0 to MAX_DURATION_MS. Only `toDuration` and `readDuration` make
 * one, so every timer fed a Duration (step and gate timeouts, waits, poll intervals) is far
 * below setTimeout's limit of 2^31-1 ms, past which Node fires the timer at once.
 */
export type Duration = number & { readonly [durationBrand]: true };

/** The longest duration a runbook may write: a drill longer than a week is a typo. */
export const MAX_DURATION_MS = 7 * 24 * 3_600_000;
/** The shortest poll interval (`interval`, `stop_when.every`): faster only loads the target. */
export const MIN_POLL_INTERVAL_MS = 100;

/** Largest delay setTimeout honours; MAX_DURATION_MS must stay below it. */
const TIMER_LIMIT_MS = 2 ** 31 - 1;
if (MAX_DURATION_MS >= TIMER_LIMIT_MS) throw new Error('MAX_DURATION_MS exceeds the timer limit');

/** A Duration from milliseconds the program itself chose (defaults, caps); throws when out of range. */
export function toDuration(ms: number): Duration {
  const whole = Math.round(ms);
  if (!Number.isFinite(whole) || whole < 0 || whole > MAX_DURATION_MS)
    throw new RangeError(`duration out of range: ${ms} ms`);
  return whole as Duration;
}

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const UNITS = Object.keys(UNIT_MS) as Unit[];
const NUMBER = '\\d+(?:\\.\\d+)?';

/**
 * The duration grammar: one or more `<number><unit>` parts, units from largest to smallest,
 * each at most once (`1h30m`, `2m30s`, `1m30s500ms`, `1.5h`, `2d`), no spaces inside.
 * `m(?!s)` keeps `5ms` from reading as 5 minutes and an `s`. The JSON schema uses this same
 * pattern for duration strings, so the schema and the parser accept the same strings.
 */
export const DURATION_PATTERN = `^\\s*(?=\\d)${UNITS.map((u) => `(?:(${NUMBER})${u === 'm' ? 'm(?!s)' : u})?`).join('')}\\s*$`;
const GRAMMAR = new RegExp(DURATION_PATTERN);

/** What a duration field accepts besides the grammar. */
export interface DurationRule {
  /** Smallest value in ms: 0 where "no delay" makes sense (retry_delay), else at least 1. */
  min: number;
}
/** Timeouts, `within`, sleeps: zero would fail or do nothing at once. */
export const POSITIVE: DurationRule = { min: 1 };
/** `retry_delay`: zero means retry at once. */
export const MAY_BE_ZERO: DurationRule = { min: 0 };
/** `interval`, `stop_when.every`: a floor so a typo cannot poll hundreds of times a second. */
export const POLL_INTERVAL: DurationRule = { min: MIN_POLL_INTERVAL_MS };

export type DurationRead = { ok: true; ms: Duration } | { ok: false; message: string; hint?: string };

/** JSON schema of a duration field: a string in the grammar, or a number of seconds. */
export const DURATION_SCHEMA = {
  type: ['string', 'number'],
  pattern: DURATION_PATTERN,
  minimum: 0,
  maximum: MAX_DURATION_MS / 1000,
} as const;

const EXAMPLES = 'write e.g. 500ms, 30s, 4m, 1h30m or 2d';

/**
 * The one parser for every duration a runbook holds: a string in the grammar above, or a
 * YAML number of seconds. Says in words what is wrong, for a message at the field's position.
 */
export function readDuration(value: unknown, rule: DurationRule = POSITIVE): DurationRead {
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? gramMs(value) : undefined;
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  if (ms === undefined || Number.isNaN(ms))
    return { ok: false, message: `${shown} is not a duration`, hint: EXAMPLES };
  const rounded = Math.round(ms);
  if (rounded > MAX_DURATION_MS || !Number.isFinite(rounded))
    return {
      ok: false,
      message: `${shown} is longer than the maximum duration, 7d (168h)`,
      hint: 'a drill step, wait or poll cannot last more than a week',
    };
  if (rounded < rule.min) {
    if (ms < 0) return { ok: false, message: `a duration cannot be negative, got ${shown}` };
    return rule.min <= 1
      ? {
          ok: false,
          message: `a duration of 0 makes no sense here, got ${shown}`,
          hint: 'write at least 1ms, or leave the key out',
        }
      : {
          ok: false,
          message: `${shown} is shorter than the minimum of ${formatDuration(rule.min)}`,
          hint: `poll intervals are at least ${formatDuration(rule.min)}`,
        };
  }
  return { ok: true, ms: rounded as Duration };
}

/** Milliseconds of a string in the grammar, or undefined when it is not in it. */
function gramMs(text: string): number | undefined {
  const parts = GRAMMAR.exec(text);
  if (!parts) return undefined;
  let total = 0;
  UNITS.forEach((unit, i) => {
    const n = parts[i + 1];
    if (n !== undefined) total += Number(n) * UNIT_MS[unit];
  });
  return total;
}

/** Lenient form for callers without a position to report at: the Duration, or undefined. */
export function parseDuration(value: unknown, rule: DurationRule = MAY_BE_ZERO): Duration | undefined {
  const read = readDuration(value, rule);
  return read.ok ? read.ms : undefined;
}

/**
 * Formats milliseconds for people: `850ms`, `12.3s`, `4m05s`, `1h02m`. Parses back with
 * readDuration. The one formatter for every display (console, reports, TUI step rows), so a
 * step's time reads the same everywhere. A negative span (a clock stepped back between two
 * `Date.now()`s) shows as `0ms`, never as `-3ms`.
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * A duration as a person writes it, `5m`, `1m30s`, `2s`, `500ms`: each unit of the grammar
 * above once, largest first, so `readDuration` reads it back to the same milliseconds. For
 * objectives and resolutions, where `5m00s` or `0.5s` would not read as what was written.
 */
export function writeDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let left = Math.round(ms);
  let text = '';
  for (const unit of UNITS) {
    const n = Math.floor(left / UNIT_MS[unit]);
    if (n > 0) text += `${n}${unit}`;
    left -= n * UNIT_MS[unit];
  }
  return text;
}
