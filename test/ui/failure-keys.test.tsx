import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent, RunEndEvent } from '../../src/engine/events.js';
import { runDrill } from '../../src/engine/runner.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { App } from '../../src/ui/App.js';
import { TuiSession } from '../../src/ui/session.js';
import { type Rendered, render } from '../support/render.js';

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

let dir: string | undefined;
let ui: Rendered | undefined;
afterEach(async () => {
  ui?.unmount();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function startDrill(): Promise<{ events: EngineEvent[]; done: Promise<RunEndEvent> }> {
  dir = await mkdtemp(join(tmpdir(), 'drillbook-tui-keys-'));
  const file = join(dir, 'drill.yaml');
  await writeFile(file, runbookYaml);
  const runbook = await loadRunbook(file);
  const events: EngineEvent[] = [];
  const session = new TuiSession({
    title: runbook.title,
    start: (gate, onEvent, signal, forceSignal) =>
      runDrill({
        runbook,
        gate,
        signal,
        forceSignal,
        onEvent: (e) => {
          events.push(e);
          onEvent(e);
        },
        rollback: 'on-failure',
        acceptNewHostKeys: false,
        env: process.env,
      }),
    finish: async () => [join(dir!, 'report.json')],
  });
  ui = render(<App session={session} />);
  return { events, done: session.run() };
}

const ran = (events: EngineEvent[]) =>
  events.flatMap((e) =>
    e.type === 'step-end' ? [`${e.stepId}:${e.status}${e.tolerated ? ':tolerated' : ''}`] : [],
  );

describe('keys after a failure (real engine)', () => {
  it('c accepts the failure: later steps never run, rollback undoes what was done, finally runs, exit 1', async () => {
    const { events, done } = await startDrill();
    await ui!.waitForFrame('Broken step failed after 1 attempt', 15_000);
    await ui!.press('c');
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
    await ui!.waitForFrame('Drill failed');
  });

  it('i ignores the failure: the drill goes on as continue_on_error, the failure is shown as tolerated', async () => {
    const { events, done } = await startDrill();
    await ui!.waitForFrame('Broken step failed after 1 attempt', 15_000);
    await ui!.press('i');
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
    const frame = await ui!.waitForFrame('report.json');
    expect(frame).toContain('Drill passed with 1 tolerated failure');
    expect(frame).toContain('tolerated failure: Broken step');
  });
});
