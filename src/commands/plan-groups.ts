import type { ActionRegistry } from '../plugin/contract.js';
import { expandHostNames, shortList } from '../runbook/host-groups.js';
import type { Runbook, Step } from '../runbook/model.js';

/** The hosts a step names, groups and globs resolved; undefined for a step without hosts. */
export function stepHosts(actions: ActionRegistry, runbook: Runbook, step: Step): string[] | undefined {
  if (step.kind !== 'action') return undefined;
  const names = actions.get(step.action.type)?.hosts?.(step.action.config) ?? [];
  if (names.length === 0 || names.some((n) => n.includes('{{'))) return undefined;
  return expandHostNames(names, Object.keys(runbook.hosts), runbook.hostGroups).hosts;
}

/**
 * The plan's line under a step whose `host:` names a group or a pattern: the hosts it
 * resolves to (plain host names are already in the step's summary).
 */
export function stepHostsLine(actions: ActionRegistry, runbook: Runbook, step: Step): string | undefined {
  if (step.kind !== 'action') return undefined;
  const names = actions.get(step.action.type)?.hosts?.(step.action.config) ?? [];
  if (names.every((n) => n.includes('{{') || Object.hasOwn(runbook.hosts, n))) return undefined;
  const { hosts } = expandHostNames(names, Object.keys(runbook.hosts), runbook.hostGroups);
  return `on ${hosts.length} host${hosts.length === 1 ? '' : 's'}: ${shortList(hosts)}`;
}

/** The plan's lines for host groups, below the hosts. */
export function groupLines(runbook: Runbook): string[] {
  return Object.entries(runbook.hostGroups).map(
    ([name, hosts]) => `  ${name} (group of ${hosts.length}): ${shortList(hosts)}`,
  );
}
