import { describe, expect, it } from 'vitest';
import { planCommand } from '../../src/commands/plan.js';
import { workspace } from '../support/cli.js';

const SECRET = `it's-a-"s3cret"`;

async function plan(file: string, vars: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const code = await planCommand(file, vars, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stdin: {},
    env,
    cwd: process.cwd(),
  });
  return { code, stdout, stderr };
}

describe('plan and secrets', () => {
  it('masks a secret passed with --var or read through env, in every form it renders', async () => {
    const ws = workspace();
    const file = ws.write(
      'rb.yaml',
      `drillbook: 1
name: p
secrets: [PW]
steps:
  - { id: a, run: "echo {{ vars.copy }}" }
  - { id: b, run: "echo \\"{{ env.PW }}\\"" }
  - { id: c, http: "http://127.0.0.1:1/?pw={{ vars.copy }}" }
  - { id: d, run: "echo {{ secrets.PW }}" }
`,
    );
    const r = await plan(file, [`copy=${SECRET}`], { PW: SECRET });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('[a]');
    for (const form of [SECRET, `'it'\\''s-a-"s3cret"'`, 'it\'s-a-\\"s3cret\\"', 's3cret'])
      expect(r.stdout).not.toContain(form);
    expect(r.stdout).toContain('{{ secrets.PW }}');
  });
});
