import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { type RealTui, startRealTui, stopRealTui } from '../support/real-tui.js';

const runbookYaml = `drillbook: 1
name: failure-keys
title: After a failure
steps:
  - id: prepare
    name: Prepare
    run: echo prepared
    undo: { run: echo prepare-undone }
  - id: broken
    name: Broken step
    run: "echo about-to-fail; exit 3"
  - id: after
    name: After step
    run: echo after-ran
finally:
  - name: cleanup
    run: echo cleaned-up
`;

let tui: RealTui | undefined;
afterEach(() => stopRealTui(tui));

async function startDrill(): Promise<RealTui> {
  tui = await startRealTui(runbookYaml);
  return tui;
}

const ran = (events: EngineEvent[]) =>
  events.flatMap((e) =>
    e.type === 'step-end' ? [`${e.stepId}:${e.status}${e.tolerated ? ':tolerated' : ''}`] : [],
  );

describe('keys after a failure (real engine)', () => {
  it('c accepts the failure: later steps never run, rollback undoes what was done, finally runs, exit 1', async () => {
    const { events, done } = await startDrill();
    await tui!.ui.waitForFrame('Broken step failed after 1 attempt', 15_000);
    await tui!.ui.press('c');
    const end = await done;
    expect(end.exitCode).toBe(1);
    const steps = ran(events);
    expect(steps).toContain('broken:failed');
    expect(steps.some((s) => s.startsWith('after:') && !s.endsWith('skipped'))).toBe(false);
    const outputs = events.flatMap((e) => (e.type === 'output' ? [e.text] : [])).join('');
    expect(outputs).toContain('prepare-undone');
    expect(outputs).toContain('cleaned-up');
    expect(outputs).not.toContain('after-ran');
    const decision = events.find((e) => e.type === 'gate-decision');
    expect(decision).toMatchObject({ decision: 'failed', by: 'person' });
    await tui!.ui.waitForFrame('Drill failed');
  });

  it('i ignores the failure: the drill goes on as continue_on_error, the failure is shown as tolerated', async () => {
    const { events, done } = await startDrill();
    await tui!.ui.waitForFrame('Broken step failed after 1 attempt', 15_000);
    await tui!.ui.press('i');
    const end = await done;
    expect(end.exitCode).toBe(0);
    expect(ran(events)).toEqual(
      expect.arrayContaining(['prepare:passed', 'broken:failed:tolerated', 'after:passed']),
    );
    const outputs = events.flatMap((e) => (e.type === 'output' ? [e.text] : [])).join('');
    expect(outputs).toContain('after-ran');
    expect(outputs).not.toContain('prepare-undone');
    const decision = events.find((e) => e.type === 'gate-decision');
    expect(decision).toMatchObject({ decision: 'ignored', by: 'person' });
    const frame = await tui!.ui.waitForFrame('report.json');
    expect(frame).toContain('Drill passed with 1 tolerated failure');
    expect(frame).toContain('tolerated failure: Broken step');
  });
});
