import type { ActionRegistry, JsonSchema } from '../plugin/contract.js';
import { runbookSchema } from './schema.js';

/** The runbook schema for the registered actions: what `validate` checks against. */
export function registeredRunbookSchema(actions: ActionRegistry): JsonSchema {
  return runbookSchema(new Map([...actions].map(([name, a]) => [name, a.schema])));
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
