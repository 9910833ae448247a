import { existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { HostConfig, HostQuery } from './host-config.js';
import { opensshHostConfig } from './openssh-config.js';
import type { SshPaths } from './paths.js';
import { builtinHostConfig } from './ssh-config.js';

/**
 * How a host is reached, as OpenSSH itself would say (`ssh -G`), or, where no `ssh` binary is
 * on PATH, as drillbook's built-in reader says. `resolver` in the answer tells which.
 */
export function hostConfig(
  query: HostQuery,
  paths: SshPaths,
  env: Record<string, string | undefined>,
): HostConfig {
  const ssh = findSsh(env['PATH']);
  if (ssh === undefined) return builtinHostConfig(paths.config, query, paths.home, paths.localUser);
  const config = opensshHostConfig(ssh, configArgs(paths, env), query, env);
  // OpenSSH expands `~` with the account's home from the password database; drillbook's ssh
  // state follows $HOME (so a CI job or a test can point it elsewhere): map one to the other.
  const fromHome = (p: string) =>
    paths.accountHome !== paths.home && p.startsWith(`${paths.accountHome}/`)
      ? join(paths.home, p.slice(paths.accountHome.length + 1))
      : p;
  config.userKnownHostsFiles = config.userKnownHostsFiles.map(fromHome);
  config.globalKnownHostsFiles = config.globalKnownHostsFiles.map(fromHome);
  config.identityFiles = config.identityFiles.map(fromHome);
  return config;
}

/**
 * Which config `ssh -G` reads: ssh's own (~/.ssh/config, then /etc/ssh/ssh_config) when $HOME is
 * the account's home and DRILLBOOK_SSH_CONFIG is unset; else `-F` with the file drillbook uses,
 * or `-F none` where that file does not exist (`-F` also skips /etc/ssh/ssh_config, as `ssh -F` does).
 */
function configArgs(paths: SshPaths, env: Record<string, string | undefined>): string[] {
  if (!env['DRILLBOOK_SSH_CONFIG'] && paths.home === paths.accountHome) return [];
  if (paths.config === undefined || !existsSync(paths.config)) return ['-F', 'none'];
  return ['-F', paths.config];
}

/** The `ssh` binary on the run's PATH, if any. */
export function findSsh(path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'ssh');
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}
