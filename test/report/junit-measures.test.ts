import { describe, expect, it } from 'vitest';
import type { MeasureResult } from '../../src/engine/measure-result.js';
import { EventScript } from '../support/events.js';
import { caseCalled, reportsOf } from '../support/reports-of.js';

const unmeasured: MeasureResult = {
  name: 'failover',
  from: 'a.pass',
  to: 'b.observed',
  valueMs: null,
  resolutionMs: 0,
  maxMs: 300_000,
  verdict: 'not measured',
  fromTime: null,
  toTime: null,
};

describe('JUnit: measures beside the run outcome', () => {
  it('an aborted run keeps its "drill outcome" case; the unmeasured objective fails beside it', async () => {
    const s = new EventScript().runStart(['a', 'b']).step('a').tick(100);
    s.push({ type: 'measures', time: s.now, measures: [unmeasured] });
    s.runEnd('aborted', 1, 'aborted by the operator');
    const reports = await reportsOf(s.events);
    expect(caseCalled(reports, 'drill outcome').failure?.message).toBe('aborted by the operator');
    expect(caseCalled(reports, 'failover').failure).toEqual({
      type: 'not-measured',
      message: 'RTO failover not measured: a.pass and b.observed never happened',
    });
    expect(reports.json.measures).toEqual([unmeasured]);
  });

  it('a report of a run older than measures has measures: [] and no measure cases', async () => {
    const s = new EventScript().runStart(['a']).step('a').runEnd('passed', 0);
    const reports = await reportsOf(s.events);
    expect(reports.json.measures).toEqual([]);
    expect(reports.junit).not.toContain('.measures"');
    expect(reports.console).not.toContain('Measures:');
  });
});
