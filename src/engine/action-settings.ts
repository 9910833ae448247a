import type { ActionDefinition } from '../plugin/contract.js';
import { renderTemplate } from '../runbook/template.js';
import type { RunContext } from './run-context.js';

/**
 * The settings block `def` declares (`SettingsBlock`), filled from the current scope: it may
 * name a value an earlier step saved, so it is filled for every step. A field whose template
 * has no value yet (the step that saves it has not run) is left out, so the action's library
 * falls back to its defaults instead of the step crashing.
 */
export function settingsFor(
  ctx: RunContext,
  def: ActionDefinition<unknown>,
): Readonly<Record<string, string>> {
  const key = def.settings?.key;
  const block = key === undefined ? undefined : ctx.runbook.settings[key];
  if (!block) return {};
  if (!Object.values(block).some((v) => v.includes('{{'))) return block;
  const filled: Record<string, string> = {};
  for (const [name, value] of Object.entries(block)) {
    try {
      filled[name] = renderTemplate(value, ctx.scope, { shell: false });
    } catch {
      // Left out: see above.
    }
  }
  return filled;
}
