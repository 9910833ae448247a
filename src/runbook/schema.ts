import type { JsonSchema } from '../plugin/contract.js';
import { DURATION_SCHEMA } from './duration.js';
import { MEASURES_SCHEMA } from './measure-spec.js';

/** Keys a step may carry besides its one action. */
export const STEP_KEYS = [
  'id',
  'name',
  'description',
  'confirm',
  'when',
  'timeout',
  'retries',
  'retry_delay',
  'continue_on_error',
  'leave_running',
  'background',
  'await',
  'save',
  'undo',
  'parallel',
  'fail_fast',
] as const;

const duration: JsonSchema = DURATION_SCHEMA;
/** Retries are limited alike in `defaults` and in a step. */
export const MAX_RETRIES = 100;
const retries: JsonSchema = { type: 'integer', minimum: 0, maximum: MAX_RETRIES };

/** A copy of `schema` with hover text for editors (yaml-language-server shows `description`). */
function doc(description: string, schema: JsonSchema): JsonSchema {
  return { ...schema, description };
}

/** One SSH host under `hosts:`. */
const hostSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['host'],
  properties: {
    host: doc('Address or name to connect to.', { type: 'string', minLength: 1 }),
    user: doc('Login user.', { type: 'string' }),
    port: doc('SSH port (default 22).', {
      anyOf: [{ type: 'integer', minimum: 1, maximum: 65535 }, { type: 'string' }],
    }),
    identity_file: doc('Private key file.', { type: 'string' }),
    jump: doc('A jump host (ProxyJump).', { type: 'string' }),
    known_hosts: doc('known_hosts file for this host.', { type: 'string' }),
  },
};

const scalar: JsonSchema = { type: ['string', 'number', 'boolean'] };
const idPattern = '^[A-Za-z0-9][A-Za-z0-9_.-]*$';

/**
 * The runbook JSON Schema, composed from the registered actions' own schemas. Shape only:
 * cross-references (hosts, templates, ids) are checked by validate.ts with positions.
 */
