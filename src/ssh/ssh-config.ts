import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { HostConfig, HostQuery } from './host-config.js';
import { matchesPatternList } from './host-pattern.js';
import { strictness } from './openssh-config.js';
import { resolvePath } from './paths.js';

/** The keywords drillbook's built-in reader honours; the first value wins. */
const FIRST_WINS = new Set([
  'hostname',
  'user',
  'port',
  'proxyjump',
  'proxycommand',
  'userknownhostsfile',
  'globalknownhostsfile',
  'hostkeyalias',
  'stricthostkeychecking',
  'identitiesonly',
]);
const DEFAULT_IDENTITIES = [
  'id_rsa',
  'id_ecdsa',
  'id_ecdsa_sk',
  'id_ed25519',
  'id_ed25519_sk',
  'id_xmss',
  'id_dsa',
];

interface Block {
  /** undefined = a `Match` block, which drillbook does not evaluate (skipped unless `Match all`). */
  patterns: string[] | undefined;
  options: Array<[keyword: string, args: string[]]>;
}

/**
 * The fallback where no `ssh` binary exists: looks `host` up in an OpenSSH client config
 * (`Host` blocks matched case-sensitively as OpenSSH does, wildcards, negation, `Include`),
 * first value wins, `IdentityFile` accumulates without duplicates, OpenSSH's defaults fill
 * the rest. `Match` blocks other than `Match all` are not evaluated. A missing file is an
 * empty config.
 */
export function builtinHostConfig(
  file: string | undefined,
  query: HostQuery,
  home: string,
  localUser: string,
): HostConfig {
  const found = new Map<string, string[]>();
  const identityFiles: string[] = [];
  const blocks = file === undefined ? [] : readBlocks(file, home, 0);
  for (const block of blocks) {
    if (block.patterns === undefined || !matchesPatternList(query.host, block.patterns, true)) continue;
    for (const [keyword, args] of block.options) {
      if (args[0] === undefined) continue;
      if (keyword === 'identityfile') {
        if (!identityFiles.includes(args[0])) identityFiles.push(args[0]);
      } else if (FIRST_WINS.has(keyword) && !found.has(keyword)) found.set(keyword, args);
    }
  }
  const one = (k: string) => found.get(k)?.[0];
  const port = one('port');
  const config: HostConfig = {
    // OpenSSH lower-cases the host name; known_hosts entries (hashed ones too) are written so.
    hostName: (one('hostname') ?? query.host).replace(/%h/g, query.host).replace(/%%/g, '%').toLowerCase(),
    port: query.port ?? (port && /^\d+$/.test(port) ? Number(port) : 22),
    user: query.user ?? one('user') ?? localUser,
    identityFiles: identityFiles.length > 0 ? identityFiles : DEFAULT_IDENTITIES.map((f) => `~/.ssh/${f}`),
    identitiesOnly: one('identitiesonly')?.toLowerCase() === 'yes',
    userKnownHostsFiles: found.get('userknownhostsfile') ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'],
    globalKnownHostsFiles: found.get('globalknownhostsfile') ?? [
      '/etc/ssh/ssh_known_hosts',
      '/etc/ssh/ssh_known_hosts2',
    ],
    strictHostKeyChecking: strictness(one('stricthostkeychecking')),
    resolver: 'builtin',
  };
  const jump = one('proxyjump');
  if (jump && jump !== 'none') config.proxyJump = jump;
  const command = found.get('proxycommand')?.join(' ');
  if (command && command !== 'none') config.proxyCommand = command;
  const alias = one('hostkeyalias');
  if (alias) config.hostKeyAlias = alias.toLowerCase();
  return config;
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
    } else if (keyword === 'proxycommand') {
      // A command line, kept as written (quotes, `=` and all): the shell reads it, as with ssh.
      blocks[blocks.length - 1]!.options.push([keyword, [line.trim().replace(/^\S+?(\s*=\s*|\s+)/, '')]]);
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
