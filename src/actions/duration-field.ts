import { ConfigProblem } from '../plugin/contract.js';
import { type Duration, type DurationRule, POSITIVE, readDuration } from '../runbook/duration.js';

/**
 * Parses an optional duration field of an action config with the runbook's one duration
 * parser; a bad one (shape, zero, under `rule.min`, over the maximum) is a ConfigProblem at `path`.
 */
export function durationAt(
  value: unknown,
  path: string,
  rule: DurationRule = POSITIVE,
): Duration | undefined {
  if (value === undefined) return undefined;
  const read = readDuration(value, rule);
  if (!read.ok) throw new ConfigProblem(path, read.message, read.hint);
  return read.ms;
}
