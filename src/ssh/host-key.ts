import { appendKnownHost, checkHostKey, fingerprint, keyType } from './known-hosts.js';
import type { SshTarget } from './target.js';

interface Options {
  /** --accept-new-host-keys: accept (and record) a key never seen before, as `accept-new`. */
  acceptNewHostKeys: boolean;
  info(text: string): void;
}

/**
 * Host key checking as the host's StrictHostKeyChecking says: undefined = proceed, otherwise
 * the reason the connection is refused. A new key is accepted (and appended to the first
 * UserKnownHostsFile) with `accept-new`, `no`, or --accept-new-host-keys; `ask` and `yes`
 * refuse it (drillbook never prompts). A changed or revoked key is always refused, also with
 * `no`: unlike `ssh`, drillbook does not go on past a changed key.
 */
export async function verifyHostKey(
  target: SshTarget,
  key: Buffer,
  options: Options,
): Promise<string | undefined> {
  const name = target.hostKeyName;
  const verdict = await checkHostKey(target.knownHostsFiles, name, key);
  const shown = `${keyType(key)} key ${fingerprint(key)}`;
  switch (verdict.kind) {
    case 'known':
      return undefined;
    case 'revoked':
      return `${target.name} (${name}) presented a REVOKED ${shown} (${verdict.where}); refusing to connect`;
    case 'changed':
      return (
        `HOST KEY CHANGED for ${target.name} (${name}): it presented ${shown}, which does not match ${verdict.where}. ` +
        'Someone may be intercepting the connection, or the host was rebuilt. If the change is expected, ' +
        `remove the old key (ssh-keygen -R '${name}'${fileOption(verdict.where)}), check the new fingerprint and add it.` +
        (target.strictHostKeyChecking === 'no'
          ? ' (StrictHostKeyChecking no does not make drillbook accept a changed key.)'
          : '')
      );
    case 'unknown': {
      const accept =
        options.acceptNewHostKeys ||
        target.strictHostKeyChecking === 'accept-new' ||
        target.strictHostKeyChecking === 'no';
      if (!accept) {
        const ca = verdict.certAuthority
          ? ` The host is known only through @cert-authority (${verdict.certAuthority}), and drillbook does not check host certificates.`
          : '';
        return (
          `host key of ${target.name} (${name}) is not known: it presented ${shown}.${ca} ` +
          `Checked ${target.knownHostsFiles.join(', ')} (StrictHostKeyChecking ${target.strictHostKeyChecking}). ` +
          `Check the fingerprint and add it to ${target.userKnownHosts} (ssh-keyscan -p ${target.port} ${target.address}), ` +
          "set the host's known_hosts file in the runbook, or run with --accept-new-host-keys."
        );
      }
      await appendKnownHost(target.userKnownHosts, name, key);
      options.info(
        `accepted new host key for ${target.name} (${name}): ${shown}; added to ${target.userKnownHosts}\n`,
      );
      return undefined;
    }
  }
}

/** `-f file` for ssh-keygen -R when the entry is not in the default known_hosts file. */
function fileOption(where: string): string {
  const file = where.replace(/:\d+$/, '');
  return file.endsWith('/.ssh/known_hosts') ? '' : ` -f ${file}`;
}
