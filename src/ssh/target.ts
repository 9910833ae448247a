import type { HostSpec } from '../runbook/model.js';
import { resolvePath, type SshPaths } from './paths.js';
import { lookupSshConfig } from './ssh-config.js';

/** Everything needed to open one SSH connection, runbook and ~/.ssh/config merged. */
export interface SshTarget {
  /** Runbook host name (or the jump spec) for messages and labels. */
  name: string;
  /** Address to connect to (HostName from ~/.ssh/config, else the runbook's `host`). */
  address: string;
  port: number;
  user: string;
  /** Key files to try, in order; `explicit` ones must be usable, defaults are skipped if not. */
  identityFiles: Array<{ path: string; explicit: boolean }>;
  knownHostsFiles: string[];
  agent: string | undefined;
  /** The host to tunnel through (ProxyJump), itself resolved the same way. */
  via?: SshTarget;
}

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
const GLOBAL_KNOWN_HOSTS = '/etc/ssh/ssh_known_hosts';

/**
 * Runbook fields win over ~/.ssh/config (as `ssh -l/-p/-i/-J` do over the config); the config
 * fills the rest, keyed by the runbook's `host` so it may be an alias. `cwd` is the runbook's
 * directory: relative key and known_hosts paths resolve against it.
 */
export function resolveTarget(
  spec: HostSpec,
  hosts: Record<string, HostSpec>,
  paths: SshPaths,
  cwd: string,
  depth = 0,
): SshTarget {
  const config = lookupSshConfig(paths.config, spec.host, paths.home);
  const user = spec.user ?? config.user ?? paths.localUser;
  const address = config.hostName ?? spec.host;
  const tokens = (p: string) =>
    p
      .replace(/%d/g, paths.home)
      .replace(/%u/g, paths.localUser)
      .replace(/%r/g, user)
      .replace(/%h/g, address)
      .replace(/%%/g, '%');
  const identityFiles = spec.identityFile
    ? [{ path: resolvePath(spec.identityFile, paths.home, cwd), explicit: true }]
    : config.identityFiles.length > 0
      ? config.identityFiles.map((p) => ({
          path: resolvePath(tokens(p), paths.home, paths.home),
          explicit: true,
        }))
      : DEFAULT_IDENTITIES.map((f) => ({ path: `${paths.home}/.ssh/${f}`, explicit: false }));
  const knownHostsFiles = [paths.knownHosts];
  if (spec.knownHosts) knownHostsFiles.push(resolvePath(spec.knownHosts, paths.home, cwd));
  knownHostsFiles.push(GLOBAL_KNOWN_HOSTS);
  const target: SshTarget = {
    name: spec.name,
    address,
    port: spec.port ?? config.port ?? 22,
    user,
    identityFiles,
    knownHostsFiles,
    agent: paths.agent,
  };
  const jump = spec.jump ?? config.proxyJump;
  if (jump && jump !== 'none') {
    if (depth >= 5) throw new Error(`host ${spec.name}: ProxyJump chain is deeper than 5 hops (a loop?)`);
    target.via = resolveJumpChain(jump, hosts, paths, cwd, depth + 1);
  }
  return target;
}

/** `a,b,c` → connect to a, through it to b, through b to c; returns c (whose `via` is b). */
function resolveJumpChain(
  chain: string,
  hosts: Record<string, HostSpec>,
  paths: SshPaths,
  cwd: string,
  depth: number,
): SshTarget {
  let previous: SshTarget | undefined;
  for (const hop of chain.split(',').map((h) => h.trim())) {
    const spec = hosts[hop] ?? parseHop(hop);
    // A hop given in a chain is reached through the previous hop, not its own ProxyJump.
    const target = resolveTarget(previous ? { ...spec, jump: 'none' } : spec, hosts, paths, cwd, depth);
    if (previous) target.via = previous;
    previous = target;
  }
  if (!previous) throw new Error(`empty jump host list: '${chain}'`);
  return previous;
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
