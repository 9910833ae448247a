import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../src/commands/plan.js';
import { yamlRunbook } from '../support/drill.js';

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
    const plan = renderPlan(rb);
    expect(plan).toContain("sh: echo 'blue; reboot'");
    expect(plan).toContain('sh: echo {{ vars.picked }} {{ steps.pick.output }}');
    expect(plan).toContain("hostname '10.0.0.1'");
    expect(plan).toContain('AWS: region eu-west-1');
    expect(plan).toContain('blue: ubuntu@10.0.0.1');
  });
});
