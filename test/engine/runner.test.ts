import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Gate } from '../../src/engine/gate.js';
import { createPolicyGate } from '../../src/engine/policy-gate.js';
import { alive, drill, yamlRunbook } from '../support/drill.js';

describe('runDrill: order, results, exit codes', () => {
  it('runs steps in order, numbers them [i/n] and passes with exit 0', async () => {
    const rb = await yamlRunbook(`
steps:
  - { name: One, run: echo one }
  - { name: Two, run: echo two }
finally:
  - { name: Last, run: echo last }
`);
    const r = await drill(rb);
    const starts = r.events.filter((e) => e.type === 'step-start');
    expect(starts.map((e) => e.type === 'step-start' && `${e.index}/${e.total} ${e.name}`)).toEqual([
      '1/3 One',
      '2/3 Two',
      '3/3 Last',
    ]);
    expect(r.output('one')).toBe('one\n');
    expect(r.end).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(r.events[0]?.type).toBe('run-start');
    expect(r.events.at(-1)?.type).toBe('run-end');
  });

  it('fails with exit 1 naming the step; later steps are not run; finally still runs', async () => {
    const rb = await yamlRunbook(`
steps:
  - { id: bad, name: Break it, run: "echo oops >&2; exit 3" }
  - { id: never, run: echo never }
finally:
  - { id: cleanup, run: echo cleaned }
`);
    const r = await drill(rb);
    expect(r.end).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(r.end.reason).toContain('Break it: command exited with status 3');
    expect(r.ends.get('never')).toMatchObject({
      status: 'skipped',
      reason: 'not run: an earlier step failed',
    });
    expect(r.ends.get('cleanup')?.status).toBe('passed');
    expect(r.output('bad')).toBe('oops\n');
  });

  it('retries with doubling delays, and continue_on_error lets the drill go on', async () => {
    const rb = await yamlRunbook(`
steps:
  - { id: flaky, run: exit 1, retries: 2, retry_delay: 20ms, continue_on_error: true }
  - { id: after, run: echo after }
`);
    const r = await drill(rb);
    const retries = r.events.filter((e) => e.type === 'step-retry');
    expect(retries.map((e) => e.type === 'step-retry' && e.delayMs)).toEqual([20, 40]);
    expect(r.ends.get('flaky')).toMatchObject({ status: 'failed', attempts: 3, tolerated: true });
    expect(r.ends.get('after')?.status).toBe('passed');
    expect(r.end.exitCode).toBe(0);
  });

  it('a retry that succeeds passes the step', async () => {
    const rb = await yamlRunbook(`
steps:
  - id: second-time
    run: 'if [ -f tried ]; then echo ok; else touch tried; exit 1; fi'
    retries: 1
    retry_delay: 10ms
`);
    const r = await drill(rb);
    expect(r.ends.get('second-time')).toMatchObject({ status: 'passed', attempts: 2 });
  });

  it('skips a step whose when is false and saves output for later steps, shell-quoted', async () => {
    const rb = await yamlRunbook(`
vars: { colour: blue }
steps:
  - { id: pick, run: "printf '%s' 'green; touch pwned'", save: target }
  - { id: skipped, run: echo no, when: "{{ vars.colour }} == green" }
  - { id: use, run: "printf '[%s]' {{ vars.target }} {{ steps.pick.output }}" }
`);
    const r = await drill(rb);
    expect(r.ends.get('skipped')).toMatchObject({ status: 'skipped' });
    expect(r.ends.get('pick')?.saved).toEqual({ name: 'target', value: 'green; touch pwned' });
    expect(r.output('use')).toBe('[green; touch pwned][green; touch pwned]');
    expect(existsSync(join(dirname(rb.file), 'pwned'))).toBe(false);
  });
});

