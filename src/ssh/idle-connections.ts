/**
 * Bounds the SSH connections a run keeps open between uses. Each host's connection stays up
 * for the next step (the run reuses it), but at most `limit` of them while idle: past that the
 * least recently used idle one is closed (a later step reconnects). So a fleet of thousands
 * holds at most `limit` sockets (and ProxyCommand processes) plus the hosts being worked on.
 */
export const IDLE_CONNECTIONS = 128;

export class IdleConnections {
  private readonly inUse = new Map<string, number>();
  /** Idle connections, least recently used first (Map keeps insertion order). */
  private readonly idle = new Map<string, () => void>();
  constructor(private readonly limit = IDLE_CONNECTIONS) {}

  /** `host` is being worked on: its connection must not be closed. */
  use(host: string): void {
    this.idle.delete(host);
    this.inUse.set(host, (this.inUse.get(host) ?? 0) + 1);
  }

  /**
   * Done with `host` (for now): its connection becomes idle; the oldest idle ones past the
   * limit are closed by calling the `close` given with them.
   */
  done(host: string, close: () => void): void {
    const left = (this.inUse.get(host) ?? 1) - 1;
    if (left > 0) {
      this.inUse.set(host, left);
      return;
    }
    this.inUse.delete(host);
    this.idle.set(host, close);
    for (const [oldest, closeOldest] of this.idle) {
      if (this.idle.size <= this.limit) break;
      this.idle.delete(oldest);
      closeOldest();
    }
  }

  /** Open connections right now: idle ones plus hosts in use (tests). */
  get open(): number {
    return this.idle.size + this.inUse.size;
  }
}
