import { didYouMean } from './did-you-mean.js';
import type { BackgroundRole } from './model.js';
import { childPath } from './raw.js';

type Raw = Record<string, unknown>;
type Report = (path: string, message: string, hint?: string) => void;

/** Where a step is written: only a top-level main step may run in the background. */
export type StepPlace = 'main' | 'member' | 'finally' | 'steady_state' | 'stop_when';

const PLACE_WORDS: Record<Exclude<StepPlace, 'main'>, string> = {
  member: 'inside a parallel group (the group already runs its members side by side)',
  finally: 'in `finally` (background steps are stopped before `finally` runs)',
  steady_state: 'in `steady_state` (a steady-state check is judged before and after the drill)',
  stop_when: 'in `stop_when` (probes are polled by drillbook itself)',
};

/**
 * The validator's rules for `background:` and `await:`, checked in document order (so "an
 * earlier background step" means one written above). Each refusal names why, because each
 * would otherwise run something nobody meant: a gate answered behind another step, a retry
 * restarting an attack the drill has moved past, a value read before it exists.
 */
export class BackgroundRules {
  /** Background main steps written so far, by id. */
  private readonly started = new Set<string>();
  /** Every step id written so far (any list), to tell "not a background step" from "later". */
  private readonly seen = new Set<string>();

  constructor(
    private readonly allSteps: ReadonlySet<string>,
    private readonly report: Report,
  ) {}

  /** Checks one step; returns its role for the model (undefined fields when it has none). */
  check(s: Raw, path: string, id: string, where: StepPlace, isGroup: boolean): BackgroundRole {
    const role = this.readRole(s, path, id, where, isGroup);
    this.seen.add(id);
    return role;
  }

  private readRole(s: Raw, path: string, id: string, where: StepPlace, isGroup: boolean): BackgroundRole {
    const background = s['background'] === true;
    const awaited = typeof s['await'] === 'string' ? s['await'] : undefined;
    if (background && awaited !== undefined) {
      this.report(
        childPath(path, 'await'),
        'a background step cannot `await` another one: it would wait behind the drill',
        'put `await` on a step that runs in the foreground',
      );
      return {};
    }
    if (background) return this.backgroundRole(s, path, id, where, isGroup);
    if (awaited !== undefined) return this.awaitRole(awaited, path, where, isGroup);
    return {};
  }

  private backgroundRole(
    s: Raw,
    path: string,
    id: string,
    where: StepPlace,
    isGroup: boolean,
  ): BackgroundRole {
    const at = childPath(path, 'background');
    let ok = true;
    const refuse = (message: string, hint?: string, key = 'background') => {
      this.report(key === 'background' ? at : childPath(path, key), message, hint);
      ok = false;
    };
    if (where !== 'main')
      refuse(
        `\`background\` cannot go on a step ${PLACE_WORDS[where]}`,
        'only a step under `steps:` may run in the background',
      );
    if (isGroup)
      refuse(
        '`background` cannot go on a parallel group',
        'put the long-running step on its own with `background: true`',
      );
    if (s['confirm'] !== undefined)
      refuse(
        '`background` cannot go with `confirm`: a gate must not be decided behind other steps',
        'put the gate on a step of its own before this one (a `confirm`-only step)',
      );
    if (typeof s['retries'] === 'number' && s['retries'] > 0)
      refuse(
        '`retries` cannot go on a background step: a retry would restart it after the drill moved on, and the checks running beside it would see a gap',
        'drop `retries`; a background step runs once',
        'retries',
      );
    if (s['save'] !== undefined)
      refuse(
        '`save` cannot go on a background step: later steps would read the value before it exists',
        'save the value in a step that runs in the foreground',
        'save',
      );
    if (!ok) return {};
    this.started.add(id);
    return { background: true };
  }

  private awaitRole(target: string, path: string, where: StepPlace, isGroup: boolean): BackgroundRole {
    const at = childPath(path, 'await');
    if (isGroup) {
      this.report(
        at,
        '`await` cannot go on a parallel group',
        'put `await` on the member that needs the step ended',
      );
      return {};
    }
    if (where !== 'main' && where !== 'member') {
      this.report(
        at,
        `\`await\` cannot go on a step ${PLACE_WORDS[where]}`,
        'await the step in a later step under `steps:`',
      );
      return {};
    }
    if (this.started.has(target)) return { await: target };
    if (this.seen.has(target))
      this.report(
        at,
        `\`await: ${target}\` names a step that does not run in the background`,
        `add \`background: true\` to ${target}, or drop \`await\` (steps run one after another)`,
      );
    else if (this.allSteps.has(target))
      this.report(
        at,
        `\`await: ${target}\` names a later step`,
        'a step can only await a background step written above it',
      );
    else {
      const guess = didYouMean(target, [...this.started]);
      this.report(
        at,
        `\`await: ${target}\` names no step`,
        guess ? `did you mean "${guess}"?` : 'name the id of a background step written above this one',
      );
    }
    return {};
  }
}
