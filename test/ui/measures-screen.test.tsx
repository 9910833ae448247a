import { afterEach, describe, expect, it } from 'vitest';
import { exitSummary } from '../../src/ui/exit-summary.js';
import { applyEvents, initialRunState } from '../../src/ui/state/run-state.js';
import { type RealTui, startRealTui, stopRealTui } from '../support/real-tui.js';

// The fault "heals" 500ms after it ran: the first checks of `ready` fail, a later one holds.
const runbookYaml = `drillbook: 1
name: tui-measures
steps:
  - id: fault
    run: "echo $(( $(date +%s%N) / 1000000 + 500 )) > heal-at"
  - id: ready
    wait: { until: { run: "test $(( $(date +%s%N) / 1000000 )) -ge $(cat heal-at)" }, within: 10s, interval: 200ms }
  - id: optional
    run: exit 3
    continue_on_error: true
measures:
  - { name: recovery, from: fault.pass, to: ready.observed, max: 1m }
  - { name: optional passed, from: fault.end, to: optional.pass, max: 1m }
`;

let tui: RealTui | undefined;
afterEach(() => stopRealTui(tui));

describe('TUI end screen: measures', () => {
  it('shows each measure with its resolution, objective and verdict; an unmeasured objective fails', async () => {
    tui = await startRealTui(runbookYaml);
    const { ui, done } = tui;
    const end = await done;
    expect(end.exitCode).toBe(1);
    const frame = await ui.waitForFrame('Measures:', 15_000);
    expect(frame).toMatch(/recovery +(\d+ms|\d+\.\ds) ± 200ms +max 1m met/);
    expect(frame).toMatch(
      /optional passed +not measured +max 1m NOT MEASURED \(optional\.pass never happened\)/,
    );
    expect(frame).toContain('RTO optional passed not measured: optional.pass never happened');

    // What stays in the scrollback after the TUI is gone says the same.
    const scrollback = exitSummary(applyEvents(initialRunState('t'), tui.events), 200);
    expect(scrollback).toMatch(
      /Measures:\n {2}recovery: \S+ ± 200ms \(max 1m\) met; from fault\.pass to ready\.observed\n/,
    );
  }, 30_000);
});
