import type { Duration } from './duration.js';

export type { Duration };

import type { SourcePos } from './errors.js';
import type { MeasureSpec } from './measure-spec.js';

/**
 * The resolved runbook model. Loaders (YAML, Markdown) parse and validate raw input into
 * this shape; nothing downstream re-checks raw YAML. Durations are milliseconds, as the
 * Duration type (bounded, so no timer can overflow).
 * Strings inside action configs may still hold `{{ ... }}` templates: those are filled in
 * at run time, because `{{ steps.ID.output }}` only exists once that step has run.
 */
export interface Runbook {
  /** Path of the source file, as given on the command line. */
  file: string;
  format: 'yaml' | 'markdown';
  /** sha256 of the source text: `resume` refuses a runbook that changed since. */
  digest: string;
  name: string;
  title: string;
  description?: string;
  vars: Record<string, string>;
  /** Names of environment variables whose values are redacted everywhere. */
  secrets: string[];
  hosts: Record<string, HostSpec>;
  /** Host groups (`hosts:` entries that are lists), each resolved to host names in `hosts:` order. */
  hostGroups: Record<string, string[]>;
  /**
   * The actions' top-level settings blocks (`aws:`), by key, templates as written (they are
   * filled for each step that uses them).
   */
  settings: Readonly<Record<string, Readonly<Record<string, string>>>>;
  defaults: { timeout: Duration };
  steadyState: Step[];
  stopWhen: StopCondition;
  steps: Step[];
  finally: Step[];
  /** Recovery times to measure between step events (`measures:`); [] when none. */
  measures: MeasureSpec[];
  /** `finally_budget:` the time `run --deadline` keeps for rollback and finally. */
  finallyBudget?: FinallyBudget;
}

/** A duration the runbook wrote, with where, so a clash with `--deadline` can point at it. */
export interface FinallyBudget {
  ms: Duration;
  source: SourcePos;
}

export interface HostSpec {
  name: string;
  host: string;
  user?: string;
  port?: number;
  identityFile?: string;
  jump?: string;
  /** Extra known_hosts file for this host, relative to the runbook. */
  knownHosts?: string;
}

export interface StopCondition {
  probes: Step[];
  /** How often each probe is polled while steps run. */
  interval: Duration;
}

/** A call to one action: `type` is the action's key (`run`, `ssh`, `http`, ...). */
export interface ActionCall {
  type: string;
  /** The action's own config, validated against its schema; templates not yet filled. */
  config: unknown;
}

export interface ConfirmSpec {
  message: string;
  /** A phrase the person must type to approve (dangerous steps). */
  phrase?: string;
  /** How long a person has to decide; undefined = wait. */
  timeout?: Duration;
  onTimeout: 'abort' | 'skip';
}

interface StepBase {
  id: string;
  name: string;
  description?: string;
  confirm?: ConfirmSpec;
  /** Template evaluated at run time; the step runs when it is truthy. */
  when?: string;
  timeout: Duration;
  retries: number;
  retryDelay: Duration;
  continueOnError: boolean;
  /**
   * Keep processes the step starts outside its process group (a daemon it launches on
   * purpose); otherwise they are named and killed at step end.
   */
  leaveRunning?: boolean;
  /** Variable name that receives the step's output. */
  save?: string;
  undo?: ActionCall;
  source: SourcePos;
}

/**
 * How an action step relates to background steps (Chaos Toolkit's `background`). A step is
 * either started in the background or may wait for one, never both: the types keep a
 * background step from awaiting another (it would wait behind the drill's back).
 */
export type BackgroundRole =
  | { background?: undefined; await?: undefined }
  /** Starts, and the drill moves on at once; stopped (interrupted) if still running at the drill's end. */
  | { background: true; await?: undefined }
  /** Waits, before its gate and action, for this earlier background step to end. */
  | { background?: undefined; await: string };

export type ActionStep = StepBase &
  BackgroundRole & {
    kind: 'action';
    action: ActionCall;
  };

export interface ParallelStep extends StepBase {
  kind: 'parallel';
  steps: Step[];
  /** On a member failure: true = cancel the others, false = let them finish. */
  failFast: boolean;
}

export type Step = ActionStep | ParallelStep;

/** Which list a step comes from; reports and the TUI group by it. */
export type Phase = 'steady-state-before' | 'main' | 'steady-state-after' | 'undo' | 'finally';
