/**
 * Which local paths an `upload` leaves out. Version-control metadata never goes to a host by
 * default (as Jenkins "Publish over SSH" leaves it out): `.git/` holds the whole history, and
 * often credentials in its config. `exclude:` adds globs.
 */
export const VCS_METADATA = ['.git', '.hg', '.svn', '.bzr', 'CVS', '_darcs'] as const;

export type UploadFilter = (relativePath: string) => boolean;

/**
 * True for a path (relative to `from`, `/`-separated) to leave out. A pattern without `/`
 * matches a name at any depth (`*.pyc`, `node_modules`); one with `/` matches the whole
 * relative path (`static/*.map`, `docs/**`). `*` and `?` stay within one name, `**` crosses
 * `/`. A directory left out takes its whole tree with it (the walk never enters it).
 */
export function uploadFilter(exclude: readonly string[]): UploadFilter {
  const byName = new Set<string>(VCS_METADATA);
  const patterns = exclude.map((glob) => ({ anywhere: !glob.includes('/'), re: globToRegExp(glob) }));
  return (relativePath) => {
    const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
    if (byName.has(name)) return true;
    return patterns.some((p) => p.re.test(p.anywhere ? name : relativePath));
  };
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  const trimmed = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed[i]!;
    if (c === '*' && trimmed[i + 1] === '*') {
      // `**/` also matches no directory at all: `docs/**/x` matches `docs/x`.
      const slash = trimmed[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
