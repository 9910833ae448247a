import { describe, expect, it } from 'vitest';
import type { Gate } from '../../src/engine/gate.js';
import { drill, yamlRunbook } from '../support/drill.js';
import { caseCalled, reportsOf } from '../support/reports-of.js';

/** A person at the TUI who presses `s` at every gate. */
const skipsEverything: Gate = {
  interactive: true,
  confirm: async () => ({ decision: 'skip', by: 'person', note: 'skipped in the TUI' }),
  failed: async () => ({ decision: 'fail', by: 'person', note: '' }),
};

/** Nobody answers: only a gate's own timeout decides. */
const nobodyAnswers: Gate = {
  confirm: (_req, signal) =>
    new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
  failed: async () => ({ decision: 'fail', by: 'policy', note: '' }),
};

const RUNBOOK = `
name: gates
steps:
  - { id: check, run: "true" }
  - { id: blackhole, name: Blackhole blue, confirm: "Blackhole blue?", run: "echo attacked" }
  - { id: after, run: "true" }
`;

describe('skipped gates are unmissable', () => {
  it('a gate a person skipped: exit 0, but console, JSON and JUnit say the step never ran', async () => {
    const r = await drill(await yamlRunbook(RUNBOOK), { gate: skipsEverything });
    expect(r.end).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(r.output('blackhole')).toBe('');
    const reports = await reportsOf(r.events);
    expect(reports.console).toContain('Drill passed with 1 skipped gate (exit 0)');
    expect(reports.console).toContain('skipped at its gate, never ran: Blackhole blue: skipped in the TUI');
    expect(reports.json).toMatchObject({
      verdict: 'passed with 1 skipped gate',
      counts: { skippedGates: 1 },
    });
    expect(reports.json.skippedGates.map((s) => s.id)).toEqual(['blackhole']);
    expect(caseCalled(reports, 'Blackhole blue').skipped).toBe(
      'gate skipped: skipped in the TUI; the step never ran',
    );
    expect(reports.junit).toContain('skipped gate, never ran: Blackhole blue: skipped in the TUI');
  });

  it('on_timeout: skip is a skipped gate too', async () => {
    const rb = await yamlRunbook(`
steps:
  - { id: wait-for-me, confirm: { message: ok?, timeout: 50ms, on_timeout: skip }, run: "true" }
`);
    const r = await drill(rb, { gate: nobodyAnswers });
    const reports = await reportsOf(r.events);
    expect(r.end.exitCode).toBe(0);
    expect(reports.json.verdict).toBe('passed with 1 skipped gate');
    expect(caseCalled(reports, 'wait-for-me').skipped).toMatch(/^gate skipped: no decision within 50ms/);
  });

  it('--fail-on-skip: a skipped gate fails the drill (exit 1), even with continue_on_error', async () => {
    const rb = await yamlRunbook(`
steps:
  - { id: blackhole, confirm: "Blackhole?", run: "echo attacked", continue_on_error: true }
  - { id: after, run: "echo after" }
finally:
  - { id: cleanup, run: "echo cleaned" }
`);
    const r = await drill(rb, { gate: skipsEverything, failOnSkip: true });
    expect(r.end).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(r.end.reason).toContain('--fail-on-skip');
    expect(r.output('blackhole')).toBe('');
    expect(r.ends.get('after')?.status).toBe('skipped');
    expect(r.ends.get('cleanup')?.status).toBe('passed');
    const reports = await reportsOf(r.events);
    expect(caseCalled(reports, 'blackhole').failure).toMatchObject({ type: 'gate-skipped' });
    expect(reports.json.skippedGates.map((g) => g.id)).toEqual(['blackhole']);
    expect(reports.console).toMatch(/Drill failed \(exit 1\).*--fail-on-skip/);
  });

  it('--fail-on-skip leaves approved gates and when: skips alone', async () => {
    const approves: Gate = {
      ...skipsEverything,
      confirm: async () => ({ decision: 'approve', by: 'person', note: 'ok' }),
    };
    const rb = await yamlRunbook(`
steps:
  - { id: gated, confirm: "Go?", run: "true" }
  - { id: conditional, run: "true", when: "no" }
`);
    const r = await drill(rb, { gate: approves, failOnSkip: true });
    expect(r.end).toMatchObject({ status: 'passed', exitCode: 0 });
    expect((await reportsOf(r.events)).json.verdict).toBe('passed');
  });
});
