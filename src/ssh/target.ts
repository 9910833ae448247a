import { hostname as localHostName, userInfo } from 'node:os';
import type { HostSpec } from '../runbook/model.js';
import type { Resolver, StrictHostKeyChecking } from './host-config.js';
import { knownHostsName } from './known-hosts.js';
import { resolvePath, type SshPaths } from './paths.js';
import { hostConfig } from './resolve-config.js';

/** Everything needed to open one SSH connection, runbook and ssh config merged. */
export interface SshTarget {
  /** Runbook host name (or the jump spec) for messages and labels. */
  name: string;
  /** What the ssh config was asked about (`%n`): the runbook's `host`, maybe an alias. */
  alias: string;
  /** Address to connect to (HostName from the ssh config, else the runbook's `host`). */
  address: string;
  port: number;
  user: string;
  /** Key files to try, in order; a missing one is skipped with a note, as `ssh` does. */
  identityFiles: Array<{ path: string; explicit: boolean }>;
  /** IdentitiesOnly: offer only agent keys that match an identity file. */
  identitiesOnly: boolean;
  /** Every known_hosts file to check, user files first. */
  knownHostsFiles: string[];
  /** Where a newly accepted host key is appended (the first UserKnownHostsFile). */
  userKnownHosts: string;
  /** The name the host's key is filed under: HostKeyAlias, else `host` / `[host]:port`, lower case. */
  hostKeyName: string;
  strictHostKeyChecking: StrictHostKeyChecking;
  /** ProxyCommand, tokens unexpanded; its stdin/stdout become the connection. */
  proxyCommand?: string;
  agent: string | undefined;
  /** The host to tunnel through (ProxyJump), itself resolved the same way. */
  via?: SshTarget;
  resolver: Resolver;
  /** Things the user should know about how this host was resolved (shadowed aliases). */
  warnings: string[];
}

const DEFAULT_IDENTITY = /^~\/\.ssh\/id_(rsa|ecdsa|ecdsa_sk|ed25519|ed25519_sk|xmss|dsa)$/;

/**
 * Runbook fields win over the ssh config (as `ssh -l/-p/-i/-J` do): `user` and `port` are
 * handed to `ssh -G` so `Match user` and `%r` see them; `identity_file` replaces the config's
 * IdentityFile list; `jump` replaces ProxyJump and ProxyCommand. `cwd` is the runbook's
 * directory: the runbook's relative key and known_hosts paths resolve against it.
 */
export function resolveTarget(
  spec: HostSpec,
  hosts: Record<string, HostSpec>,
  paths: SshPaths,
  cwd: string,
  env: Record<string, string | undefined>,
  depth = 0,
): SshTarget {
  const query = {
    host: spec.host,
    ...(spec.user ? { user: spec.user } : {}),
    ...(spec.port ? { port: spec.port } : {}),
  };
  const config = hostConfig(query, paths, env);
  const user = config.user || paths.localUser;
  const address = config.hostName || spec.host;
  const tokens = {
    d: paths.home,
    u: paths.localUser,
    r: user,
    h: address,
    n: spec.host,
    p: String(config.port),
  };
  // OpenSSH resolves a relative IdentityFile or known_hosts file against the working directory.
  const file = (p: string) => resolvePath(expandTokens(p, tokens), paths.home, process.cwd());
  const identityFiles = spec.identityFile
    ? [{ path: resolvePath(spec.identityFile, paths.home, cwd), explicit: true }]
    : config.identityFiles.map((p) => ({
        path: file(p),
        explicit: !DEFAULT_IDENTITY.test(p),
      }));
  const userFiles = env['DRILLBOOK_KNOWN_HOSTS'] ? [paths.knownHosts] : config.userKnownHostsFiles.map(file);
  const knownHostsFiles = [...userFiles];
  if (spec.knownHosts) knownHostsFiles.push(resolvePath(spec.knownHosts, paths.home, cwd));
  knownHostsFiles.push(...config.globalKnownHostsFiles.map(file));
  const target: SshTarget = {
    name: spec.name,
    alias: spec.host,
    address,
    port: config.port,
    user,
    identityFiles: identityFiles.filter((f, i) => identityFiles.findIndex((g) => g.path === f.path) === i),
    identitiesOnly: config.identitiesOnly,
    knownHostsFiles,
    userKnownHosts: userFiles[0] ?? paths.knownHosts,
    hostKeyName: (config.hostKeyAlias ?? knownHostsName(address, config.port)).toLowerCase(),
    strictHostKeyChecking: config.strictHostKeyChecking,
    agent: paths.agent,
    resolver: config.resolver,
    warnings: [],
  };
  const jump = spec.jump ?? config.proxyJump;
  if (jump && jump !== 'none') {
    if (depth >= 5) throw new Error(`host ${spec.name}: ProxyJump chain is deeper than 5 hops (a loop?)`);
    // A runbook `jump:` names runbook hosts first; an ssh_config ProxyJump names ssh_config aliases.
    const fromRunbook = spec.jump !== undefined;
    target.via = resolveJumpChain(jump, fromRunbook ? hosts : {}, paths, cwd, env, depth + 1);
    if (!fromRunbook) target.warnings.push(...shadowWarnings(jump, hosts, spec.name));
    for (let hop: SshTarget | undefined = target.via; hop; hop = hop.via)
      target.warnings.push(...hop.warnings);
  } else if (config.proxyCommand && spec.jump === undefined) target.proxyCommand = config.proxyCommand;
  target.warnings = [...new Set(target.warnings)];
  return target;
}

