import { resolve as resolvePath } from 'node:path';
import type { ActionContext, ActionPart } from '../plugin/contract.js';
import { remoteCommand } from './command.js';
import { where } from './connect.js';
import { HostConnection } from './connection.js';
import { execCommand } from './exec.js';
import { HandshakePace } from './handshake-pace.js';
import { sshPaths } from './paths.js';
import { resolveTarget } from './target.js';
import { uploadTree } from './upload.js';

/** The switch that trusts a host key never seen before (never a changed one), as `accept-new`. */
export const ACCEPT_NEW_HOST_KEYS = 'accept-new-host-keys';
/** Unlocks an encrypted private key; a credential, so the run masks it. */
export const PASSPHRASE_VAR = 'DRILLBOOK_SSH_PASSPHRASE';

export interface HostStep {
  run?: string;
  upload?: { from: string; to: string; exclude: string[] };
  sudo: boolean;
  env: Record<string, string>;
}

/** The run's shared connection to `host` (created on first use, closed when the run ends). */
export function hostConnection(host: string, ctx: ActionContext): HostConnection {
  return ctx.resources.get(
    `ssh:${host}`,
    () => {
      const spec = ctx.hosts[host];
      if (!spec) throw new Error(`unknown host '${host}': add it under hosts: in the runbook`);
      const paths = sshPaths(ctx.env);
      // Resolved once per host per run (`ssh -G` costs a few ms), shared by every step.
      const target = resolveTarget(spec, ctx.hosts, paths, ctx.cwd, ctx.env);
      for (const warning of target.warnings) ctx.output('info', `warning: ${warning}\n`, host);
      // One pace for the whole run: steps and parallel members share each sshd's MaxStartups.
      const pace = ctx.resources.get('ssh:handshake-pace', () => new HandshakePace());
      return new HostConnection(
        target,
        {
          acceptNewHostKeys: ctx.flags[ACCEPT_NEW_HOST_KEYS] === true,
          passphrase: ctx.env[PASSPHRASE_VAR] || undefined,
          env: ctx.env,
        },
        pace,
      );
    },
    (connection) => connection.dispose(),
  );
}

/** Upload (if any), then run (if any) on one host; never throws, the part says what happened. */
export async function runOnHost(host: string, step: HostStep, ctx: ActionContext): Promise<ActionPart> {
  const started = Date.now();
  const part = (ok: boolean, reason?: string): ActionPart => ({
    label: host,
    ok,
    durationMs: Date.now() - started,
    ...(reason === undefined ? {} : { reason }),
  });
  const info = (text: string) => ctx.output('info', text, host);
  try {
    const connection = hostConnection(host, ctx);
    const client = await connection.get(ctx.signal, info);
    if (step.upload) {
      const from = resolvePath(ctx.cwd, step.upload.from);
      const done = await uploadTree(client, from, step.upload.to, ctx.signal, step.upload.exclude);
      info(
        `uploaded ${done.files} file(s), ${formatBytes(done.bytes)} from ${step.upload.from} to ${host}:${step.upload.to}\n`,
      );
    }
    if (step.run === undefined) return part(true);
    // DRILLBOOK_HOST: which host of a fan-out this is (the runbook's name), as data like env:.
    const env = { DRILLBOOK_HOST: host, ...step.env };
    const remote = remoteCommand(step.run, env, ctx.shellValues, step.sudo);
    const result = await execCommand(client, remote.command, {
      input: remote.input,
      signal: ctx.signal,
      onStdout: (text) => ctx.output('stdout', text, host),
      onStderr: (text) => ctx.output('stderr', text, host),
    });
    if (result.aborted) {
      return part(
        false,
        `command on ${host} stopped (${String(ctx.signal.reason ?? 'aborted')}); sent SIGTERM to it`,
      );
    }
    if (result.dropped) {
      const why = connection.lastFailure();
      return part(
        false,
        `connection to ${where(connection.target)} dropped while the command was running${why ? ` (${why})` : ''}; ` +
          'its outcome on the host is unknown',
      );
    }
    if (result.code === 0) return part(true);
    if (result.signal) return part(false, `command on ${host} was killed by ${result.signal}`);
    return part(false, `command on ${host} exited with status ${result.code}`);
  } catch (error) {
    if (ctx.signal.aborted)
      return part(false, `${host}: stopped (${String(ctx.signal.reason ?? 'aborted')})`);
    return part(false, error instanceof Error ? error.message : String(error));
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
