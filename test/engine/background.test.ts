import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { alive, drill, yamlRunbook } from '../support/drill.js';
import { actions } from '../support/registry.js';

/**
 * `background: true` and `await:` in-process, with real /bin/sh steps. Files in a temp dir
 * are the witnesses: a background step that waits for a file a later step writes proves the
 * two overlapped; a pid file lets `finally` check the background process is gone.
 */
function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'drillbook-bg-'));
}

/** Index of the first event matching type and step. */
function at(events: EngineEvent[], type: EngineEvent['type'], stepId: string): number {
  const i = events.findIndex((e) => e.type === type && 'stepId' in e && e.stepId === stepId);
  expect(i, `${type} ${stepId}`).toBeGreaterThanOrEqual(0);
  return i;
}

describe('background steps', () => {
  it('later steps run while a background step goes on; `await` waits for it to end', async () => {
    const dir = scratch();
    const rb = await yamlRunbook(`
steps:
  - id: attack
    background: true
    timeout: 20s
    # Ends only once a later step has run: the overlap is the only way this step passes.
    run: "until [ -f ${dir}/checked ]; do sleep 0.05; done; sleep 1; echo attack over; touch ${dir}/attack-ended"
  - { id: check, run: "test ! -f ${dir}/attack-ended && touch ${dir}/checked" }
  - { id: after, await: attack, run: "test -f ${dir}/attack-ended" }
`);
    const r = await drill(rb);
    expect(r.end, JSON.stringify([...r.ends.values()])).toMatchObject({ status: 'passed', exitCode: 0 });
    const e = r.events;
    expect(at(e, 'step-start', 'attack')).toBeLessThan(at(e, 'step-start', 'check'));
    expect(at(e, 'step-end', 'check')).toBeLessThan(at(e, 'step-end', 'attack'));
    expect(at(e, 'step-end', 'attack')).toBeLessThan(at(e, 'step-end', 'after'));
    expect(e[at(e, 'step-start', 'attack')]).toMatchObject({ background: true });
    expect(r.output('after')).toContain('waiting for background step attack to end');
    expect(r.output('attack')).toContain('attack over');
  });

  it('a background step that fails fails the drill, though nobody awaited it, and cancels the step in progress', async () => {
    const rb = await yamlRunbook(`
steps:
  - { id: attack, background: true, run: "sleep 0.3; echo gremlin: not authenticated >&2; exit 3" }
  - { id: long-check, run: "sleep 20", timeout: 30s }
  - { id: never, run: "true" }
`);
    const started = Date.now();
    const r = await drill(rb);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.end).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(r.end.reason).toContain('attack');
    expect(r.ends.get('attack')).toMatchObject({ status: 'failed' });
    expect(r.ends.get('long-check')?.status).toBe('interrupted');
    expect(r.ends.get('long-check')?.reason).toContain('cancelled: background step attack failed');
    expect(r.ends.get('never')).toMatchObject({ status: 'skipped', attempts: 0 });
  });

  it('a tolerated background failure (continue_on_error) does not cancel anything', async () => {
    const rb = await yamlRunbook(`
steps:
  - { id: attack, background: true, continue_on_error: true, run: "exit 3" }
  - { id: check, run: "sleep 0.5" }
  - { id: after, await: attack, run: "true" }
`);
    const r = await drill(rb);
    expect(r.end).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(r.ends.get('attack')).toMatchObject({ status: 'failed', tolerated: true });
    expect(r.ends.get('after')?.status).toBe('passed');
  });

  it('a step awaiting a background step that fails fails too, without running its action', async () => {
    const dir = scratch();
    const rb = await yamlRunbook(`
steps:
  - { id: attack, background: true, run: "sleep 0.5; exit 4" }
  - { id: after, await: attack, run: "touch ${dir}/ran" }
`);
    const r = await drill(rb);
    expect(r.end).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(r.ends.get('after')).toMatchObject({ status: 'failed', attempts: 0 });
    expect(r.ends.get('after')?.reason).toMatch(/^awaited background step attack failed: .*status 4/);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it('one still running when the steps end is stopped (its process group) and the drill fails: interrupted', async () => {
    const dir = scratch();
    const rb = await yamlRunbook(`
steps:
  - { id: attack, background: true, run: "echo $$ > ${dir}/pid; sleep 30" }
  - { id: check, run: "until [ -f ${dir}/pid ]; do sleep 0.05; done" }
`);
    const started = Date.now();
    const r = await drill(rb);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.end).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(r.ends.get('check')?.status).toBe('passed');
    expect(r.ends.get('attack')?.status).toBe('interrupted');
    expect(r.ends.get('attack')?.reason).toContain('still running when the drill ended (no step awaited it)');
    expect(alive(Number(readFileSync(join(dir, 'pid'), 'utf8')))).toBe(false);
  });

  it('on a failure it is stopped before undo and finally, and its undo runs in rollback', async () => {
    const dir = scratch();
    const rb = await yamlRunbook(`
steps:
  - id: attack
    background: true
    run: "echo $$ > ${dir}/pid; sleep 30"
    undo: { run: "echo attack undone >> ${dir}/log" }
  - { id: first, run: "until [ -f ${dir}/pid ]; do sleep 0.05; done", undo: { run: "echo first undone >> ${dir}/log" } }
  - { id: broken, run: "exit 1" }
finally:
  # Fails if the background process is still there when finally runs.
  - { id: after-all, run: "if kill -0 $(cat ${dir}/pid) 2>/dev/null; then echo still running; exit 1; fi; echo finally >> ${dir}/log" }
`);
    const r = await drill(rb);
    expect(r.end).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(r.end.reason).toContain('broken');
    expect(r.ends.get('attack')).toMatchObject({
      status: 'interrupted',
      reason: expect.stringContaining('the drill failed'),
    });
    expect(r.ends.get('after-all')?.status, r.output('after-all')).toBe('passed');
    // Undo in reverse order of starting: the later step first, then the background step.
    expect(readFileSync(join(dir, 'log'), 'utf8')).toBe('first undone\nattack undone\nfinally\n');
    expect(at(r.events, 'step-end', 'attack')).toBeLessThan(at(r.events, 'step-start', 'undo/first'));
  });

  it('on a signal (and a stop condition) it is stopped before finally; exit 143', async () => {
    const dir = scratch();
    const rb = await yamlRunbook(`
steps:
  - { id: attack, background: true, run: "echo $$ > ${dir}/pid; sleep 30" }
  - { id: wait, run: "sleep 30" }
finally:
  - { id: after-all, run: "if kill -0 $(cat ${dir}/pid) 2>/dev/null; then exit 1; fi" }
`);
    const controller = new AbortController();
    const r = await drill(rb, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step-start' && e.stepId === 'wait')
          setTimeout(() => controller.abort('SIGTERM'), 300);
      },
    });
    expect(r.end).toMatchObject({ status: 'interrupted', exitCode: 143 });
    expect(r.ends.get('attack')?.status).toBe('interrupted');
    expect(r.ends.get('after-all')?.status, r.output('after-all')).toBe('passed');

    const tripped = await yamlRunbook(`
stop_when: {every: 200ms, probes: [{id: budget, run: "test ! -f ${dir}/broken"}]}
steps:
  - { id: attack, background: true, run: "sleep 30" }
  - { id: wait, run: "touch ${dir}/broken; sleep 30" }
`);
    const s = await drill(tripped);
    expect(s.end).toMatchObject({ status: 'aborted', exitCode: 1 });
    expect(s.ends.get('attack')?.status).toBe('interrupted');
    expect(s.ends.get('attack')?.reason).toContain('stop condition: budget');
  });
});

