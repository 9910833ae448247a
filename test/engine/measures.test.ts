import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { eventMisfit } from '../../src/engine/journal-shape.js';
import { measureFailed } from '../../src/engine/measure-result.js';
import { describeMeasure, measureFailureText } from '../../src/engine/measure-text.js';
import { computeMeasures } from '../../src/engine/measures.js';
import { MAX_DURATION_MS, readDuration, toDuration, writeDuration } from '../../src/runbook/duration.js';
import type { MeasureEventKind, MeasureSpec } from '../../src/runbook/measure-spec.js';

const T0 = 1_700_000_000_000;

function start(stepId: string, at: number): EngineEvent {
  return {
    type: 'step-start',
    time: T0 + at,
    stepId,
    name: stepId,
    phase: 'main',
    index: 1,
    total: 1,
    attempt: 1,
    summary: '',
  };
}
function end(
  stepId: string,
  at: number,
  status: 'passed' | 'failed' | 'skipped' = 'passed',
  attempts = 1,
): EngineEvent {
  return {
    type: 'step-end',
    time: T0 + at,
    stepId,
    name: stepId,
    phase: 'main',
    status,
    durationMs: 0,
    attempts,
  };
}
function observed(stepId: string, at: number, intervalMs: number): EngineEvent {
  return { type: 'step-observed', time: T0 + at, stepId, intervalMs };
}
function approved(stepId: string, at: number): EngineEvent {
  return { type: 'gate-decision', time: T0 + at, stepId, decision: 'approved', by: 'approve-flag', note: '' };
}
const ref = (text: string) => {
  const dot = text.lastIndexOf('.');
  return { stepId: text.slice(0, dot), kind: text.slice(dot + 1) as MeasureEventKind };
};
function spec(name: string, from: string, to: string, max?: number): MeasureSpec {
  return { name, from: ref(from), to: ref(to), ...(max === undefined ? {} : { max: toDuration(max) }) };
}

/** A drill: a gated fault at 1s (approved at 4s), a polling recovery check that sees it hold at 4m16s. */
const events: EngineEvent[] = [
  start('fault', 1000),
  approved('fault', 4000),
  end('fault', 5000),
  start('recovered', 5000),
  observed('recovered', 4000 + 252_000, 5000),
  end('recovered', 4000 + 252_100),
  start('broken', 300_000),
  end('broken', 301_000, 'failed'),
  start('not-this-time', 302_000),
  end('not-this-time', 302_000, 'skipped', 0),
];