/** `a,b,c` → connect to a, through it to b, through b to c; returns c (whose `via` is b). */
function resolveJumpChain(
  chain: string,
  hosts: Record<string, HostSpec>,
  paths: SshPaths,
  cwd: string,
  env: Record<string, string | undefined>,
  depth: number,
): SshTarget {
  let previous: SshTarget | undefined;
  for (const hop of chain.split(',').map((h) => h.trim())) {
    const spec = hosts[hop] ?? parseHop(hop);
    // A hop given in a chain is reached through the previous hop, not its own ProxyJump/ProxyCommand.
    const target = resolveTarget(previous ? { ...spec, jump: 'none' } : spec, hosts, paths, cwd, env, depth);
    if (previous) target.via = previous;
    previous = target;
  }
  if (!previous) throw new Error(`empty jump host list: '${chain}'`);
  return previous;
}

/** An ssh_config ProxyJump hop that has the same name as a runbook host: say which one is used. */
function shadowWarnings(chain: string, hosts: Record<string, HostSpec>, from: string): string[] {
  return chain
    .split(',')
    .map((hop) => parseHop(hop.trim()).host)
    .filter((hop) => hosts[hop] !== undefined)
    .map(
      (hop) =>
        `runbook host '${hop}' has the same name as the ssh_config alias '${hop}' in ${from}'s ProxyJump: ` +
        `the jump uses the ssh_config alias, as ssh does (to jump through the runbook host, set jump: ${hop} on ${from})`,
    );
}

/** `[user@]host[:port]` as in `ssh -J`. */
function parseHop(hop: string): HostSpec {
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hop);
  if (!m?.[2])
    throw new Error(`cannot read jump host '${hop}': expected [user@]host[:port] or a runbook host name`);
  const spec: HostSpec = { name: hop, host: m[2].replace(/^\[|\]$/g, '') };
  if (m[1]) spec.user = m[1];
  if (m[3]) spec.port = Number(m[3]);
  return spec;
}

/** OpenSSH's `%` tokens in IdentityFile (and ProxyCommand); an unknown token stays as written. */
export function expandTokens(text: string, values: Record<string, string>): string {
  return text.replace(/%(.)/g, (whole, c: string) => {
    if (c === '%') return '%';
    if (c === 'l') return localHostName();
    if (c === 'i') return String(userInfo().uid);
    return values[c] ?? whole;
  });
}

/** `user@host:port` of every jump hop, first hop first (plan --json's `proxy_jump`). */
export function jumpList(target: SshTarget): string[] {
  const hops: string[] = [];
  for (let hop = target.via; hop; hop = hop.via) hops.unshift(`${hop.user}@${hop.address}:${hop.port}`);
  return hops;
}
