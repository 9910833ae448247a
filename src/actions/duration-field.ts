import { parseDuration } from '../runbook/duration.js';
import { ConfigProblem } from './types.js';

/** Parses an optional duration field of an action config; a bad one is a ConfigProblem at `path`. */
export function durationAt(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new ConfigProblem(path, `"${String(value)}" is not a duration`, 'write e.g. 500ms, 30s, 5m or 1h');
  }
  return ms;
}
