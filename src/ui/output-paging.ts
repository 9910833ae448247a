/** Opens a step's whole output in a pager; the terminal side is given by index.tsx or a test. */
export type PageFile = (file: string) => Promise<string | undefined>;

/**
 * Whether the pager owns the terminal, for the App (it draws a one-line placeholder then,
 * so the frame after the pager differs from the last one and Ink redraws all of it).
 */
export class PagingState {
  private step: string | undefined;
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly current = (): string | undefined => this.step;

  set(step: string | undefined): void {
    this.step = step;
    for (const listener of this.listeners) listener();
  }
}
