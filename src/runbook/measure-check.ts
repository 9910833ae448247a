import { didYouMean } from './did-you-mean.js';
import { type Duration, POSITIVE, readDuration } from './duration.js';
import {
  MEASURE_EVENT_KINDS,
  type MeasureEventKind,
  type MeasureEventRef,
  type MeasureSpec,
} from './measure-spec.js';
import type { Step } from './model.js';
import { childPath } from './raw.js';

type Report = (path: string, message: string, hint?: string) => void;

/** What measures ask of the actions: whether a config polls (see `polls` on an action). */
type Actions = ReadonlyMap<string, { polls?(config: never): boolean }>;

interface Lists {
  steps: Step[];
  finally: Step[];
  steadyState: Step[];
}

/**
 * Turns the raw `measures:` (already schema-valid) into specs, reporting each reference that
 * could never happen at its position: a typo must fail at load, not leave a drill "not
 * measured" after it ran for an hour.
 */
export function buildMeasures(raw: unknown, lists: Lists, actions: Actions, report: Report): MeasureSpec[] {
  if (!Array.isArray(raw)) return [];
  const steps = stepsById([...lists.steps, ...lists.finally]);
  const steady = new Set(lists.steadyState.map((s) => s.id));
  const names = new Map<string, number>();
  const specs: MeasureSpec[] = [];
  raw.forEach((entry: Record<string, unknown>, i) => {
    const path = childPath('measures', i);
    const name = entry['name'] as string;
    const first = names.get(name);
    if (first !== undefined)
      report(childPath(path, 'name'), `duplicate measure name "${name}"`, `first used by measures[${first}]`);
    else names.set(name, i);
    const resolve = (key: 'from' | 'to') =>
      resolveRef(entry[key] as string, childPath(path, key), { steps, steady, actions }, report);
    const from = resolve('from');
    const to = resolve('to');
    if (entry['from'] === entry['to'])
      report(
        childPath(path, 'to'),
        `from and to are the same event (${String(entry['to'])})`,
        'a measure is the time between two different events',
      );
    let max: Duration | undefined;
    if (entry['max'] !== undefined) {
      const read = readDuration(entry['max'], POSITIVE);
      if (read.ok) max = read.ms;
      else report(childPath(path, 'max'), read.message, read.hint);
    }
    if (from && to) specs.push({ name, from, to, ...(max !== undefined ? { max } : {}) });
  });
  return specs;
}

function stepsById(list: Step[]): Map<string, Step> {
  const byId = new Map<string, Step>();
  const walk = (steps: Step[]) => {
    for (const s of steps) {
      byId.set(s.id, s);
      if (s.kind === 'parallel') walk(s.steps);
    }
  };
  walk(list);
  return byId;
}

interface Known {
  steps: ReadonlyMap<string, Step>;
  /** Steady-state ids: named apart, since they run twice. */
  steady: ReadonlySet<string>;
  actions: Actions;
}

function resolveRef(text: string, path: string, known: Known, report: Report): MeasureEventRef | undefined {
  const { steps, steady } = known;
  const dot = text.lastIndexOf('.');
  const kinds = MEASURE_EVENT_KINDS.join(', ');
  if (dot <= 0) {
    report(path, `expected STEP.EVENT, got "${text}"`, `e.g. ${text || 'failover'}.end; events: ${kinds}`);
    return undefined;
  }
  const stepId = text.slice(0, dot);
  const kind = text.slice(dot + 1);
  const step = steps.get(stepId);
  if (!step) {
    const guess = didYouMean(stepId, steps.keys());
    const hint = steady.has(stepId)
      ? 'steady-state checks run twice (before and after); measure a step of steps: or finally:'
      : guess
        ? `did you mean "${guess}.${kind}"?`
        : 'name a step of steps: or finally: by its id';
    report(path, `unknown step "${stepId}"`, hint);
    return undefined;
  }
  if (!isKind(kind)) {
    const guess = didYouMean(kind, MEASURE_EVENT_KINDS);
    report(
      path,
      `unknown event "${kind}"`,
      guess ? `did you mean "${stepId}.${guess}"?` : `events: ${kinds}`,
    );
    return undefined;
  }
  if (kind === 'approved' && !step.confirm) {
    report(path, `step "${stepId}" has no gate (confirm:), so it is never approved`, `use ${stepId}.start`);
    return undefined;
  }
  if (kind === 'observed' && !polls(step, known.actions)) {
    report(
      path,
      `step "${stepId}" does not poll, so nothing is ever observed`,
      `.observed needs wait: { until: ... } or an action with within:; use ${stepId}.end or ${stepId}.pass`,
    );
    return undefined;
  }
  return { stepId, kind };
}

function isKind(text: string): text is MeasureEventKind {
  return (MEASURE_EVENT_KINDS as readonly string[]).includes(text);
}

/** Whether the step's action keeps checking until its condition holds (asked of the action). */
function polls(step: Step, actions: Actions): boolean {
  if (step.kind !== 'action') return false;
  const def = actions.get(step.action.type) as { polls?(config: unknown): boolean } | undefined;
  return def?.polls?.(step.action.config) ?? false;
}
