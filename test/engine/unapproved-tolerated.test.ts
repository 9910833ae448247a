import { describe, expect, it } from 'vitest';
import { createPolicyGate } from '../../src/engine/policy-gate.js';
import { drill, yamlRunbook } from '../support/drill.js';
import { reportsOf } from '../support/reports-of.js';

// Headless, an unapproved gate means the pipeline is missing its --approve and the step
// never ran. `continue_on_error` tolerates an action that failed, not one nobody let run: the
// drill used to "pass with 1 tolerated failure" (exit 0) without ever running the step.

const RUNBOOK = `
name: unapproved
steps:
  - { id: blackhole, name: Blackhole blue, confirm: "Blackhole blue?", run: "echo attacked", continue_on_error: true }
  - { id: after, run: "echo after" }
`;

describe('an unapproved gate is never tolerated', () => {
  it('headless without an approval: the drill fails (exit 1) at that step, in every report', async () => {
    const r = await drill(await yamlRunbook(RUNBOOK));
    expect(r.end).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(r.ends.get('blackhole')).toMatchObject({ status: 'failed' });
    expect(r.ends.get('blackhole')?.tolerated).not.toBe(true);
    expect(r.output('blackhole')).toBe('');
    const reports = await reportsOf(r.events);
    expect(reports.console).toContain('Drill failed (exit 1)');
    expect(reports.json).toMatchObject({ status: 'failed', tolerated: [] });
    const testcase = reports.cases.find((c) => c.name === 'Blackhole blue');
    expect(testcase?.failure?.type).not.toBe('tolerated');
  });

  it('approved, the same step runs and a failure of its action is still tolerated', async () => {
    const r = await drill(await yamlRunbook(RUNBOOK.replace('echo attacked', 'exit 3')), {
      gate: createPolicyGate({ yes: false, approve: ['blackhole'] }),
    });
    expect(r.end).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(r.ends.get('blackhole')).toMatchObject({ status: 'failed', tolerated: true });
  });
});
