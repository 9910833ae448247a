import type { Client } from 'ssh2';
import { type ConnectOptions, connect, where } from './connect.js';
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

  constructor(target: SshTarget, options: Options) {
    this.target = target;
    this.options = options;
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

  dispose(): void {
    this.disposed = true;
    this.client?.end();
    this.client = undefined;
  }

  private async open(signal: AbortSignal, info: (text: string) => void): Promise<Client> {
    const client = await connect(this.target, { ...this.options, signal, info });
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
