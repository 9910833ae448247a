import type { HostSpec } from '../runbook/model.js';

/** A JSON Schema fragment (draft-07 subset understood by ajv). */
export type JsonSchema = Record<string, unknown>;

/**
 * One action: the key a step uses (`run:`, `ssh:`, `http:`...), the schema of its config,
 * and how to run it. Adding an action = one file under src/actions/ exporting one of these,
 * plus one line in src/actions/registry.ts.
 */
export interface ActionDefinition<Config = unknown, Raw = unknown> {
  name: string;
  /** Hover text for the action's key in editors (the published schema), one sentence. */
  description?: string;
  /** Schema of the raw config as written in the runbook (templates not yet filled). */
  schema: JsonSchema;
  /**
   * Top-level config keys whose strings are shell text: a template in them becomes a
   * reference to a variable (`"${DRILLBOOK_V1}"`) and its value goes to `ctx.shellValues`, so
   * a value can never become command text. Other strings are filled verbatim.
   */
  shellKeys?: readonly string[];
  /**
   * Normalises the schema-valid raw config (shorthands, defaults, durations to ms). Throw
   * `ConfigProblem` for problems a schema cannot express. The loader calls it only with a
   * value `schema` accepted, so `Raw` is the action's one hand-written type of that value;
   * test/architecture/action-configs.test.ts checks the two agree, for every registered action.
   */
  parse(raw: Raw): Config;
  /** Host names the config refers to, so the loader can reject unknown hosts. */
  hosts?(config: Config): string[];
  /** One line for people: plan output, gate prompts, step-start lines. */
  summary(config: Config): string;
  /**
   * Whether this config keeps checking until a condition holds (`within:`, `wait: until:`);
   * such a step can be measured at `.observed`, so it must call `ctx.observed` when it first
   * sees the condition hold.
   */
  polls?(config: Config): boolean;
  /** Runs with templates filled. Must stop promptly when `ctx.signal` aborts. */
  run(config: Config, ctx: ActionContext): Promise<ActionResult>;
  /**
   * Environment variables holding credentials this action (or its library) reads even when the
   * runbook does not declare them (`AWS_SECRET_ACCESS_KEY`): the run masks them like `secrets:`.
   */
  secrets?: readonly string[];
  /** Command-line switches this action honours; their values reach it as `ctx.flags`. */
  flags?: readonly FlagDeclaration[];
  /** The top-level runbook block this action reads (`aws:`); it reaches the action as `ctx.settings`. */
  settings?: SettingsBlock;
}

/**
 * A top-level block of the runbook owned by the actions that declare it (`aws:` for the AWS
 * actions): string fields that may hold templates. Each is filled for every step that uses
 * it, so it may name a value an earlier step saved; a field whose template has no value yet
 * is left out, so the library falls back to its defaults instead of the step crashing.
 */
export interface SettingsBlock {
  /** The top-level key. */
  key: string;
  /** Schema of the block: an object whose fields are strings. */
  schema: JsonSchema;
  /** `plan`'s line about the block as filled before the run, or undefined for none. */
  planLine?(settings: Readonly<Record<string, string>>): string | undefined;
}

/** A boolean command-line switch an action declares, e.g. SSH's `--accept-new-host-keys`. */
export interface FlagDeclaration {
  /** Kebab-case, as typed after `--`. */
  name: string;
  describe: string;
}

/** The raw config type `parse` of an action takes (what its schema accepts). */
// biome-ignore lint/suspicious/noExplicitAny: any Config; only the raw type is asked for.
export type RawConfigOf<A> = A extends ActionDefinition<any, infer Raw> ? Raw : never;

/** A duration field as written: `30s`, `1h30m`, or a number of seconds (`DURATION_SCHEMA`). */
export type RawDuration = string | number;

/** A problem in an action's config found by `parse`; `path` is relative to the config. */
export class ConfigProblem extends Error {
  readonly path: string;
  readonly hint?: string;
  constructor(path: string, message: string, hint?: string) {
    super(message);
    this.path = path;
    if (hint !== undefined) this.hint = hint;
  }
}

export interface ActionContext {
  /** Aborted on timeout, stop condition, abort or signal. `signal.reason` says which. */
  signal: AbortSignal;
  /** Streams output; the engine redacts, bounds, journals and forwards it. */
  output(stream: 'stdout' | 'stderr' | 'info', text: string, label?: string): void;
  /** The runbook's name (e.g. for a reason an action records in the system it acts on). */
  runbookName: string;
  stepId: string;
  /** This action's settings block (`SettingsBlock`), templates filled; empty when it has none. */
  settings: Readonly<Record<string, string>>;
  /** Resolved hosts of the runbook, by name. */
  hosts: Record<string, HostSpec>;
  /** The runbook's host groups, each resolved to host names (in `hosts:` order). */
  hostGroups: Readonly<Record<string, readonly string[]>>;
  /** Environment for child processes: process.env plus what the run adds. */
  env: Record<string, string>;
  /**
   * The values of the templates in this call's shell text, by the variable name the rendered
   * text refers to (`DRILLBOOK_V1`, ...). An action that runs shell text must define these
   * variables for it as data (child environment, remote stdin), never in argv or the text.
   */
  shellValues: Readonly<Record<string, string>>;
  /** Directory of the runbook file: relative paths resolve against it. */
  cwd: string;
  /** Long-lived things shared by every step of one run (ssh connections, SDK clients). */
  resources: RunResources;
  /** The step's leave_running: processes it starts outside its process group are kept. */
  leaveRunning?: boolean;
  /** The command-line switches the actions declared (`flags`), by name; false when not given. */
  flags: Readonly<Record<string, boolean>>;
  /**
   * Runs another action call (templates filled, same signal), e.g. `wait: { until: ... }`.
   * Output of the nested call goes to this step.
   */
  probe(call: { type: string; config: unknown }): Promise<ActionResult>;
  /**
   * A polling action calls this the moment a check first sees its condition hold, with the
   * time between checks (the observation is that late at most). The engine records it for
   * measures (`STEP.observed`); later calls in the same step are ignored.
   */
  observed?(poll: { intervalMs: number }): void;
}

/** A keyed store of per-run resources; each is disposed when the run ends. */
export interface RunResources {
  get<T>(key: string, create: () => T, dispose?: (value: T) => Promise<void> | void): T;
}

export interface ActionPart {
  label: string;
  ok: boolean;
  durationMs: number;
  reason?: string;
  /**
   * Never started (an ssh fan-out stopped before this host); `ok` is false, `reason` says why.
   * Reported as skipped, not as a failure.
   */
  skipped?: true;
}

export type ActionResult =
  | {
      ok: true;
      /** Value for `save:` and `{{ steps.ID.output }}`; defaults to captured stdout, trimmed. */
      output?: string;
      parts?: ActionPart[];
    }
  | {
      ok: false;
      /** A sentence a person can act on: what was expected, what happened. */
      reason: string;
      output?: string;
      parts?: ActionPart[];
    };

/**
 * The actions of one run, by key. Built once by the command (src/commands/registry.ts) and
 * passed to loading, schema generation, planning and running: there is no global registry.
 */
export type ActionRegistry = ReadonlyMap<string, ActionDefinition<unknown>>;