export function runbookSchema(
  actionSchemas: ReadonlyMap<string, JsonSchema>,
  /** The actions' top-level settings blocks (`aws:`), by key. */
  settingsSchemas: ReadonlyMap<string, JsonSchema> = new Map(),
): JsonSchema {
  const actionProps = Object.fromEntries(actionSchemas);
  // `confirm` is both a step field (the gate) and, alone, a gate-only step; the step-level
  // schema below covers it, so it is not repeated as an action property.
  delete actionProps['confirm'];
  const undo: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
    properties: actionProps,
  };
  const confirm: JsonSchema = {
    anyOf: [
      { type: 'string', minLength: 1 },
      {
        type: 'object',
        additionalProperties: false,
        required: ['message'],
        properties: {
          message: doc('What the person approves.', { type: 'string', minLength: 1 }),
          type: doc('A phrase the person must type to approve (e.g. the environment name).', {
            type: 'string',
            minLength: 1,
          }),
          timeout: doc('How long to wait for an answer.', duration),
          on_timeout: doc('What an unanswered gate does: abort the drill, or skip the step.', {
            enum: ['abort', 'skip'],
          }),
        },
      },
    ],
  };
  const step: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      id: doc('Step id for --only, --from, --skip, --approve and steps.ID.output.', {
        type: 'string',
        pattern: idPattern,
      }),
      name: doc('What the step does, as shown in the TUI and reports.', { type: 'string', minLength: 1 }),
      description: doc('Longer notes for people; not run.', { type: 'string' }),
      confirm: doc(
        'A gate: a person (or --yes/--approve) must approve before the action runs. A message, or { message, type, timeout, on_timeout }.',
        confirm,
      ),
      when: doc('Run the step only when this is true: `a == b`, `a != b`, `!x`, or a value.', {
        type: ['string', 'boolean'],
      }),
      timeout: doc('Longest time the action may take (e.g. 30s, 4m); default 5m.', duration),
      retries: doc('How many times to retry a failed action.', retries),
      retry_delay: doc('Pause between retries.', duration),
      continue_on_error: doc('A failure of this step does not stop the drill (it still fails it).', {
        type: 'boolean',
      }),
      leave_running: doc('Processes the step starts in the background may outlive it.', { type: 'boolean' }),
      background: doc(
        "Start the step and move on at once; later steps run while it goes on. Stopped (and failing the drill) if still running when the drill ends: end it with a later step's `await`.",
        { type: 'boolean' },
      ),
      await: doc(
        'Wait for this earlier background step to end before this step runs; fails if that step failed.',
        { type: 'string', minLength: 1 },
      ),
      save: doc('Save the output (trimmed) as vars.NAME for later steps.', {
        type: 'string',
        pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      }),
      undo: doc('One action that undoes this step; runs on rollback, only if the step acted.', undo),
      parallel: doc('Steps run at the same time, as one group.', {
        type: 'array',
        minItems: 1,
        items: { $ref: '#/definitions/step' },
      }),
      fail_fast: doc('In a parallel group: stop the other members when one fails.', { type: 'boolean' }),
      ...actionProps,
    },
  };
  const steps: JsonSchema = { type: 'array', items: { $ref: '#/definitions/step' } };
  return {
    title: 'drillbook runbook',
    description: 'A disaster-recovery drill for drillbook.',
    type: 'object',
    additionalProperties: false,
    definitions: { step },
    properties: {
      drillbook: doc('Runbook format version; always 1.', { const: 1 }),
      name: doc('Short machine name of the drill (run directories, JUnit suite).', {
        type: 'string',
        pattern: idPattern,
      }),
      title: doc('Human title of the drill.', { type: 'string' }),
      description: doc('What the drill proves; not run.', { type: 'string' }),
      vars: doc('Values for {{ vars.NAME }}; --var NAME=value overrides them.', {
        type: 'object',
        additionalProperties: scalar,
        propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      }),
      secrets: doc(
        'Names of environment variables holding secrets: {{ secrets.NAME }}; redacted everywhere.',
        { type: 'array', items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } },
      ),
      known_hosts: doc("known_hosts file for every host (default: OpenSSH's own).", { type: 'string' }),
      hosts: {
        description:
          'SSH hosts by name, for ssh: steps and {{ hosts.NAME.host }}. A list instead of a host is a group: host names, group names, globs over host names (web-*), !glob to leave hosts out.',
        type: 'object',
        propertyNames: { pattern: idPattern },
        additionalProperties: {
          anyOf: [
            {
              type: 'array',
              minItems: 1,
              items: { type: 'string', minLength: 1 },
              description: 'A host group: host names, group names, globs (web-*), !glob leaves hosts out.',
            },
            hostSchema,
          ],
        },
      },
      ...Object.fromEntries(settingsSchemas),
      defaults: {
        description: 'Defaults for every step: timeout, retries, retry_delay.',
        type: 'object',
        additionalProperties: false,
        properties: { timeout: duration, retries, retry_delay: duration },
      },
      steady_state: doc('Checks that must pass before the drill starts (and are reported apart).', steps),
      stop_when: {
        description: 'Probes polled during the drill; one failing stops it and rolls back.',
        anyOf: [
          steps,
          {
            type: 'object',
            additionalProperties: false,
            required: ['probes'],
            properties: { every: duration, probes: steps },
          },
        ],
      },
      steps: doc('The drill, in order.', {
        type: 'array',
        minItems: 1,
        items: { $ref: '#/definitions/step' },
      }),
      finally: doc('Steps that run after everything else: after success, failure, abort and signals.', steps),
      finally_budget: doc(
        'Time kept for rollback and finally when `run --deadline` stops the drill (e.g. 15m); default: the sum of the finally and undo timeouts, at most half the deadline.',
        duration,
      ),
      measures: MEASURES_SCHEMA,
    },
    required: ['steps'],
  };
}
