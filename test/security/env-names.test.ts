import { describe, expect, it } from 'vitest';
import { RunbookError } from '../../src/runbook/errors.js';
import { yamlRunbook } from '../support/drill.js';

describe('env: names of a local run step', () => {
  it('refuses a name that is not a variable name, with file:line:column, as ssh: does', async () => {
    const error = await yamlRunbook(
      `name: env-names
steps:
  - id: a
    run: { command: 'echo "$A"', env: { "A=B": x, "X;Y": y, GOOD_1: z } }
`,
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RunbookError);
    const problems = (error as RunbookError).errors;
    expect(problems.map((p) => p.message).join('\n')).toMatch(
      /'A=B' is not a valid environment variable name/,
    );
    expect(problems[0]?.line).toBeGreaterThan(0);
    expect(problems[0]?.column).toBeGreaterThan(0);
  });
});
