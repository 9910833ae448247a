import { describe, expect, it } from 'vitest';
import { createPolicyGate } from '../../src/engine/policy-gate.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { workspace } from '../support/cli.js';
import { drill } from '../support/drill.js';
import { actions } from '../support/registry.js';

/**
 * A value in a `when:` is data: its `==`, `!=`, `!`, `not` and quotes are not the condition's
 * syntax. Each step says whether it must run; hostile values try to flip the condition.
 */
const CASES: { when: string; value: string; runs: boolean }[] = [
  { when: '{{ vars.v }} == prod', value: 'x == x', runs: false },
  { when: '{{ vars.v }} == prod', value: 'prod', runs: true },
  { when: '"{{ vars.v }}" == "prod"', value: 'a" == "a', runs: false },
  { when: "'{{ vars.v }}' == 'prod'", value: "x' != 'y", runs: false },
  { when: '{{ vars.v }} != prod', value: 'prod != x', runs: true },
  { when: '{{ vars.v }} != prod', value: 'prod', runs: false },
  { when: '{{ vars.v }}', value: '!yes', runs: true },
  { when: '{{ vars.v }}', value: 'not yes', runs: true },
  { when: '{{ vars.v }}', value: '!', runs: true },
  { when: '{{ vars.v }}', value: 'no', runs: false },
  { when: '!{{ vars.v }}', value: '!no', runs: false },
  { when: 'not {{ vars.v }}', value: 'false', runs: true },
  { when: '{{ vars.v }} == "quoted"', value: '"quoted"', runs: false },
  { when: '{{ vars.v }} == prod', value: ' prod\n', runs: true },
  { when: 'prod == {{ vars.v }}', value: 'prod == prod', runs: false },
];

describe('when: values never become the condition', () => {
  it('decides each condition on the author-written operators only', async () => {
    const ws = workspace();
    const steps = CASES.map((c, i) => ({
      id: `c${i}`,
      run: 'true',
      when: c.when.replace('vars.v', `vars.v${i}`),
    }));
    const file = ws.write('rb.yaml', JSON.stringify({ name: 'when-values', steps }));
    const vars = Object.fromEntries(CASES.map((c, i) => [`v${i}`, c.value]));
    const runbook = await loadRunbook(actions, file, { vars, env: {} });
    const r = await drill(runbook, { gate: createPolicyGate({ yes: true, approve: [] }) });
    const wrong = CASES.flatMap((c, i) => {
      const ran = r.ends.get(`c${i}`)?.status === 'passed';
      return ran === c.runs ? [] : [`${c.when} with ${JSON.stringify(c.value)}: ${ran ? 'ran' : 'skipped'}`];
    });
    expect(wrong).toEqual([]);
  });
});
