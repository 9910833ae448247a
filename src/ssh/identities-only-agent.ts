import type { BaseAgent, ParsedKey } from 'ssh2';
import { loadSsh2 } from './load-ssh2.js';

/**
 * The ssh-agent at `socket`, listing only the keys whose public blob is in `allowed`
 * (IdentitiesOnly yes): the other keys are never offered to the server.
 */
export async function identitiesOnlyAgent(socket: string, allowed: Buffer[]): Promise<BaseAgent> {
  const { OpenSSHAgent } = await loadSsh2();
  class FilteredAgent extends OpenSSHAgent {
    override getIdentities(cb: (error: Error | undefined, keys?: ParsedKey[]) => void): void {
      super.getIdentities((error, keys) => {
        if (error || !keys) return cb(error ?? undefined, keys as ParsedKey[] | undefined);
        const blob = (k: ParsedKey | Buffer | string) =>
          Buffer.isBuffer(k) ? k : typeof k === 'string' ? Buffer.from(k) : k.getPublicSSH();
        cb(
          undefined,
          (keys as ParsedKey[]).filter((k) => allowed.some((a) => a.equals(blob(k)))),
        );
      });
    }
  }
  return new FilteredAgent(socket);
}