describe('measures from engine events', () => {
  it('exact values, resolution from the observed end, verdicts against max', () => {
    const [rto, res, plain, exact] = computeMeasures(
      [
        spec('failover', 'fault.start', 'recovered.observed', 300_000),
        spec('tight', 'fault.approved', 'recovered.observed', 240_000),
        spec('no objective', 'fault.end', 'recovered.end'),
        spec('fault itself', 'fault.start', 'fault.pass', 1000),
      ],
      events,
    );
    // The action starts when its gate is approved (4s), not when the step began asking (1s).
    expect(rto).toMatchObject({ valueMs: 252_000, resolutionMs: 5000, maxMs: 300_000, verdict: 'met' });
    expect(rto?.fromTime).toBe(T0 + 4000);
    expect(rto?.toTime).toBe(T0 + 256_000);
    expect(describeMeasure(rto!)).toBe(
      'failover: 4m12s ± 5s (max 5m) met; from fault.start to recovered.observed',
    );
    expect(res).toMatchObject({ valueMs: 252_000, verdict: 'missed' });
    expect(measureFailureText(res!)).toBe('RTO tight 4m12s > 4m');
    expect(plain).toMatchObject({ valueMs: 251_100, resolutionMs: 0, maxMs: null, verdict: 'measured' });
    expect(measureFailed(plain!)).toBe(false);
    expect(exact).toMatchObject({ valueMs: 1000, resolutionMs: 0, verdict: 'met' });
  });

  it('not measured: a failed step never passed, a skipped step never started; fails only with a max', () => {
    const [failedPass, skippedStart, withoutMax, backwards] = computeMeasures(
      [
        spec('pass of a failed step', 'fault.end', 'broken.pass', 600_000),
        spec('start of a skipped step', 'not-this-time.start', 'fault.end', 600_000),
        spec('no max', 'fault.end', 'broken.pass'),
        spec('backwards', 'recovered.end', 'fault.end', 600_000),
      ],
      events,
    );
    expect(failedPass).toMatchObject({ valueMs: null, verdict: 'not measured', toTime: null });
    expect(measureFailed(failedPass!)).toBe(true);
    expect(measureFailureText(failedPass!)).toBe(
      'RTO pass of a failed step not measured: broken.pass never happened',
    );
    expect(skippedStart).toMatchObject({ valueMs: null, verdict: 'not measured', fromTime: null });
    expect(measureFailed(withoutMax!)).toBe(false);
    // A recovery cannot end before it began: never counted as fast.
    expect(backwards).toMatchObject({ valueMs: null, verdict: 'not measured' });
    expect(measureFailureText(backwards!)).toContain('fault.end happened before recovered.end');
  });

  it('a step that passed in the run being resumed has no times in this run', () => {
    const [m] = computeMeasures(
      [spec('resumed', 'fault.end', 'recovered.end', 1000)],
      [end('fault', 0, 'passed', 0), start('recovered', 10), end('recovered', 20)],
    );
    expect(m?.verdict).toBe('not measured');
  });

  it('a value just over its max says so with milliseconds, not "5m00s > 5m"', () => {
    const [m] = computeMeasures(
      [spec('rto', 'a.end', 'b.end', 300_000)],
      [start('a', 0), end('a', 0), start('b', 0), end('b', 300_400)],
    );
    expect(measureFailureText(m!)).toBe('RTO rto 300.400s > 5m');
  });

  it('property: value is to - from, the verdict follows max, resolution adds both observed intervals', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 100, max: 60_000 }),
        fc.integer({ min: 100, max: 60_000 }),
        fc.option(fc.integer({ min: 1, max: 20_000_000 }), { nil: undefined }),
        (fromAt, toAt, i1, i2, max) => {
          const [m] = computeMeasures(
            [spec('m', 'a.observed', 'b.observed', max)],
            [observed('a', fromAt, i1), observed('b', toAt, i2), observed('b', toAt + 1, 99)],
          );
          if (toAt < fromAt) {
            expect(m?.valueMs).toBeNull();
            expect(measureFailed(m!)).toBe(max !== undefined);
            return;
          }
          expect(m?.valueMs).toBe(toAt - fromAt);
          // The first observation counts; a later one does not move it.
          expect(m?.resolutionMs).toBe(i1 + i2);
          const verdict = max === undefined ? 'measured' : toAt - fromAt > max ? 'missed' : 'met';
          expect(m?.verdict).toBe(verdict);
          expect(measureFailed(m!)).toBe(verdict === 'missed');
        },
      ),
    );
  });

  it('the journal reader accepts measures and step-observed lines and names a damaged field', () => {
    const [m] = computeMeasures([spec('rto', 'recovered.observed', 'broken.end', 1000)], events);
    expect(eventMisfit({ type: 'measures', time: T0, measures: [m] })).toBeUndefined();
    expect(eventMisfit(observed('x', 1, 200))).toBeUndefined();
    expect(eventMisfit({ type: 'measures', time: T0, measures: [{ ...m, valueMs: '5' }] })).toBe(
      '`measures[0].valueMs` should be a number or null',
    );
    expect(eventMisfit({ type: 'measures', time: T0, measures: [{ ...m, verdict: 'great' }] })).toMatch(
      /`measures\[0\]\.verdict` should be one of met, missed, measured, not measured/,
    );
    expect(eventMisfit({ type: 'step-observed', time: T0, stepId: 'x' })).toBe(
      '`intervalMs` should be a number',
    );
  });

  it('property: an objective is written as a person writes it, and reads back as the same duration', () => {
    expect([300_000, 90_000, 2000, 500, 86_400_000 + 1].map(writeDuration)).toEqual([
      '5m',
      '1m30s',
      '2s',
      '500ms',
      '1d1ms',
    ]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_DURATION_MS }), (ms) => {
        expect(readDuration(writeDuration(ms))).toEqual({ ok: true, ms });
      }),
    );
  });
});
