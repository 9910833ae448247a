import type { RunResources } from '../plugin/contract.js';

/** Per-run store of long-lived things (ssh connections, SDK clients), disposed at run end. */
export class ResourcePool implements RunResources {
  private readonly items = new Map<
    string,
    { value: unknown; dispose?: (value: never) => Promise<void> | void }
  >();

  get<T>(key: string, create: () => T, dispose?: (value: T) => Promise<void> | void): T {
    const existing = this.items.get(key);
    if (existing) return existing.value as T;
    const value = create();
    this.items.set(key, dispose ? { value, dispose: dispose as (value: never) => void } : { value });
    return value;
  }

  /** Disposes everything in reverse creation order; a failing dispose does not stop the rest. */
  async disposeAll(): Promise<void> {
    const entries = [...this.items.values()].reverse();
    this.items.clear();
    for (const item of entries) {
      try {
        await item.dispose?.(item.value as never);
      } catch {
        // Closing a dead connection can fail; the run is over either way.
      }
    }
  }
}
