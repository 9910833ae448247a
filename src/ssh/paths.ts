import { homedir, userInfo } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * Where ssh state lives. Everything derives from the run's environment (`ctx.env`), not the
 * drillbook process, so tests point HOME at a temp dir and never touch the real ~/.ssh:
 * - `HOME` → `~/.ssh/config`, `~/.ssh/known_hosts`, default identities `~/.ssh/id_*`
 * - `DRILLBOOK_SSH_CONFIG` overrides the config file (`none` = read no config)
 * - `DRILLBOOK_KNOWN_HOSTS` overrides the user known_hosts file
 * - `SSH_AUTH_SOCK` is the agent
 */
export interface SshPaths {
  home: string;
  /** The account's home from the password database: where OpenSSH itself expands `~`. */
  accountHome: string;
  localUser: string;
  config: string | undefined;
  knownHosts: string;
  agent: string | undefined;
}

export function sshPaths(env: Record<string, string | undefined>): SshPaths {
  const home = env['HOME'] || homedir();
  const config = env['DRILLBOOK_SSH_CONFIG'] || join(home, '.ssh', 'config');
  return {
    home,
    accountHome: safeAccountHome(home),
    localUser: env['USER'] || env['LOGNAME'] || userInfo().username,
    config: config === 'none' ? undefined : config,
    knownHosts: env['DRILLBOOK_KNOWN_HOSTS'] || join(home, '.ssh', 'known_hosts'),
    agent: env['SSH_AUTH_SOCK'] || undefined,
  };
}

function safeAccountHome(fallback: string): string {
  try {
    return userInfo().homedir;
  } catch {
    return fallback;
  }
}

/** `~/x` → home/x; relative paths resolve against `base`. */
export function resolvePath(path: string, home: string, base: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return isAbsolute(path) ? path : resolve(base, path);
}