describe('runDrill: gates', () => {
  const gated = `
steps:
  - { id: risky, name: Risky, confirm: "Break {{ vars.what }}?", run: echo done }
vars: { what: blue }
`;
  it('headless without approval fails the step naming --yes and --approve', async () => {
    const r = await drill(await yamlRunbook(gated));
    const end = r.ends.get('risky');
    expect(end?.status).toBe('failed');
    expect(end?.reason).toContain('--yes');
    expect(end?.reason).toContain('--approve risky');
    expect(r.events.find((e) => e.type === 'gate-request')).toMatchObject({ message: 'Break blue?' });
    expect(r.events.find((e) => e.type === 'gate-decision')).toMatchObject({
      decision: 'refused',
      by: 'policy',
    });
  });

  it('--approve ID approves and records who decided', async () => {
    const r = await drill(await yamlRunbook(gated), {
      gate: createPolicyGate({ yes: false, approve: ['risky'] }),
    });
    expect(r.ends.get('risky')?.status).toBe('passed');
    expect(r.events.find((e) => e.type === 'gate-decision')).toMatchObject({
      decision: 'approved',
      by: 'approve-flag',
      note: 'approved by --approve risky',
    });
  });

  it('a gate timeout skips or aborts as on_timeout says', async () => {
    const waiting: Gate = {
      confirm: (_req, signal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      failed: async () => ({ decision: 'fail', by: 'policy', note: '' }),
    };
    const rb = await yamlRunbook(`
steps:
  - { id: a, confirm: { message: ok?, timeout: 50ms, on_timeout: skip }, run: echo a }
  - { id: b, confirm: { message: ok?, timeout: 50ms, on_timeout: abort }, run: echo b }
  - { id: c, run: echo c }
finally:
  - { id: f, run: echo f }
`);
    const r = await drill(rb, { gate: waiting });
    expect(r.ends.get('a')).toMatchObject({ status: 'skipped' });
    expect(r.ends.get('a')?.reason).toContain('no decision within 50ms');
    expect(r.ends.get('c')?.status).toBe('skipped');
    expect(r.ends.get('f')?.status).toBe('passed');
    expect(r.end).toMatchObject({ status: 'aborted', exitCode: 1 });
  });

  it('a person can retry a failed step', async () => {
    let asked = 0;
    const person: Gate = {
      confirm: async () => ({ decision: 'approve', by: 'person', note: 'approved' }),
      failed: async () => ({ decision: asked++ === 0 ? 'retry' : 'fail', by: 'person', note: 'retry' }),
    };
    const rb = await yamlRunbook(`
steps:
  - id: once
    run: 'if [ -f tried ]; then echo ok; else touch tried; exit 1; fi'
`);
    const r = await drill(rb, { gate: person });
    expect(r.ends.get('once')).toMatchObject({ status: 'passed', attempts: 2 });
    expect(asked).toBe(1);
  });
});

describe('runDrill: stopping', () => {
  it('a timeout kills the whole process group, grandchildren included', async () => {
    const rb = await yamlRunbook(`
steps:
  - id: slow
    timeout: 300ms
    run: "sh -c 'sleep 30 & echo $! > grandchild.pid; wait' & wait"
`);
    const r = await drill(rb);
    expect(r.ends.get('slow')?.status).toBe('failed');
    expect(r.ends.get('slow')?.reason).toMatch(/^timed out after 300ms/);
    const pid = Number(readFileSync(join(dirname(rb.file), 'grandchild.pid'), 'utf8'));
    await new Promise((res) => setTimeout(res, 100));
    expect(alive(pid)).toBe(false);
  });

  it('a child that ignores SIGTERM is killed after the grace period', async () => {
    const rb = await yamlRunbook(`
steps:
  - id: stubborn
    timeout: 200ms
    run: "trap '' TERM; echo $$ > shell.pid; while true; do sleep 0.1; done"
`);
    const r = await drill(rb);
    expect(r.ends.get('stubborn')?.status).toBe('failed');
    const pid = Number(readFileSync(join(dirname(rb.file), 'shell.pid'), 'utf8'));
    expect(alive(pid)).toBe(false);
  });

  it('an abort (SIGINT) interrupts the running step, skips the rest, runs undo and finally, exit 130', async () => {
    const rb = await yamlRunbook(`
steps:
  - { id: prepare, run: echo prepared, undo: { run: echo undo-prepare } }
  - { id: long, run: sleep 30 }
  - { id: later, run: echo later }
finally:
  - { id: restore, run: echo restored }
`);
    const controller = new AbortController();
    const r = await drill(rb, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step-start' && e.stepId === 'long') setTimeout(() => controller.abort('SIGINT'), 100);
      },
    });
    expect(r.ends.get('long')).toMatchObject({ status: 'interrupted' });
    expect(r.ends.get('later')).toMatchObject({ status: 'skipped', reason: 'not run: SIGINT' });
    expect(r.output('undo/prepare')).toBe('undo-prepare\n');
    expect(r.ends.get('restore')?.status).toBe('passed');
    expect(r.end).toMatchObject({ status: 'interrupted', exitCode: 130 });
  });

  it('undo runs in reverse order of the steps that started (not those skipped), before finally', async () => {
    const rb = await yamlRunbook(`
steps:
  - { id: a, run: "true", undo: { run: echo undo-a >> order } }
  - { id: b, run: "true", undo: { run: echo undo-b >> order } }
  - { id: off, run: "true", when: "no", undo: { run: echo undo-off >> order } }
  - { id: c, run: exit 1, undo: { run: echo undo-c >> order } }
  - { id: d, run: "true", undo: { run: echo undo-d >> order } }
finally:
  - { id: f, run: echo finally >> order }
`);
    await drill(rb);
    expect(readFileSync(join(dirname(rb.file), 'order'), 'utf8')).toBe('undo-c\nundo-b\nundo-a\nfinally\n');
  });

  it('a tripped stop condition stops the running step and fails the drill with its reason', async () => {
    const rb = await yamlRunbook(`
stop_when:
  every: 100ms
  probes:
    - { id: green-healthy, name: Green is healthy, run: "test ! -f green-down" }
steps:
  - { id: break-green, run: "touch green-down; sleep 30" }
  - { id: never, run: echo never }
finally:
  - { id: f, run: rm -f green-down }
`);
    const r = await drill(rb);
    expect(r.events.find((e) => e.type === 'stop-tripped')).toMatchObject({ probeId: 'green-healthy' });
    expect(r.ends.get('break-green')?.status).toBe('interrupted');
    expect(r.ends.get('never')?.status).toBe('skipped');
    expect(r.ends.get('f')?.status).toBe('passed');
    expect(r.end.status).toBe('aborted');
    expect(r.end.reason).toContain('stop condition: Green is healthy');
  });

  it('parallel members run side by side; fail_fast cancels the rest', async () => {
    const rb = await yamlRunbook(`
steps:
  - id: group
    parallel:
      - { id: s1, run: sleep 0.4 }
      - { id: s2, run: sleep 0.4 }
      - { id: s3, run: sleep 0.4 }
  - id: failing
    parallel:
      - { id: quick-fail, run: exit 1 }
      - { id: slow, run: sleep 30 }
`);
    const t0 = Date.now();
    const r = await drill(rb);
    expect(r.ends.get('group')?.status).toBe('passed');
    expect(r.ends.get('group')?.durationMs).toBeLessThan(1100);
    expect(r.ends.get('failing')?.status).toBe('failed');
    expect(r.ends.get('slow')?.reason).toContain('quick-fail failed');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

describe('runDrill: secrets', () => {
  it('redacts secret values in output even when split across chunks, and in reasons', async () => {
    const rb = await yamlRunbook(
      `
secrets: [TOKEN]
steps:
  - { id: leak, run: "printf 'tok=s3cr'; sleep 0.2; printf 'et-value\\n'; echo $TOKEN >&2; exit 1" }
`,
      { TOKEN: 's3cret-value' },
    );
    const r = await drill(rb, { env: { ...process.env, TOKEN: 's3cret-value' } });
    const all = JSON.stringify(r.events);
    expect(all).not.toContain('s3cret-value');
    expect(r.output('leak')).toContain('tok=***');
  });
});
