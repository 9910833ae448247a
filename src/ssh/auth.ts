import { readFile } from 'node:fs/promises';
import type { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware } from 'ssh2';
import { askpassPassphrase } from './askpass.js';
import { identitiesOnlyAgent } from './identities-only-agent.js';
import { loadSsh2 } from './load-ssh2.js';
import type { SshTarget } from './target.js';

/** The methods to try in order, and the key files that were skipped and why. */
export interface AuthPlan {
  methods: Array<{ label: string; method: AnyAuthMethod }>;
  skipped: string[];
}

/**
 * Agent keys first, then key files (OpenSSH's order). With IdentitiesOnly only the agent keys
 * that match an IdentityFile are offered (a crowded agent would spend the server's
 * MaxAuthTries). A key file that does not exist is skipped with a note, as `ssh` does (the
 * agent may hold the key: Jenkins' sshagent). A key file named in the runbook or the ssh
 * config that exists but cannot be used is an error that says what to do, unless the agent
 * may hold the key.
 */
export async function planAuth(
  target: SshTarget,
  passphrase: string | undefined,
  env: Record<string, string | undefined> = {},
): Promise<AuthPlan> {
  const plan: AuthPlan = { methods: [], skipped: [] };
  const username = target.user;
  const files: Array<{ path: string; data: Buffer }> = [];
  let unreadable: string | undefined;
  for (const { path, explicit } of target.identityFiles) {
    try {
      files.push({ path, data: await readFile(path) });
    } catch (error) {
      // Default ~/.ssh/id_* files that do not exist are not worth a note; ssh says nothing either.
      if (!explicit) continue;
      const why = `${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
      plan.skipped.push(why);
      unreadable ??= why;
    }
  }
  if (target.agent) await addAgent(plan, target, files, username);
  for (const { path, data } of files) await addKeyFile(plan, target, path, data, passphrase, env);
  // Nothing else to try: the missing file is the whole story, say so before connecting.
  if (plan.methods.length === 0 && unreadable)
    throw new Error(
      `cannot read key file ${unreadable} for ${target.name}: fix identity_file or ~/.ssh/config IdentityFile`,
    );
  return plan;
}

async function addAgent(
  plan: AuthPlan,
  target: SshTarget,
  files: Array<{ path: string; data: Buffer }>,
  username: string,
): Promise<void> {
  const agentPath = target.agent!;
  if (!target.identitiesOnly) {
    plan.methods.push({
      label: `ssh-agent (${agentPath})`,
      method: { type: 'agent', username, agent: agentPath },
    });
    return;
  }
  const allowed = await publicKeys(files);
  if (allowed.length === 0) {
    plan.skipped.push('ssh-agent (IdentitiesOnly yes, and no IdentityFile has a public key to match)');
    return;
  }
  plan.methods.push({
    label: `ssh-agent keys matching IdentityFile (${agentPath})`,
    method: { type: 'agent', username, agent: await identitiesOnlyAgent(agentPath, allowed) },
  });
}

/** Public key blobs of the identity files: from `<file>.pub`, else from an unencrypted private key. */
async function publicKeys(files: Array<{ path: string; data: Buffer }>): Promise<Buffer[]> {
  const { utils } = await loadSsh2();
  const blobs: Buffer[] = [];
  for (const { path, data } of files) {
    let parsed = utils.parseKey(data);
    if (parsed instanceof Error) {
      try {
        parsed = utils.parseKey(await readFile(`${path}.pub`));
      } catch {
        continue;
      }
    }
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key && !(key instanceof Error)) blobs.push(key.getPublicSSH());
  }
  return blobs;
}

async function addKeyFile(
  plan: AuthPlan,
  target: SshTarget,
  path: string,
  data: Buffer,
  given: string | undefined,
  env: Record<string, string | undefined>,
): Promise<void> {
  const { utils } = await loadSsh2();
  const explicit = target.identityFiles.find((f) => f.path === path)?.explicit ?? false;
  let passphrase = given;
  let key = utils.parseKey(data, passphrase);
  const isEncrypted = (e: Error) => /encrypted|passphrase|decrypt/i.test(e.message);
  if (key instanceof Error && isEncrypted(key)) {
    // As ssh without a terminal: ask the user's SSH_ASKPASS program, if there is one.
    const asked = await askpassPassphrase(path, env);
    if (asked !== undefined) {
      const opened = utils.parseKey(data, asked);
      if (!(opened instanceof Error)) [key, passphrase] = [opened, asked];
    }
  }
  if (key instanceof Error) {
    const encrypted = isEncrypted(key);
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
    return;
  }
  plan.methods.push({
    label: `publickey ${path}`,
    method: { type: 'publickey', username: target.user, key: data, ...(passphrase ? { passphrase } : {}) },
  });
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
