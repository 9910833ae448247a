import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../src/commands/plan.js';
import { yamlRunbook } from '../support/drill.js';
import { actions } from '../support/registry.js';

describe('plan', () => {
  it('shows commands as they will run: known vars filled in and shell-quoted, run-time values as written', async () => {
    const rb = await yamlRunbook(`
vars: { colour: "blue; reboot", region: eu-west-1 }
hosts: { blue: { host: 10.0.0.1, user: ubuntu } }
aws: { region: "{{ vars.region }}" }
steps:
  - { id: pick, run: "echo {{ vars.colour }}", save: picked }
  - { id: use, run: "echo {{ vars.picked }} {{ steps.pick.output }}" }
  - { id: remote, ssh: { host: blue, run: "hostname {{ hosts.blue.host }}" } }
`);
    const plan = renderPlan(actions, rb);
    expect(plan).toContain("sh: echo 'blue; reboot'");
    expect(plan).toContain('sh: echo {{ vars.picked }} {{ steps.pick.output }}');
    expect(plan).toContain("hostname '10.0.0.1'");
    expect(plan).toContain('AWS: region eu-west-1');
    expect(plan).toContain('blue: ubuntu@10.0.0.1');
  });

  it('shows hostile values in place, quoted for where they stand; secrets stay templates', async () => {
    const rb = await yamlRunbook(`
vars: { v: "it's $(reboot)" }
secrets: [DB_PW]
steps:
  - { id: q, run: "echo \\"{{ vars.v }}\\" '{{ vars.v }}' {{ env.DB_PW }} {{ secrets.DB_PW }} {{ env.OTHER }}" }
`);
    const plan = renderPlan(actions, rb, { DB_PW: 'pw-never-shown', OTHER: 'other' });
    expect(plan).toContain(
      `sh: echo "it's \\$(reboot)" 'it'\\''s $(reboot)' {{ env.DB_PW }} {{ secrets.DB_PW }} 'other'`,
    );
    expect(plan).not.toContain('pw-never-shown');
  });
});
