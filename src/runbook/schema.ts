import type { JsonSchema } from '../actions/types.js';
import { DURATION_SCHEMA } from './duration.js';

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
  'save',
  'undo',
  'parallel',
  'fail_fast',
] as const;

const duration: JsonSchema = DURATION_SCHEMA;
/** Retries are limited alike in `defaults` and in a step. */
export const MAX_RETRIES = 100;
const retries: JsonSchema = { type: 'integer', minimum: 0, maximum: MAX_RETRIES };

const scalar: JsonSchema = { type: ['string', 'number', 'boolean'] };
const idPattern = '^[A-Za-z0-9][A-Za-z0-9_.-]*$';

/**
 * The runbook JSON Schema, composed from the registered actions' own schemas. Shape only:
 * cross-references (hosts, templates, ids) are checked by validate.ts with positions.
 */
export function runbookSchema(actionSchemas: ReadonlyMap<string, JsonSchema>): JsonSchema {
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
          message: { type: 'string', minLength: 1 },
          type: { type: 'string', minLength: 1 },
          timeout: duration,
          on_timeout: { enum: ['abort', 'skip'] },
        },
      },
    ],
  };
  const step: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      id: { type: 'string', pattern: idPattern },
      name: { type: 'string', minLength: 1 },
      description: { type: 'string' },
      confirm,
      when: { type: ['string', 'boolean'] },
      timeout: duration,
      retries,
      retry_delay: duration,
      continue_on_error: { type: 'boolean' },
      leave_running: { type: 'boolean' },
      save: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      undo,
      parallel: { type: 'array', minItems: 1, items: { $ref: '#/definitions/step' } },
      fail_fast: { type: 'boolean' },
      ...actionProps,
    },
  };
  const steps: JsonSchema = { type: 'array', items: { $ref: '#/definitions/step' } };
  return {
    type: 'object',
    additionalProperties: false,
    definitions: { step },
    properties: {
      drillbook: { const: 1 },
      name: { type: 'string', pattern: idPattern },
      title: { type: 'string' },
      description: { type: 'string' },
      vars: {
        type: 'object',
        additionalProperties: scalar,
        propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      },
      secrets: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } },
      known_hosts: { type: 'string' },
      hosts: {
        type: 'object',
        propertyNames: { pattern: idPattern },
        additionalProperties: {
          type: 'object',
          additionalProperties: false,
          required: ['host'],
          properties: {
            host: { type: 'string', minLength: 1 },
            user: { type: 'string' },
            port: { anyOf: [{ type: 'integer', minimum: 1, maximum: 65535 }, { type: 'string' }] },
            identity_file: { type: 'string' },
            jump: { type: 'string' },
            known_hosts: { type: 'string' },
          },
        },
      },
      aws: {
        type: 'object',
        additionalProperties: false,
        properties: { region: { type: 'string' }, profile: { type: 'string' }, endpoint: { type: 'string' } },
      },
      defaults: {
        type: 'object',
        additionalProperties: false,
        properties: { timeout: duration, retries, retry_delay: duration },
      },
      steady_state: steps,
      stop_when: {
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
      steps: { type: 'array', minItems: 1, items: { $ref: '#/definitions/step' } },
      finally: steps,
    },
    required: ['steps'],
  };
}
