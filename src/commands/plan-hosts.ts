import { dirname } from 'node:path';
import type { Runbook } from '../runbook/model.js';
import { sshPaths } from '../ssh/paths.js';
import { jumpList, resolveTarget } from '../ssh/target.js';

/** One runbook host as `plan --json` shows it: how drillbook will reach it, field by field. */
export interface PlannedHost {
  name: string;
  /** `openssh` (`ssh -G` answered) or `builtin` (no `ssh` binary: drillbook's own reader). */
  resolver: string;
  hostname: string;
  port: number;
  user: string;
  /** `user@host:port` of each jump host, first hop first. */
  proxy_jump: string[];
  proxy_command: string | null;
  identity_files: string[];
  /** True when no IdentityFile was configured: OpenSSH's default ~/.ssh/id_* files, if present. */
  identity_files_default: boolean;
  identities_only: boolean;
  known_hosts_files: string[];
  host_key_alias: string;
  strict_host_key_checking: string;
  warnings: string[];
  /** Set when the host could not be resolved (ssh -G refused the config); the rest is empty. */
  error?: string;
}

/** Resolves every runbook host as a run would (the same code path), without connecting. */
export function planHosts(runbook: Runbook, env: Record<string, string | undefined>): PlannedHost[] {
  const paths = sshPaths(env);
  const cwd = dirname(runbook.file);
  return Object.values(runbook.hosts).map((spec) => {
    try {
      const t = resolveTarget(spec, runbook.hosts, paths, cwd, env);
      return {
        name: spec.name,
        resolver: t.resolver,
        hostname: t.address,
        port: t.port,
        user: t.user,
        proxy_jump: jumpList(t),
        proxy_command: t.proxyCommand ?? null,
        identity_files: t.identityFiles.map((f) => f.path),
        identity_files_default: t.identityFiles.every((f) => !f.explicit),
        identities_only: t.identitiesOnly,
        known_hosts_files: t.knownHostsFiles,
        host_key_alias: t.hostKeyName,
        strict_host_key_checking: t.strictHostKeyChecking,
        warnings: t.warnings,
      };
    } catch (error) {
      return { ...unresolved(spec.name), error: error instanceof Error ? error.message : String(error) };
    }
  });
}

function unresolved(name: string): PlannedHost {
  return {
    name,
    resolver: '',
    hostname: '',
    port: 0,
    user: '',
    proxy_jump: [],
    proxy_command: null,
    identity_files: [],
    identity_files_default: false,
    identities_only: false,
    known_hosts_files: [],
    host_key_alias: '',
    strict_host_key_checking: '',
    warnings: [],
  };
}

/** The human plan's one line per host (plus a line per warning). */
export function hostLines(hosts: PlannedHost[]): string[] {
  return hosts.flatMap((h) => {
    if (h.error) return [`  ${h.name}: CANNOT RESOLVE: ${h.error}`];
    const parts = [`${h.user}@${h.hostname}:${h.port}`];
    if (h.proxy_jump.length > 0) parts.push(`via ${h.proxy_jump.join(' → ')}`);
    if (h.proxy_command) parts.push(`ProxyCommand ${h.proxy_command}`);
    const keys = h.identity_files_default ? 'the default ~/.ssh/id_* files' : h.identity_files.join(', ');
    parts.push(`keys ${keys || 'none'}${h.identities_only ? ' (IdentitiesOnly)' : ''}`);
    parts.push(`known_hosts ${h.known_hosts_files.join(', ')} as ${h.host_key_alias}`);
    parts.push(`StrictHostKeyChecking ${h.strict_host_key_checking}`);
    const resolver =
      h.resolver === 'openssh' ? 'resolved by ssh -G' : 'resolved by the built-in reader (no ssh binary)';
    return [`  ${h.name}: ${parts.join('; ')} [${resolver}]`, ...h.warnings.map((w) => `    warning: ${w}`)];
  });
}
