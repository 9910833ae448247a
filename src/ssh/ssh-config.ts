import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { matchesPatternList } from './host-pattern.js';
import { resolvePath } from './paths.js';

/** What ~/.ssh/config says about one host (the keywords drillbook honours). */
export interface SshConfigHost {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  proxyJump?: string;
}

interface Block {
  /** undefined = a `Match` block, which drillbook does not evaluate (skipped unless `Match all`). */
  patterns: string[] | undefined;
  options: Array<[keyword: string, args: string[]]>;
}

/**
 * Looks `host` up in an OpenSSH client config: `Host` blocks (wildcards, negation), `Include`,
 * first value wins, `IdentityFile` accumulates. A missing file is an empty config.
 */
export function lookupSshConfig(file: string | undefined, host: string, home: string): SshConfigHost {
  const result: SshConfigHost = { identityFiles: [] };
  if (file === undefined) return result;
  const seen = new Set<string>();
  for (const block of readBlocks(file, home, 0)) {
    if (block.patterns === undefined || !matchesPatternList(host, block.patterns)) continue;
    for (const [keyword, args] of block.options) {
      const value = args[0];
      if (value === undefined) continue;
      if (keyword === 'identityfile') {
        result.identityFiles.push(value);
        continue;
      }
      if (seen.has(keyword)) continue;
      seen.add(keyword);
      if (keyword === 'hostname') result.hostName = value.replace(/%h/g, host).replace(/%%/g, '%');
      else if (keyword === 'user') result.user = value;
      else if (keyword === 'port' && /^\d+$/.test(value)) result.port = Number(value);
      else if (keyword === 'proxyjump') result.proxyJump = value;
    }
  }
  return result;
}

function readBlocks(file: string, home: string, depth: number): Block[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  // Lines before the first Host apply to every host.
  const blocks: Block[] = [{ patterns: ['*'], options: [] }];
  for (const line of text.split(/\r?\n/)) {
    const words = splitWords(line);
    const keyword = words.shift()?.toLowerCase();
    if (keyword === undefined) continue;
    if (keyword === 'host') blocks.push({ patterns: words, options: [] });
    else if (keyword === 'match') {
      blocks.push({
        patterns: words.length === 1 && words[0]?.toLowerCase() === 'all' ? ['*'] : undefined,
        options: [],
      });
    } else if (keyword === 'include' && depth < 8) {
      // An Include inside a Host block is conditional on that block; afterwards the lines
      // that follow still belong to it.
      const current = blocks[blocks.length - 1]!;
      for (const f of words.flatMap((w) => expandInclude(w, home))) {
        const [head, ...rest] = readBlocks(f, home, depth + 1);
        if (head) blocks.push({ patterns: current.patterns, options: head.options });
        blocks.push(...rest);
      }
      blocks.push({ patterns: current.patterns, options: [] });
    } else blocks[blocks.length - 1]!.options.push([keyword, words]);
  }
  return blocks;
}

/** `Include` paths are relative to ~/.ssh; `*` in the last component is a glob. */
function expandInclude(pattern: string, home: string): string[] {
  const path = resolvePath(pattern, home, join(home, '.ssh'));
  const name = basename(path);
  if (!name.includes('*') && !name.includes('?')) return [path];
  const re = new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  try {
    return readdirSync(dirname(path))
      .filter((f) => re.test(f))
      .sort()
      .map((f) => join(dirname(path), f));
  } catch {
    return [];
  }
}

/** Splits a config line into words: `Key value`, `Key=value`, double quotes, `#` comments. */
function splitWords(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|([^\s"=]+)/g;
  const trimmed = line.trim();
  if (trimmed.startsWith('#')) return words;
  for (const m of trimmed.matchAll(re)) {
    const word = m[1] ?? m[2] ?? '';
    if (m[1] === undefined && word.startsWith('#')) break;
    words.push(word);
  }
  return words;
}
