import type { Duration } from '../runbook/duration.js';

/** The document drillbook sends when a step names none: runs `commands` with /bin/sh on Linux. */
export const DEFAULT_DOCUMENT = 'AWS-RunShellScript';

/** Which managed instances a command goes to: named ones, or every instance with these tags. */
export type SsmTargets =
  | { kind: 'instances'; instanceIds: string[] }
  | { kind: 'tags'; tags: Record<string, string> };

/** One `ssm:` step, parsed: what SendCommand gets, plus how long drillbook waits. */
export interface SsmCommandSpec {
  targets: SsmTargets;
  document: string;
  /** Shell lines (`commands` parameter); templates in them are references to values. */
  commands?: string[];
  /** Other document parameters, as SSM takes them (every value a list of strings). */
  parameters: Record<string, string[]>;
  /** SSM's own strings: `10` or `25%`; undefined = SSM's default (50, 0). */
  maxConcurrency?: string;
  maxErrors?: string;
  /** Overall deadline; past it drillbook cancels the command and fails the step. */
  within?: Duration;
  /** Time between two looks at the invocations. */
  interval: Duration;
  comment?: string;
}

/** SSM's patterns for MaxConcurrency and MaxErrors (a count or a percentage). */
export const MAX_CONCURRENCY_PATTERN = /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/;
export const MAX_ERRORS_PATTERN = /^([1-9][0-9]*|0|[1-9][0-9]%|[0-9]%|100%)$/;

export function describeTargets(t: SsmTargets): string {
  if (t.kind === 'instances') return t.instanceIds.join(',');
  return Object.entries(t.tags)
    .map(([k, v]) => `tag:${k}=${v}`)
    .join(',');
}
