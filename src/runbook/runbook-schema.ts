import type { ActionDefinition, ActionRegistry, JsonSchema } from '../plugin/contract.js';
import { settingsBlocks } from '../plugin/declarations.js';
import { runbookSchema } from './schema.js';

/** The runbook schema for the registered actions: what `validate` checks against. */
export function registeredRunbookSchema(actions: ActionRegistry): JsonSchema {
  const blocks = new Map(settingsBlocks(actions).map((b) => [b.key, b.schema]));
  // The action's hover text, unless its schema describes itself.
  const described = (a: ActionDefinition<unknown>): JsonSchema =>
    a.description === undefined || 'description' in a.schema
      ? a.schema
      : { ...a.schema, description: a.description };
  return runbookSchema(new Map([...actions].map(([name, a]) => [name, described(a)])), blocks);
}

/**
 * The same schema as a standalone document for editors (`drillbook schema`, and
 * schema/drillbook.schema.json in the repository): only `$schema` is added, so
 * yaml-language-server knows the draft.
 */
export function publishedRunbookSchema(actions: ActionRegistry): string {
  const schema = { $schema: 'http://json-schema.org/draft-07/schema#', ...registeredRunbookSchema(actions) };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
