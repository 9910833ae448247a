/**
 * The runbook as written, once the runbook schema (runbook-schema.ts, schema.ts) accepted it:
 * the one place validate.ts learns the shape it reads, instead of a cast at every key. Action
 * keys and settings blocks (`aws:`) are the registry's, so they stay `unknown` here; the
 * action's own `parse` and schema know their shape.
 */
export interface RawRunbook {
  name?: string;
  title?: string;
  description?: string;
  secrets?: string[];
  vars?: Record<string, string | number | boolean>;
  /** A host, or a host group: a list of host names, group names, globs and `!glob`s. */
  hosts?: Record<string, RawHost | string[]>;
  known_hosts?: string;
  defaults?: { timeout?: RawDuration; retries?: number; retry_delay?: RawDuration };
  steady_state?: RawStep[];
  stop_when?: RawStep[] | { probes?: RawStep[]; every?: RawDuration };
  steps?: RawStep[];
  finally?: RawStep[];
  finally_budget?: RawDuration;
  measures?: RawMeasure[];
  [key: string]: unknown;
}

export interface RawHost {
  host: string;
  user?: string;
  port?: number | string;
  identity_file?: string;
  jump?: string;
  known_hosts?: string;
  [key: string]: unknown;
}

/** A step: the core's keys below, and exactly one action key (`run:`, `http:`...) or `parallel:`. */
export interface RawStep {
  id?: string;
  name?: string;
  description?: string;
  timeout?: RawDuration;
  retries?: number;
  retry_delay?: RawDuration;
  continue_on_error?: boolean;
  leave_running?: boolean;
  when?: string | boolean;
  confirm?: string | RawConfirm;
  /** One action call, keyed by the action's name. */
  undo?: Record<string, unknown>;
  parallel?: RawStep[];
  fail_fast?: boolean;
  save?: string;
  background?: boolean;
  /** The id of an earlier background step to wait for. */
  await?: string;
  [key: string]: unknown;
}

export interface RawConfirm {
  message: string;
  type?: string;
  timeout?: RawDuration;
  on_timeout?: 'abort' | 'skip';
}

/** One recovery time: `from` and `to` are `STEP.EVENT` (measure-check.ts reads them). */
export interface RawMeasure {
  name: string;
  from: string;
  to: string;
  max?: RawDuration;
}

/** A duration as written; runbook/duration.ts reads it. */
type RawDuration = string | number;
