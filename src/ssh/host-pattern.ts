/**
 * OpenSSH host pattern lists (`Host` lines, known_hosts host fields): comma or space separated,
 * `*` and `?` wildcards, `!` negates. A negated match wins over any positive one. `Host`
 * lines match case-sensitively (as OpenSSH does); known_hosts names are compared in lower case.
 */
export function matchesPatternList(
  name: string,
  patterns: readonly string[],
  caseSensitive = false,
): boolean {
  let matched = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!globToRegExp(pattern, caseSensitive).test(name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function globToRegExp(pattern: string, caseSensitive: boolean): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, caseSensitive ? '' : 'i');
}
