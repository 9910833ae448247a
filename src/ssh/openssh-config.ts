import { execFileSync } from 'node:child_process';
import type { HostConfig, HostQuery, StrictHostKeyChecking } from './host-config.js';

/**
 * Asks OpenSSH how it would reach a host: `ssh -G` applies the config exactly as `ssh HOST`
 * does (Match, Include, canonicalisation, tokens in HostName) and prints the result without
 * connecting. `configArgs` is `[]` (ssh's own ~/.ssh/config and /etc/ssh/ssh_config) or
 * `['-F', file]`. Throws with ssh's own message when the config is broken.
 */
export function opensshHostConfig(
  ssh: string,
  configArgs: string[],
  query: HostQuery,
  env: Record<string, string | undefined>,
): HostConfig {
  const args = ['-G', ...configArgs];
  if (query.user !== undefined) args.push('-l', query.user);
  if (query.port !== undefined) args.push('-p', String(query.port));
  args.push('--', query.host);
  let text: string;
  try {
    text = execFileSync(ssh, args, {
      encoding: 'utf8',
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10_000,
      maxBuffer: 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    const why = (e.stderr ?? '').trim().split('\n').slice(0, 3).join('; ') || e.message;
    throw new Error(`ssh -G ${query.host} (OpenSSH reading the ssh config) failed: ${why}`);
  }
  return parseSshG(text);
}

/** `keyword value...` lines, keywords in lower case; repeated keywords (identityfile) accumulate. */
export function parseSshG(text: string): HostConfig {
  const values = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const key = line.slice(0, space).toLowerCase();
    values.set(key, [...(values.get(key) ?? []), line.slice(space + 1)]);
  }
  const one = (key: string) => values.get(key)?.[0];
  const list = (key: string) => (one(key) ?? '').split(' ').filter((s) => s !== '' && s !== 'none');
  const config: HostConfig = {
    hostName: one('hostname') ?? '',
    port: Number(one('port') ?? 22),
    user: one('user') ?? '',
    identityFiles: values.get('identityfile') ?? [],
    identitiesOnly: one('identitiesonly') === 'yes',
    userKnownHostsFiles: list('userknownhostsfile'),
    globalKnownHostsFiles: list('globalknownhostsfile'),
    strictHostKeyChecking: strictness(one('stricthostkeychecking')),
    resolver: 'openssh',
  };
  const jump = one('proxyjump');
  if (jump && jump !== 'none') config.proxyJump = jump;
  const command = one('proxycommand');
  if (command && command !== 'none') config.proxyCommand = command;
  const alias = one('hostkeyalias');
  if (alias && alias !== 'none') config.hostKeyAlias = alias;
  return config;
}

/** ssh -G prints `true`/`false` for yes/no; `off` and friends are accepted by the config reader. */
export function strictness(value: string | undefined): StrictHostKeyChecking {
  switch (value?.toLowerCase()) {
    case 'yes':
    case 'true':
      return 'yes';
    case 'no':
    case 'false':
    case 'off':
      return 'no';
    case 'accept-new':
      return 'accept-new';
    default:
      return 'ask';
  }
}
