import type { ActionRegistry } from '../plugin/contract.js';
import type { Runbook } from '../runbook/model.js';
import type { TemplateScope } from '../runbook/template.js';
import type { BackgroundSteps } from './background.js';
import type { EngineEvent } from './events.js';
import type { Gate } from './gate.js';
import type { ResourcePool } from './resources.js';
import type { SealedValue } from './sealed.js';

/** The template scope, with the parts a run adds to as steps save output. */
export type MutableScope = TemplateScope & {
  vars: Record<string, string>;
  steps: Record<string, { output: string }>;
};

/** What every step of one run shares. Built once by the runner. */
export interface RunContext {
  runbook: Runbook;
  /** The actions steps can use (the command's registry). */
  actions: ActionRegistry;
  gate: Gate;
  /** Redacts and forwards an event to every listener. */
  emit(event: EngineEvent): void;
  /** Redacts secrets from text that leaves the engine. */
  redact(text: string): string;
  /** A streaming redactor for one output stream (secrets split across chunks). */
  redactStream(): { push(chunk: string): string; flush(): string };
  /** A value with its secrets replaced by their names, for the journal; undefined if it holds none. */
  seal(text: string): SealedValue | undefined;
  /** Values templates see; `vars` and `steps` grow as steps save output. */
  scope: MutableScope;
  resources: ResourcePool;
  env: Record<string, string>;
  cwd: string;
  /** Values of the command-line switches the actions declared, by name. */
  flags: Readonly<Record<string, boolean>>;
  dryRun: boolean;
  /** `--fail-on-skip`: a gate skipped by a person or by `on_timeout: skip` fails its step. */
  failOnSkip: boolean;
  /** Set when resuming: the run continued and the ids of the steps that passed there. */
  resumed?: { runId: string; passed: ReadonlySet<string> };
  /** The run's `background: true` steps: started by the main-steps phase, awaited by `await:`. */
  background: BackgroundSteps;
  /** Plan position of each step id, for `[i/n]`. */
  indexOf(stepId: string): number;
  total: number;
}
