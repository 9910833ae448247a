import { describe, expect, it } from 'vitest';
import { yamlRunbook } from '../support/drill.js';

// A key the engine ignores on a parallel group is a typo-like mistake: the author believes
// the group is bounded, retried or saved, and nothing says otherwise. They are refused where
// they are written, like `confirm`, `when` and `undo` on a group.

describe('a parallel group has no timeout, retries, output or daemons of its own', () => {
  it('refuses timeout, retries, retry_delay, save and leave_running on a group, each at its key', async () => {
    const text = `
steps:
  - id: group
    timeout: 1s
    retries: 2
    retry_delay: 1s
    save: both
    leave_running: true
    parallel:
      - { id: a, run: "sleep 5", timeout: 1s }
      - { id: b, run: "echo b", save: bee }
`;
    const message = await yamlRunbook(text).then(
      () => 'loaded',
      (error: Error) => error.message,
    );
    expect(message.split('\n').map((l) => l.replace(/^.*runbook\.yaml:/, ''))).toEqual([
      '4:5: steps[0].timeout: `timeout` cannot go on a parallel group: each member runs with its own timeout (put `timeout` on each member)',
      '5:5: steps[0].retries: `retries` cannot go on a parallel group: each member retries on its own (put `retries` on the members to retry)',
      '6:5: steps[0].retry_delay: `retry_delay` cannot go on a parallel group: each member retries on its own (put `retry_delay` on the members that retry)',
      '7:5: steps[0].save: `save` cannot go on a parallel group: a group has no output of its own to save (put `save` on the member whose output you need)',
      '8:5: steps[0].leave_running: `leave_running` cannot go on a parallel group: each member runs its own processes (put `leave_running` on the member that starts the daemon)',
    ]);
  });

  it('accepts them on the members, and continue_on_error and fail_fast on the group', async () => {
    const runbook = await yamlRunbook(`
steps:
  - id: group
    continue_on_error: true
    fail_fast: false
    parallel:
      - { id: a, run: "echo a", timeout: 1s, retries: 1, retry_delay: 0s }
      - { id: b, run: "echo b", save: bee, leave_running: true }
`);
    expect(runbook.steps.map((s) => s.id)).toEqual(['group']);
  });
});
