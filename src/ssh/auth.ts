import { readFile } from 'node:fs/promises';
import type { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware } from 'ssh2';
import { loadSsh2 } from './load-ssh2.js';
import type { SshTarget } from './target.js';

/** The methods to try in order, and the key files that were skipped and why. */
export interface AuthPlan {
  methods: Array<{ label: string; method: AnyAuthMethod }>;
  skipped: string[];
}

/**
 * Agent first, then key files (OpenSSH's order). A key file named in the runbook or
 * ~/.ssh/config must be usable: unreadable or encrypted-without-passphrase is an error that
 * says what to do, unless the agent may hold the key. Default ~/.ssh/id_* files are optional.
 */
export async function planAuth(target: SshTarget, passphrase: string | undefined): Promise<AuthPlan> {
  const { utils } = await loadSsh2();
  const plan: AuthPlan = { methods: [], skipped: [] };
  const username = target.user;
  if (target.agent)
    plan.methods.push({
      label: `ssh-agent (${target.agent})`,
      method: { type: 'agent', username, agent: target.agent },
    });
  for (const { path, explicit } of target.identityFiles) {
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      if (!explicit) continue;
      throw new Error(
        `cannot read key file ${path} (${code}) for ${target.name}: fix identity_file or ~/.ssh/config IdentityFile`,
      );
    }
    const key = utils.parseKey(data, passphrase);
    if (key instanceof Error) {
      const encrypted = /encrypted|passphrase|decrypt/i.test(key.message);
      const why = encrypted
        ? passphrase
          ? 'is encrypted and DRILLBOOK_SSH_PASSPHRASE does not open it'
          : 'is encrypted and no passphrase is available'
        : `is not a private key drillbook can read (${key.message})`;
      if (explicit && !target.agent) {
        const fix = encrypted
          ? `load it into ssh-agent (ssh-add ${path}) and set SSH_AUTH_SOCK, or set DRILLBOOK_SSH_PASSPHRASE`
          : 'point identity_file at an OpenSSH or PEM private key';
        throw new Error(`key file ${path} ${why}: ${fix}`);
      }
      plan.skipped.push(`${path} ${why}`);
      continue;
    }
    plan.methods.push({
      label: `publickey ${path}`,
      method: { type: 'publickey', username, key: data, ...(passphrase ? { passphrase } : {}) },
    });
  }
  return plan;
}

/** Feeds the plan to ssh2 one method at a time, recording what was tried and what the server accepts. */
export function authHandler(
  plan: AuthPlan,
  record: { tried: string[]; serverAccepts: AuthenticationType[] },
): AuthHandlerMiddleware {
  let next = 0;
  return (methodsLeft, _partial, callback) => {
    if (methodsLeft) record.serverAccepts = methodsLeft;
    const step = plan.methods[next++];
    if (!step) return callback(false as unknown as AuthenticationType);
    record.tried.push(step.label);
    callback(step.method);
  };
}
