/**
 * Paces SSH connection setup per address: at most `limit` connections to one address are between
 * TCP connect and authenticated at once. sshd counts exactly those against `MaxStartups`
 * (default `10:30:100`: past 10 it drops new ones at random, seen as "Connection lost before
 * handshake"), so a fan-out to 100 hosts behind one bastion or sshd must not open them at once.
 * Independent of a step's `concurrency`: it holds across steps and parallel members.
 */
export const HANDSHAKES_PER_ADDRESS = 8;

export class HandshakePace {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();
  constructor(private readonly limit = HANDSHAKES_PER_ADDRESS) {}

  /** Waits for a slot for `key`; the returned function frees it (call it exactly once). */
  async acquire(key: string, signal: AbortSignal): Promise<() => void> {
    while ((this.active.get(key) ?? 0) >= this.limit) {
      signal.throwIfAborted();
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(key) ?? [];
        this.waiting.set(key, queue);
        const wake = () => {
          signal.removeEventListener('abort', wake);
          const at = queue.indexOf(wake);
          if (at >= 0) queue.splice(at, 1);
          resolve();
        };
        queue.push(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
    signal.throwIfAborted();
    this.active.set(key, (this.active.get(key) ?? 0) + 1);
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const now = (this.active.get(key) ?? 1) - 1;
      if (now === 0) this.active.delete(key);
      else this.active.set(key, now);
      this.waiting.get(key)?.shift()?.();
    };
  }
}
