import { appendKnownHost, checkHostKey, fingerprint, keyType, knownHostsName } from './known-hosts.js';
import type { SshTarget } from './target.js';

interface Options {
  acceptNewHostKeys: boolean;
  userKnownHosts: string;
  info(text: string): void;
}

/**
 * Strict host key checking: undefined = proceed, otherwise the reason the connection is refused.
 * A new key is accepted (and appended to ~/.ssh/known_hosts) only with --accept-new-host-keys;
 * a changed or revoked key is always refused.
 */
export async function verifyHostKey(
  target: SshTarget,
  key: Buffer,
  options: Options,
): Promise<string | undefined> {
  const name = knownHostsName(target.address, target.port);
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
        `remove the old key (ssh-keygen -R '${name}'), check the new fingerprint and add it.`
      );
    case 'unknown':
      if (!options.acceptNewHostKeys) {
        return (
          `host key of ${target.name} (${name}) is not known: it presented ${shown}. ` +
          `Check the fingerprint and add it to ${options.userKnownHosts} (ssh-keyscan -p ${target.port} ${target.address}), ` +
          "set the host's known_hosts file in the runbook, or run with --accept-new-host-keys."
        );
      }
      await appendKnownHost(options.userKnownHosts, name, key);
      options.info(
        `accepted new host key for ${target.name} (${name}): ${shown}; added to ${options.userKnownHosts}\n`,
      );
      return undefined;
  }
}
