import type { MeasureEventRef, MeasureSpec } from '../runbook/measure-spec.js';
import { refText } from '../runbook/measure-spec.js';
import type { EngineEvent } from './events.js';
import { type MeasureResult, measureFailed } from './measure-result.js';
import { measureFailureText } from './measure-text.js';

/** When one event of a step happened, and how precisely (± ms) that time is known. */
interface EventTime {
  time: number;
  resolutionMs: number;
}

/** What measures need to know of one step, folded from its events. */
interface StepTimes {
  started?: number;
  approved?: number;
  /** The last step-end of a step that ran (attempts > 0); a step that never ran has no end. */
  ended?: { time: number; passed: boolean };
  /** Set by a step-end of a step that never ran (skipped, refused, passed in a resumed run). */
  neverRan?: true;
  observed?: EventTime;
}

/**
 * Folds the engine events measures depend on, as they arrive, so the runner keeps a few
 * numbers per step rather than the whole event stream.
 */
export class MeasureClock {
  private readonly steps = new Map<string, StepTimes>();

  add(event: EngineEvent): void {
    switch (event.type) {
      case 'step-start':
        this.of(event.stepId).started ??= event.time;
        break;
      case 'gate-decision':
        if (event.decision === 'approved') this.of(event.stepId).approved ??= event.time;
        break;
      case 'step-observed':
        this.of(event.stepId).observed ??= { time: event.time, resolutionMs: event.intervalMs };
        break;
      case 'step-end': {
        const step = this.of(event.stepId);
        if (event.attempts > 0) {
          step.ended = { time: event.time, passed: event.status === 'passed' };
          delete step.neverRan;
        } else if (!step.ended) step.neverRan = true;
        break;
      }
    }
  }

  /** When `ref` happened, or undefined when it never did. */
  at(ref: MeasureEventRef): EventTime | undefined {
    const step = this.steps.get(ref.stepId);
    if (!step) return undefined;
    const exact = (time: number | undefined) => (time === undefined ? undefined : { time, resolutionMs: 0 });
    switch (ref.kind) {
      // The action begins when its gate is approved: time spent waiting for a person is not
      // part of what the step measures. A step that never ran never started.
      case 'start':
        return step.neverRan ? undefined : exact(step.approved ?? step.started);
      case 'approved':
        return exact(step.approved);
      case 'end':
        return exact(step.ended?.time);
      case 'pass':
        return step.ended?.passed ? exact(step.ended.time) : undefined;
      case 'observed':
        return step.observed;
    }
  }

  private of(stepId: string): StepTimes {
    let step = this.steps.get(stepId);
    if (!step) {
      step = {};
      this.steps.set(stepId, step);
    }
    return step;
  }
}

/** One measure's result from the times its two events happened. */
export function measureOne(spec: MeasureSpec, clock: MeasureClock): MeasureResult {
  const from = clock.at(spec.from);
  const to = clock.at(spec.to);
  const maxMs = spec.max ?? null;
  // A recovery cannot end before it began: such a pair is reported, never counted as fast.
  const valueMs = from && to && to.time >= from.time ? to.time - from.time : null;
  const verdict =
    valueMs === null ? 'not measured' : maxMs === null ? 'measured' : valueMs > maxMs ? 'missed' : 'met';
  return {
    name: spec.name,
    from: refText(spec.from),
    to: refText(spec.to),
    valueMs,
    resolutionMs: valueMs === null ? 0 : from!.resolutionMs + to!.resolutionMs,
    maxMs,
    verdict,
    fromTime: from?.time ?? null,
    toTime: to?.time ?? null,
  };
}

/** The measures of a run, from its engine events (live, or read back from a journal). */
export function computeMeasures(
  specs: readonly MeasureSpec[],
  events: Iterable<EngineEvent>,
): MeasureResult[] {
  const clock = new MeasureClock();
  for (const event of events) clock.add(event);
  return specs.map((spec) => measureOne(spec, clock));
}

/**
 * Journals the run's measures (just before run-end) and returns the run's failure: a missed
 * objective, or one that could not be measured, fails a drill whose steps all passed; an
 * earlier failure stays the reason.
 */
export function emitMeasures(
  specs: readonly MeasureSpec[],
  clock: MeasureClock,
  emit: (event: EngineEvent) => void,
  failure: string | undefined,
): string | undefined {
  const measures = specs.map((spec) => measureOne(spec, clock));
  emit({ type: 'measures', time: Date.now(), measures });
  const failed = measures.filter(measureFailed);
  return failure ?? (failed.length > 0 ? failed.map(measureFailureText).join('; ') : undefined);
}
