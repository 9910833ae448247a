import type { SourcePos } from '../errors.js';
import { childPath } from '../raw.js';
import type { Problems } from './source.js';
import type { Positions } from './types.js';

/**
 * A step (or the runbook's top level) being assembled from Markdown pieces. Every key is set
 * once: a second setter is a Markdown-structural mistake reported where it happens. Keys
 * that merely differ (two different actions) are left for the shared validator to report.
 */
export class Draft {
  readonly data: Record<string, unknown> = {};
  private readonly setAt = new Map<string, SourcePos>();

  constructor(
    readonly path: string,
    readonly noun: 'step' | 'runbook',
    readonly positionsMap: Positions,
    private readonly problems: Problems,
  ) {}

  /** Path of a key (or deeper path like `ssh.host`) under this draft. */
  pathOf(sub: string): string {
    return this.path === '' ? sub : `${this.path}.${sub}`;
  }

  has(key: string): boolean {
    return this.setAt.has(key);
  }

  /** A value Markdown implies (heading text as name, prose as description); explicit keys win. */
  setDefault(key: string, value: unknown, at: SourcePos): void {
    if (this.setAt.has(key)) return;
    this.data[key] = value;
    this.positionsMap.set(childPath(this.path, key), at);
  }

  /** Sets an explicit key; reports and returns false if something already set it. */
  set(key: string, value: unknown, at: SourcePos): boolean {
    const first = this.setAt.get(key);
    if (first) {
      this.problems.add(
        at,
        `\`${key}\` is set twice in this ${this.noun}`,
        `it was first set at line ${first.line}; keep one`,
        childPath(this.path, key),
      );
      return false;
    }
    this.setAt.set(key, at);
    // An own property even for `__proto__`, so a hostile key cannot swap the prototype.
    Object.defineProperty(this.data, key, { value, enumerable: true, writable: true, configurable: true });
    this.positionsMap.set(childPath(this.path, key), at);
    return true;
  }

  /** Records where a nested part (e.g. `ssh.host`) is. */
  position(sub: string, at: SourcePos): void {
    this.positionsMap.set(this.pathOf(sub), at);
  }
}
