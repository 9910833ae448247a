import type { Client } from 'ssh2';
import { type ConnectOptions, connect, where } from './connect.js';
import type { HandshakePace } from './handshake-pace.js';
import type { SshTarget } from './target.js';

type Options = Omit<ConnectOptions, 'signal' | 'info'>;

/**
 * The one connection to a host for a whole run, shared by every step (a run resource).
 * Connects on first use; if it dropped since the last use, reconnects once.
 */
export class HostConnection {
  readonly target: SshTarget;
  private readonly options: Options;
  private client: Client | undefined;
  private pending: Promise<Client> | undefined;
  private alive = false;
  private lastError: string | undefined;
  private disposed = false;
  /** Connections opened so far (tests and benchmarks check reuse). */
  opened = 0;

  private readonly pace: HandshakePace | undefined;

  constructor(target: SshTarget, options: Options, pace?: HandshakePace) {
    this.target = target;
    this.options = options;
    this.pace = pace;
  }

  /** A live client; steps running at the same time share one connection attempt. */
  async get(signal: AbortSignal, info: (text: string) => void): Promise<Client> {
    if (this.disposed)
      throw new Error(`ssh connection to ${this.target.name} is already closed (the run ended)`);
    if (this.client && this.alive) return this.client;
    if (this.client && !this.alive) {
      info(
        `connection to ${where(this.target)} dropped${this.lastError ? ` (${this.lastError})` : ''}; reconnecting\n`,
      );
      this.client = undefined;
    }
    this.pending ??= this.open(signal, info).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** True while the current connection is up; a step that saw it drop reports that. */
  isAlive(): boolean {
    return this.alive;
  }

  lastFailure(): string | undefined {
    return this.lastError;
  }

  /**
   * Closes the connection but lets a later step open a new one (a large fan-out closes each
   * host's connection when it is done there, so open sockets stay bounded by its concurrency).
   */
  release(): void {
    if (this.pending) return;
    this.client?.end();
    this.client = undefined;
    this.alive = false;
  }

  dispose(): void {
    this.disposed = true;
    this.client?.end();
    this.client = undefined;
  }

  private async open(signal: AbortSignal, info: (text: string) => void): Promise<Client> {
    const release = await this.pace?.acquire(firstHop(this.target), signal);
    let client: Client;
    try {
      client = await connect(this.target, { ...this.options, signal, info });
    } finally {
      release?.();
    }
    this.opened++;
    this.alive = true;
    this.lastError = undefined;
    client.setMaxListeners(0);
    client.on('error', (error: Error) => {
      this.lastError = error.message;
    });
    client.once('close', () => {
      this.alive = false;
    });
    if (this.disposed) client.end();
    this.client = client;
    return client;
  }
}

/**
 * The machine the connection's first TCP hop reaches (or its ProxyCommand): the pace's key.
 * The port is left out on purpose: one sshd may listen on several ports, and MaxStartups
 * counts all of them.
 */
function firstHop(target: SshTarget): string {
  let hop = target;
  while (hop.via) hop = hop.via;
  return hop.proxyCommand ? `proxy:${hop.proxyCommand}` : hop.address;
}
