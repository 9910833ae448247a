import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import type { SshTarget } from './target.js';
import { expandTokens } from './target.js';

/** How long the ProxyCommand gets to exit on SIGTERM before its group is SIGKILLed. */
const KILL_GRACE_MS = 2_000;
/** How long a finished ProxyCommand's last output may take to arrive. */
const EXIT_DRAIN_MS = 500;
/** Token values that may stand in the command text: a host name, a user, a port, nothing a shell reads. */
const SAFE_TOKEN = /^[A-Za-z0-9._:@[\]-]*$/;

/**
 * Process groups of ProxyCommands still running. A ProxyCommand has its own group, so a
 * drillbook that exits without closing its connections (a fatal error, process.exit) would
 * leave it behind: on exit, every one left is SIGKILLed.
 */
const live = new Set<number>();
process.once('exit', () => {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
});

export interface ProxyProcess {
  /** The command's stdin/stdout as one stream: ssh2 speaks SSH over it. */
  sock: Duplex;
  /** What the command wrote on stderr (last 4 KiB), for error messages. */
  stderr(): string;
  /** SIGTERM to its process group, SIGKILL after a grace period. */
  kill(): void;
  /** Calls `listener` once the stream has closed (at once if it already has). */
  onClose(listener: () => void): void;
}

/**
 * Starts a ProxyCommand as `ssh` does (`/bin/sh -c "exec CMD"`, tokens %h %p %r %n %% expanded)
 * in its own process group, so that ending the connection ends everything it started
 * (`aws ssm start-session` runs a plugin child). The text is the user's own ssh_config;
 * token values are host names and users, refused if they hold anything a shell would read.
 */
export function startProxyCommand(target: SshTarget, env: Record<string, string | undefined>): ProxyProcess {
  const values = { h: target.address, p: String(target.port), r: target.user, n: target.alias };
  for (const [token, value] of Object.entries(values)) {
    if (!SAFE_TOKEN.test(value))
      throw new Error(
        `ProxyCommand for ${target.name}: %${token} would be '${value}', which is not a plain host name, user or port; not running it`,
      );
  }
  const command = expandTokens(target.proxyCommand ?? '', values);
  const child = spawn('/bin/sh', ['-c', `exec ${command}`], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: env as NodeJS.ProcessEnv,
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-4096);
  });
  let killed = false;
  if (child.pid !== undefined) live.add(child.pid);
  const signal = (sig: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // The group is gone already.
    }
  };
  const kill = () => {
    if (killed) return;
    killed = true;
    signal('SIGTERM');
    setTimeout(() => {
      signal('SIGKILL');
      live.delete(child.pid ?? -1);
    }, KILL_GRACE_MS).unref();
  };
  child.on('error', (error) => sock.destroy(error));
  child.stdin.on('error', () => {});
  const sock = Duplex.from({ readable: child.stdout, writable: child.stdin });
  sock.on('close', kill);
  // When the command exits, the connection is over: after its last output is read (or a
  // moment later, if a grandchild still holds stdout open), end the stream with the reason.
  let stdoutEnded = false;
  child.stdout.once('end', () => {
    stdoutEnded = true;
  });
  child.once('exit', (code, sig) => {
    const end = () => {
      if (!killed) sock.destroy(new Error(`ProxyCommand exited (${sig ?? `status ${code}`})`));
    };
    if (stdoutEnded) return end();
    child.stdout.once('end', end);
    setTimeout(end, EXIT_DRAIN_MS).unref();
  });
  // The stream may fail before ssh2 listens to it (a command that exits at once): without a
  // listener that error would crash the process. The handshake learns of it through onClose.
  sock.on('error', () => {});
  let closed = false;
  sock.once('close', () => {
    closed = true;
  });
  const onClose = (listener: () => void) => {
    if (closed) listener();
    else sock.once('close', listener);
  };
  return { sock, stderr: () => stderr.trim(), kill, onClose };
}
