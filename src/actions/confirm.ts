import type { ActionDefinition } from '../plugin/contract.js';

/**
 * A gate alone. The gate itself is the step's `confirm` (the engine asks before any
 * action); this action is what such a step "runs" once approved: nothing.
 */
export const confirmAction: ActionDefinition<Record<string, never>, Record<string, never>> = {
  name: 'confirm',
  schema: { type: 'object', additionalProperties: false },
  parse: () => ({}),
  summary: () => 'gate: a person decides',
  run: async () => ({ ok: true }),
};
