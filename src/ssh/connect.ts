import type { Duplex } from 'node:stream';
import type { AuthenticationType, Client, ClientChannel, ServerHostKeyAlgorithm } from 'ssh2';
import { type AuthPlan, authHandler, planAuth } from './auth.js';
import { describeConnectError } from './connect-errors.js';
import { verifyHostKey } from './host-key.js';
import { knownKeyTypes } from './known-hosts.js';
import { loadSsh2 } from './load-ssh2.js';
import { type ProxyProcess, startProxyCommand } from './proxy-command.js';
import type { SshTarget } from './target.js';

export interface ConnectOptions {
  acceptNewHostKeys: boolean;
  passphrase: string | undefined;
  /** The run's environment, for a ProxyCommand. */
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  info(text: string): void;
}

/** Keepalive every 15 s; 4 unanswered = the connection is dead (ssh2 closes it). */
const KEEPALIVE_MS = 15_000;
const READY_TIMEOUT_MS = 20_000;

const DEFAULT_HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * Opens one authenticated connection to `target` (through its jump hosts, if any). Rejects
 * with an Error whose message says what failed and what to fix.
 */
export async function connect(target: SshTarget, options: ConnectOptions): Promise<Client> {
  const via = target.via ? await connect(target.via, options) : undefined;
  let proxy: ProxyProcess | undefined;
  try {
    if (!via && target.proxyCommand) proxy = startProxyCommand(target, options.env);
    const sock = via ? await forward(via, target) : proxy?.sock;
    const client = await handshake(target, options, sock, proxy);
    // The jump connection (or the ProxyCommand) lives exactly as long as the tunnelled one.
    client.once('close', () => {
      via?.end();
      proxy?.kill();
    });
    return client;
  } catch (error) {
    via?.end();
    proxy?.kill();
    throw error;
  }
}

function forward(via: Client, target: SshTarget): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, target.address, target.port, (error, channel) => {
      if (error)
        reject(
          new Error(
            `jump host ${target.via?.name} could not reach ${target.address}:${target.port}: ${error.message}`,
          ),
        );
      else resolve(channel);
    });
  });
}

async function handshake(
  target: SshTarget,
  options: ConnectOptions,
  sock: Duplex | undefined,
  proxy: ProxyProcess | undefined,
): Promise<Client> {
  const { Client } = await loadSsh2();
  const plan: AuthPlan = await planAuth(target, options.passphrase, options.env);
  for (const note of plan.skipped) options.info(`${target.name}: skipped key file ${note}\n`);
  // Ask for a key type we already know, so a host with several keys is not seen as "new".
  const known = await knownKeyTypes(target.knownHostsFiles, target.hostKeyName);
  const preferred = known.flatMap((t) =>
    t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t],
  );
  const serverHostKey = [
    ...new Set([
      ...DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => preferred.includes(a)),
      ...DEFAULT_HOST_KEY_ALGORITHMS,
    ]),
  ];
  const auth = { tried: [] as string[], serverAccepts: [] as AuthenticationType[] };
  let hostKeyProblem: string | undefined;
  const client = new Client();
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      if (error) {
        client.removeAllListeners('ready');
        client.on('error', () => {});
        client.end();
        reject(error);
      } else resolve(client);
    };
    const onAbort = () =>
      finish(
        new Error(`connecting to ${target.name} stopped: ${String(options.signal.reason ?? 'aborted')}`),
      );
    if (options.signal.aborted) return onAbort();
    options.signal.addEventListener('abort', onAbort, { once: true });
    client.once('ready', () => finish());
    // ssh2 does not notice a ProxyCommand that ended before the handshake began (it waits for
    // its ready timeout): the stream's end is the end of the attempt.
    proxy?.onClose(() =>
      finish(
        new Error(
          hostKeyProblem ??
            withProxy(`${where(target)}: the ProxyCommand ended during the SSH handshake`, proxy),
        ),
      ),
    );
    client.on('error', (error: Error & { level?: string; code?: string }) => {
      finish(new Error(hostKeyProblem ?? withProxy(describeConnectError(target, error, auth, plan), proxy)));
    });
    client.once('close', () =>
      finish(
        new Error(
          hostKeyProblem ?? withProxy(`${where(target)}: connection closed during the SSH handshake`, proxy),
        ),
      ),
    );
    client.connect({
      host: target.address,
      port: target.port,
      username: target.user,
      ...(sock ? { sock } : {}),
      algorithms: { serverHostKey },
      keepaliveInterval: KEEPALIVE_MS,
      keepaliveCountMax: 4,
      readyTimeout: READY_TIMEOUT_MS,
      authHandler: authHandler(plan, auth),
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        verifyHostKey(target, key, options).then(
          (problem) => {
            hostKeyProblem = problem;
            verify(problem === undefined);
          },
          (error: Error) => {
            hostKeyProblem = `${where(target)}: could not check the host key: ${error.message}`;
            verify(false);
          },
        );
      },
    });
  });
}

/** A ProxyCommand's stderr says why it could not reach the host (SSM, the bastion). */
function withProxy(message: string, proxy: ProxyProcess | undefined): string {
  if (!proxy) return message;
  const said = proxy.stderr();
  return `${message} (through ProxyCommand${said ? `, which said: ${said.split('\n').slice(-3).join(' / ')}` : ''})`;
}

export function where(target: SshTarget): string {
  return `${target.name} (${target.user}@${target.address}:${target.port})`;
}
