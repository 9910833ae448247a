import type { ActionRegistry } from '../plugin/contract.js';
import { renderTemplate, type TemplateScope } from '../runbook/template.js';

/**
 * What an action will act on, for people (`plan`, `run --dry-run`): every template that can be
 * filled before the run is filled in, shell text quoted as it will run ('display' mode, never
 * executed); templates that need the run (a step's output, a saved var) stay as written. A bare
 * string config (`run: cmd`) is shell text when the action has shell keys, as at run time.
 */
export function displaySummary(
  actions: ActionRegistry,
  type: string,
  config: unknown,
  scope?: TemplateScope,
): string {
  const def = actions.get(type);
  if (!def) return type;
  if (!scope) return def.summary(config);
  const shellKeys = def.shellKeys ?? [];
  return def.summary(fillKnown(config, scope, shellKeys, typeof config === 'string' && shellKeys.length > 0));
}

/** `value` with every template that can be filled before the run filled in (shell keys as display text). */
export function fillKnown(
  value: unknown,
  scope: TemplateScope,
  shellKeys: readonly string[],
  shell: boolean,
): unknown {
  if (typeof value === 'string') {
    try {
      return renderTemplate(value, scope, { shell: shell && 'display', keepUnknown: true });
    } catch {
      return value;
    }
  }
  if (Array.isArray(value)) return value.map((v) => fillKnown(v, scope, shellKeys, shell));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, fillKnown(v, scope, [], shell || shellKeys.includes(k))]),
    );
  return value;
}
