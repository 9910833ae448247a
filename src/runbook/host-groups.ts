import { didYouMean } from './did-you-mean.js';

/**
 * Host groups: a `hosts:` entry that is a list instead of a host. Each item is a host name, a
 * group name (its hosts), a glob over the host names (`web-*`, `db-?`; `*` any run of
 * characters, `?` one, case-sensitive as ssh_config's `Host`), or `!glob`, which leaves out
 * the hosts it matches whatever else named them (as a negated ssh_config pattern does).
 * Hosts keep the order of `hosts:`; a host named twice counts once.
 */

export interface GroupProblem {
  /** Index of the item in the group's list, or undefined for the group as a whole. */
  item?: number;
  message: string;
  hint?: string;
}

export const isPattern = (name: string) => /[*?]/.test(name) || name.startsWith('!');

/**
 * Every group resolved to host names (in `hosts:` order), with the problems found: an item
 * naming nothing, a pattern matching no host, a group that contains itself, an empty result.
 */
export function resolveGroups(
  groups: Record<string, readonly string[]>,
  hostNames: readonly string[],
): { groups: Record<string, string[]>; problems: Map<string, GroupProblem[]> } {
  const resolved: Record<string, string[]> = Object.create(null);
  const problems = new Map<string, GroupProblem[]>();
  const visiting = new Set<string>();
  const resolve = (name: string): string[] => {
    const done = resolved[name];
    if (done) return done;
    const found: GroupProblem[] = [];
    // A member group that is itself wrong was reported there; an empty result is its fault.
    let brokenMember = false;
    visiting.add(name);
    const members = expand(
      groups[name] ?? [],
      hostNames,
      groups,
      (item, index) => {
        if (visiting.has(item)) {
          found.push({ item: index, message: `group "${name}" contains itself (through "${item}")` });
          return [];
        }
        const inner = resolve(item);
        if (problems.has(item)) brokenMember = true;
        return inner;
      },
      found,
    );
    visiting.delete(name);
    if (members.length === 0 && found.length === 0 && !brokenMember)
      found.push({ message: `group "${name}" has no hosts left`, hint: 'a "!" item leaves out every host' });
    if (found.length > 0) problems.set(name, found);
    resolved[name] = members;
    return members;
  };
  for (const name of Object.keys(groups)) resolve(name);
  return { groups: resolved, problems };
}

/** A step's `host:` names (hosts, groups, patterns) as host names, duplicates collapsed. */
export function expandHostNames(
  names: readonly string[],
  hostNames: readonly string[],
  groups: Readonly<Record<string, readonly string[]>>,
): { hosts: string[]; problems: GroupProblem[] } {
  const problems: GroupProblem[] = [];
  const hosts = expand(names, hostNames, groups, (group) => [...(groups[group] ?? [])], problems);
  return { hosts, problems };
}

function expand(
  items: readonly string[],
  hostNames: readonly string[],
  groups: Readonly<Record<string, readonly string[]>>,
  groupMembers: (group: string, index: number) => string[],
  problems: GroupProblem[],
): string[] {
  const chosen = new Set<string>();
  const leftOut: string[] = [];
  for (const [i, item] of items.entries()) {
    if (item.startsWith('!')) {
      leftOut.push(item.slice(1));
      if (!hostNames.some((h) => matchesGlob(h, item.slice(1))))
        problems.push({ item: i, message: `"${item}" leaves out no host: "${item.slice(1)}" matches none` });
    } else if (isPattern(item)) {
      const matched = hostNames.filter((h) => matchesGlob(h, item));
      if (matched.length === 0)
        problems.push({
          item: i,
          message: `pattern "${item}" matches no host`,
          hint: `hosts are: ${shortList(hostNames)}`,
        });
      for (const h of matched) chosen.add(h);
    } else if (hostNames.includes(item)) chosen.add(item);
    else if (Object.hasOwn(groups, item)) for (const h of groupMembers(item, i)) chosen.add(h);
    else {
      const guess = didYouMean(item, [...hostNames, ...Object.keys(groups)]);
      problems.push({
        item: i,
        message: `unknown host "${item}"`,
        hint: guess ? `did you mean "${guess}"?` : `define it under hosts: (known: ${shortList(hostNames)})`,
      });
    }
  }
  const order = new Map(hostNames.map((h, i) => [h, i]));
  return [...chosen]
    .filter((h) => !leftOut.some((p) => matchesGlob(h, p)))
    .sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
}

/** `a, b, c … y, z (26 hosts)`: long lists stay one readable line. */
export function shortList(names: readonly string[], keep = 8): string {
  if (names.length === 0) return 'none';
  if (names.length <= keep) return names.join(', ');
  const head = names.slice(0, keep - 2).join(', ');
  return `${head} … ${names.slice(-2).join(', ')} (${names.length} hosts)`;
}

/** `*` any run of characters, `?` one, everything else itself; case-sensitive, whole name. */
function matchesGlob(name: string, glob: string): boolean {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`).test(name);
}
