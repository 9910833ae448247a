import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateWhenTemplate } from '../../src/runbook/when.js';
import { drill, yamlRunbook } from '../support/drill.js';

// `when:` with its values as data: what a step printed or a var holds is compared as it is,
// never read as part of the condition.

const scopeWith = (vars: Record<string, string>) => ({ vars, steps: {}, env: {}, secrets: [], hosts: {} });
const whenOf = (template: string, vars: Record<string, string>) =>
  evaluateWhenTemplate(template, scopeWith(vars));
/** The same condition with the value written out by the author: every character is syntax. */
const writtenOut = (text: string) => evaluateWhenTemplate(text, scopeWith({}));

describe('when: values are data', () => {
  it('a value holding an operator, a negation or quotes does not change the condition', () => {
    const cases: Array<[template: string, value: string, expected: boolean]> = [
      ['{{ vars.v }} == ok', 'ok', true],
      ['{{ vars.v }} == ok', 'x != ok', false],
      ['{{ vars.v }} != ok', 'ok == ok', true],
      ['{{ vars.v }} == ok', 'ok == ok', false],
      ['{{ vars.v }}', 'not ready', true],
      ['{{ vars.v }}', '!ready', true],
      ['{{ vars.v }}', 'false', false],
      ['{{ vars.v }}', ' no ', false],
      ['not {{ vars.v }}', 'not ready', false],
      ['!{{ vars.v }}', '', true],
      ["'{{ vars.v }}' == 'a b'", 'a b', true],
      ['"{{ vars.v }}" == ok', "'ok'", false],
      ['{{ vars.v }} == ""', '', true],
    ];
    for (const [template, value, expected] of cases)
      expect(whenOf(template, { v: value }), `${template} with v=${JSON.stringify(value)}`).toBe(expected);
  });

  it('agrees with the written-out condition whenever the value holds no operator, quote or negation', () => {
    const plain = fc.stringMatching(/^[a-z0-9 ._-]{0,12}$/).filter((v) => !/^\s*not\s/i.test(v));
    fc.assert(
      fc.property(plain, fc.constantFrom('==', '!='), plain, (v, op, literal) => {
        const template = `{{ vars.v }} ${op} ${literal}`;
        expect(whenOf(template, { v })).toBe(writtenOut(`${v} ${op} ${literal}`));
      }),
    );
  });

  it('for any value, "{{ v }} == X" holds exactly when the value is X', () => {
    fc.assert(
      fc.property(fc.string(), (v) => {
        expect(whenOf('{{ vars.v }} == healthy', { v })).toBe(v.trim() === 'healthy');
      }),
    );
  });

  it('a probe output that reads "not ready" or "a != b" does not flip whether a failover runs', async () => {
    const r = await drill(
      await yamlRunbook(`
steps:
  - { id: probe, run: "echo 'degraded != healthy'", save: state }
  - { id: failover, when: "{{ vars.state }} != healthy", run: "echo FAILOVER" }
  - { id: ready, run: "echo 'not ready'", save: ready }
  - { id: proceed, when: "{{ vars.ready }}", run: "echo PROCEED" }
`),
    );
    expect(r.end.status).toBe('passed');
    expect(r.output('failover')).toContain('FAILOVER');
    expect(r.output('proceed')).toContain('PROCEED');
  });
});
