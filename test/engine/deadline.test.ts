import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/commands/exit-codes.js';
import { DEADLINE_EXIT_CODE, defaultBudget, planDeadline } from '../../src/engine/deadline.js';
import type { Gate } from '../../src/engine/gate.js';
import { createPolicyGate } from '../../src/engine/policy-gate.js';
import { toDuration } from '../../src/runbook/duration.js';
import type { Runbook } from '../../src/runbook/model.js';
import { drill, yamlRunbook } from '../support/drill.js';

/** A deadline counted from now, as `run --deadline` does from drillbook's start. */
function deadlineOf(runbook: Runbook, ms: number, written: string) {
  const plan = planDeadline(Date.now(), toDuration(ms), written, runbook);
  if (!plan.ok) throw new Error(plan.message);
  return plan.deadline;
}

describe('run --deadline, in the engine', () => {
  it('stops the running step at the deadline minus the budget, starts no new step, rolls back, and finally runs to its end past the deadline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drillbook-deadline-'));
    const rb = await yamlRunbook(`
name: dl
finally_budget: 2s
steps:
  - { id: first, run: echo one }
  - id: sleeper
    run: echo started; sleep 30; echo never-finished
    undo: { run: "echo undone > ${dir}/undo" }
  - { id: later, run: echo ran > ${dir}/later }
finally:
  - { id: restore, run: sleep 3; echo restored > ${dir}/finally }
`);
    const started = Date.now();
    const r = await drill(rb, { deadline: deadlineOf(rb, 4500, '4500ms') });
    const tookMs = Date.now() - started;

    // The sleeper was stopped at ~2.5s (4.5s - 2s), not after its 30s.
    const sleeper = r.ends.get('sleeper')!;
    expect(sleeper.status).toBe('interrupted');
    expect(sleeper.reason).toContain('deadline 4500ms reached (finally budget 2s kept)');
    expect(sleeper.durationMs).toBeLessThan(15_000);
    expect(r.output('sleeper')).not.toContain('never-finished');
    // No new step started after the cut.
    expect(r.ends.get('later')).toMatchObject({ status: 'skipped', attempts: 0 });
    expect(r.events.some((e) => e.type === 'step-start' && e.stepId === 'later')).toBe(false);
    expect(existsSync(join(dir, 'later'))).toBe(false);
    // Rollback undid the step that acted; finally ran in full though it took longer than the
    // time left (3s with ~2s to go): it is never cut short.
    expect(readFileSync(join(dir, 'undo'), 'utf8')).toBe('undone\n');
    expect(r.ends.get('restore')).toMatchObject({ status: 'passed' });
    expect(readFileSync(join(dir, 'finally'), 'utf8')).toBe('restored\n');
    expect(tookMs).toBeGreaterThan(4500);

    expect(r.end.status).toBe('aborted');
    expect(r.end.exitCode).toBe(DEADLINE_EXIT_CODE);
    expect(EXIT.deadline).toBe(DEADLINE_EXIT_CODE);
    expect(r.end.reason).toMatch(
      /^deadline 4500ms reached \(finally budget 2s kept\); rollback and finally ended \S+ after the deadline$/,
    );
  }, 40_000);

  it('a drill that ends in time is not touched: it passes, and finally is not late', async () => {
    const rb = await yamlRunbook(`
finally_budget: 1s
steps: [{ id: quick, run: "true" }]
finally: [{ id: tidy, run: "true" }]
`);
    const r = await drill(rb, { deadline: deadlineOf(rb, 60_000, '1m') });
    expect(r.end).toEqual(expect.objectContaining({ status: 'passed', exitCode: 0 }));
    expect(r.end.reason).toBeUndefined();
  });

  it('a gate still waiting for a person when the deadline comes is refused, not approved', async () => {
    const waiting: Gate = {
      interactive: true,
      confirm: (_request, signal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      failed: async () => ({ decision: 'fail', by: 'person', note: '' }),
    };
    const rb = await yamlRunbook(`
finally_budget: 1s
steps:
  - { id: gated, run: echo acted, confirm: "Blackhole blue?" }
finally:
  - { id: tidy, run: echo tidy }
`);
    const r = await drill(rb, { gate: waiting, deadline: deadlineOf(rb, 2500, '2500ms') });
    const decision = r.events.find((e) => e.type === 'gate-decision' && e.stepId === 'gated');
    expect(decision).toMatchObject({ decision: 'refused', by: 'policy' });
    expect(r.ends.get('gated')).toMatchObject({ status: 'failed', attempts: 0 });
    expect(r.output('gated')).not.toContain('acted');
    expect(r.ends.get('tidy')).toMatchObject({ status: 'passed' });
    expect(r.end).toMatchObject({ status: 'aborted', exitCode: DEADLINE_EXIT_CODE });
  }, 20_000);

  it('steady state after is not started once the deadline itself has passed', async () => {
    const rb = await yamlRunbook(`
finally_budget: 1s
steady_state: [{ id: healthy, run: "true" }]
steps: [{ id: quick, run: "true" }]
finally: [{ id: slow, run: sleep 2.5 }]
`);
    const r = await drill(rb, { deadline: deadlineOf(rb, 2000, '2s') });
    expect(r.ends.get('slow')).toMatchObject({ status: 'passed' });
    expect(r.ends.get('after/healthy')).toMatchObject({ status: 'skipped', attempts: 0 });
    expect(r.end).toMatchObject({ status: 'aborted', exitCode: DEADLINE_EXIT_CODE });
    expect(r.end.reason).toMatch(/after the deadline$/);
  }, 20_000);

  it('a budget not shorter than the deadline is refused before anything runs, at the budget', async () => {
    const rb = await yamlRunbook(`
name: too-tight
finally_budget: 15m
steps: [{ id: quick, run: "true" }]
`);
    const plan = planDeadline(Date.now(), toDuration(10 * 60_000), '10m', rb);
    expect(plan.ok).toBe(false);
    expect(plan.ok ? '' : plan.message).toMatch(
      /runbook\.yaml:3:\d+: finally_budget 15m is not shorter than --deadline 10m/,
    );
    expect(planDeadline(Date.now(), toDuration(15 * 60_000), '15m', rb).ok).toBe(false);
    expect(planDeadline(Date.now(), toDuration(16 * 60_000), '16m', rb).ok).toBe(true);
  });

  it('without finally_budget: the finally and undo timeouts plus 10s, at most half the deadline', async () => {
    const rb = await yamlRunbook(`
steps:
  - { id: a, run: "true", undo: { run: "true" }, timeout: 2m }
  - parallel:
      - { id: b, run: "true", undo: { run: "true" }, timeout: 1m }
      - { id: c, run: "true" }
finally:
  - { id: f, run: "true", timeout: 3m, retries: 1 }
`);
    // 2m + 1m of undo, 3m twice (one retry) of finally, 10s to stop the running step.
    expect(defaultBudget(rb, toDuration(3 * 3_600_000))).toBe((3 + 6) * 60_000 + 10_000);
    expect(defaultBudget(rb, toDuration(10 * 60_000))).toBe(5 * 60_000);
    const plan = planDeadline(0, toDuration(3 * 3_600_000), '3h', rb);
    expect(plan.ok && plan.deadline.reason).toBe('deadline 3h reached (default finally budget 9m10s kept)');
    // A default never refuses a run: it takes at most half.
    expect(planDeadline(0, toDuration(60_000), '1m', rb).ok).toBe(true);
  });

  it('headless policy gates behave as before when the deadline never comes', async () => {
    const rb = await yamlRunbook(`
finally_budget: 1s
steps: [{ id: gated, run: "true", confirm: "go?" }]
`);
    const r = await drill(rb, {
      gate: createPolicyGate({ yes: true, approve: [] }),
      deadline: deadlineOf(rb, 60_000, '1m'),
    });
    expect(r.end).toMatchObject({ status: 'passed', exitCode: 0 });
  });
});