describe('background and await in --dry-run', () => {
  it('says which step runs in the background and which waits, and runs neither', async () => {
    const dir = scratch();
    const rb = await yamlRunbook(`
steps:
  - { id: attack, background: true, run: "touch ${dir}/ran" }
  - { id: after, await: attack, run: "touch ${dir}/ran" }
`);
    const r = await drill(rb, { dryRun: true });
    expect(r.end.status).toBe('passed');
    expect(r.output('attack')).toContain('in the background: later steps would start at once');
    expect(r.output('after')).toContain('first waits for background step attack to end');
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });
});

describe('background and await at validation', () => {
  const errors = (text: string) =>
    yamlRunbook(text).then(
      () => ['loaded'],
      (error: Error) => error.message.split('\n').map((l) => l.replace(/^.*runbook\.yaml:/, '')),
    );

  it('refuses what would run a gate, a retry or a read behind the drill, each at its key', async () => {
    expect(
      await errors(`
steps:
  - id: a
    background: true
    confirm: Go?
    retries: 2
    save: out
    run: "true"
  - id: g
    background: true
    parallel: [{ id: m, background: true, run: "true" }]
finally:
  - { id: f, background: true, run: "true" }
steady_state:
  - { id: s, background: true, run: "true" }
`),
    ).toEqual([
      '15:14: steady_state[0].background: `background` cannot go on a step in `steady_state` (a steady-state check is judged before and after the drill) (only a step under `steps:` may run in the background)',
      '4:5: steps[0].background: `background` cannot go with `confirm`: a gate must not be decided behind other steps (put the gate on a step of its own before this one (a `confirm`-only step))',
      '6:5: steps[0].retries: `retries` cannot go on a background step: a retry would restart it after the drill moved on, and the checks running beside it would see a gap (drop `retries`; a background step runs once)',
      '7:5: steps[0].save: `save` cannot go on a background step: later steps would read the value before it exists (save the value in a step that runs in the foreground)',
      '10:5: steps[1].background: `background` cannot go on a parallel group (put the long-running step on its own with `background: true`)',
      '11:25: steps[1].parallel[0].background: `background` cannot go on a step inside a parallel group (the group already runs its members side by side) (only a step under `steps:` may run in the background)',
      '13:14: finally[0].background: `background` cannot go on a step in `finally` (background steps are stopped before `finally` runs) (only a step under `steps:` may run in the background)',
    ]);
  });

  it('refuses an await of an unknown, a foreground or a later step, and await where it cannot wait', async () => {
    expect(
      await errors(`
steps:
  - { id: fg, run: "true" }
  - { id: attack, background: true, run: "true" }
  - { id: a1, await: atack, run: "true" }
  - { id: a2, await: fg, run: "true" }
  - { id: a3, await: later, run: "true" }
  - { id: later, background: true, run: "true" }
  - { id: a4, background: true, await: attack, run: "true" }
  - { id: g, await: attack, parallel: [{ id: m, await: attack, run: "true" }] }
finally:
  - { id: f, await: attack, run: "true" }
`),
    ).toEqual([
      '5:15: steps[2].await: `await: atack` names no step (did you mean "attack"?)',
      '6:15: steps[3].await: `await: fg` names a step that does not run in the background (add `background: true` to fg, or drop `await` (steps run one after another))',
      '7:15: steps[4].await: `await: later` names a later step (a step can only await a background step written above it)',
      '9:33: steps[6].await: a background step cannot `await` another one: it would wait behind the drill (put `await` on a step that runs in the foreground)',
      '10:14: steps[7].await: `await` cannot go on a parallel group (put `await` on the member that needs the step ended)',
      '12:14: finally[0].await: `await` cannot go on a step in `finally` (background steps are stopped before `finally` runs) (await the step in a later step under `steps:`)',
    ]);
  });

  it("reads a background step's output only after a step awaited it; members may await", async () => {
    expect(
      await errors(`
steps:
  - { id: attack, background: true, run: "echo x" }
  - { id: early, run: "echo {{ steps.attack.output }}" }
`),
    ).toEqual([
      expect.stringMatching(
        /^4:.*step 'attack' does not run before this one, so its output does not exist yet/,
      ),
    ]);
    const rb = await yamlRunbook(`
steps:
  - { id: attack, background: true, run: "echo x" }
  - id: g
    parallel:
      - { id: m, await: attack, run: "echo {{ steps.attack.output }}" }
  - { id: late, run: "echo {{ steps.attack.output }}" }
`);
    expect(rb.steps[0]).toMatchObject({ background: true, retries: 0 });
  });

  it('Markdown writes them as the other step options: {background} and {await=ID}', async () => {
    const dir = scratch();
    const file = join(dir, 'drill.md');
    writeFileSync(
      file,
      [
        '# Drill',
        '',
        '## Attack',
        '',
        '```sh {id=attack background}',
        'sleep 0.2',
        '```',
        '',
        '## Check during the attack',
        '',
        '```sh {id=check}',
        'true',
        '```',
        '',
        '## After the attack',
        '',
        '```sh {id=after await=attack}',
        'true',
        '```',
        '',
        '## Wrong',
        '',
        '```sh {id=wrong await=atack}',
        'true',
        '```',
        '',
      ].join('\n'),
    );
    const message = await loadRunbook(actions, file, { env: {} }).then(
      () => 'loaded',
      (error: Error) => error.message,
    );
    expect(message).toMatch(/drill\.md:23:\d+: .*`await: atack` names no step \(did you mean "attack"\?\)/);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/## Wrong[\s\S]*$/, ''));
    const rb = await loadRunbook(actions, file, { env: {} });
    expect(rb.steps.map((s) => (s.kind === 'action' ? [s.id, s.background, s.await] : [s.id]))).toEqual([
      ['attack', true, undefined],
      ['check', undefined, undefined],
      ['after', undefined, 'attack'],
    ]);
    const r = await drill(rb);
    expect(r.end.status).toBe('passed');
  });
});
