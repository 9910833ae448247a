import { describe, expect, it } from 'vitest';
import { yamlRunbook } from '../support/drill.js';

// Members of a parallel group run side by side, so one cannot read a sibling's output or
// saved var: it may not exist yet when the member starts. `validate` used to accept such a
// runbook, which then failed (or read an empty value) at run time depending on timing.

const problemsOf = (text: string) =>
  yamlRunbook(text).then(
    () => ['loaded'],
    (error: Error) => error.message.split('\n').map((l) => l.replace(/^.*runbook\.yaml:/, '')),
  );

describe('a parallel member cannot read its siblings', () => {
  it("refuses a sibling's output and saved var, at the reference", async () => {
    expect(
      await problemsOf(`
steps:
  - id: grp
    parallel:
      - { id: a, run: "echo blue", save: color }
      - { id: b, run: "echo {{ vars.color }}" }
      - { id: c, when: "{{ steps.a.output }} == blue", run: "true" }
`),
    ).toEqual([
      "6:18: steps[0].parallel[1].run: undefined variable 'color' (define it under vars:, save it from an earlier step, or pass --var color=...)",
      "7:18: steps[0].parallel[2].when: step 'a' does not run before this one, so its output does not exist yet (only steps that run earlier can be referred to)",
    ]);
  });

  it('refuses it through nested groups too, and allows every member after the group', async () => {
    expect(
      await problemsOf(`
steps:
  - id: outer
    parallel:
      - id: inner
        parallel:
          - { id: x, run: "echo x", save: ex }
      - { id: z, run: "echo {{ steps.x.output }} {{ vars.ex }}" }
  - { id: after, run: "echo {{ steps.x.output }} {{ vars.ex }} {{ steps.z.output }} {{ steps.inner.output }}" }
`),
    ).toEqual([
      "8:18: steps[0].parallel[1].run: step 'x' does not run before this one, so its output does not exist yet (only steps that run earlier can be referred to)",
      "8:18: steps[0].parallel[1].run: undefined variable 'ex' (define it under vars:, save it from an earlier step, or pass --var ex=...)",
    ]);
  });

  it('a var defined under vars: stays readable by every member, whoever saves it', async () => {
    expect(
      await problemsOf(`
vars: { color: green }
steps:
  - id: grp
    parallel:
      - { id: a, run: "echo blue", save: color }
      - { id: b, run: "echo {{ vars.color }}" }
`),
    ).toEqual(['loaded']);
  });
});
