import type { ActionRegistry, FlagDeclaration, SettingsBlock } from './contract.js';

/** Every credential variable the registered actions declare (see `ActionDefinition.secrets`). */
export function impliedSecrets(actions: ActionRegistry): string[] {
  return [...new Set([...actions.values()].flatMap((a) => a.secrets ?? []))];
}

/**
 * The values of the switches the registered actions declare, by name, from what the command
 * line gave (`given`, by the same names); a declared switch that was not given is false, and
 * a given one no action declares is dropped, so an action sees only switches that exist.
 */
export function flagValues(
  actions: ActionRegistry,
  given: Readonly<Record<string, boolean | undefined>>,
): Record<string, boolean> {
  const names = declaredFlags(actions).map((f) => f.name);
  return Object.fromEntries(names.map((name) => [name, given[name] === true]));
}

/** The switches the registered actions declare, in registry order (for the command line). */
export function declaredFlags(actions: ActionRegistry): FlagDeclaration[] {
  return [...actions.values()].flatMap((a) => a.flags ?? []);
}

/** The settings blocks the registered actions declare, one per key (actions may share one). */
export function settingsBlocks(actions: ActionRegistry): SettingsBlock[] {
  const byKey = new Map<string, SettingsBlock>();
  for (const a of actions.values())
    if (a.settings && !byKey.has(a.settings.key)) byKey.set(a.settings.key, a.settings);
  return [...byKey.values()];
}
