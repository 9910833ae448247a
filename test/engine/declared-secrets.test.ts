import { describe, expect, it } from 'vitest';
import { drill, yamlRunbook } from '../support/drill.js';

// Credentials the actions read from the environment are masked although the runbook never
// declares them: each action declares its own (ssh: the key passphrase; AWS: the secret key
// and session token), and the run masks what the registered actions declare.
describe('secrets the actions declare', () => {
  it('are masked in every step output, like secrets: the runbook declares', async () => {
    const env = {
      DRILLBOOK_SSH_PASSPHRASE: 'passphrase-0a1b2c',
      AWS_SECRET_ACCESS_KEY: 'aws-secret-3d4e5f',
      AWS_SESSION_TOKEN: 'aws-token-6a7b8c',
      NOT_A_SECRET: 'plain-9d8e7f',
    };
    const runbook = await yamlRunbook(
      `name: masks
steps:
  - id: show
    run: 'echo "$DRILLBOOK_SSH_PASSPHRASE $AWS_SECRET_ACCESS_KEY $AWS_SESSION_TOKEN $NOT_A_SECRET"'
`,
      env,
    );
    const r = await drill(runbook, { env: { ...process.env, ...env } });
    expect(r.end.status).toBe('passed');
    const out = r.output('show');
    expect(out.trim()).toBe('*** *** *** plain-9d8e7f');
    for (const value of ['passphrase-0a1b2c', 'aws-secret-3d4e5f', 'aws-token-6a7b8c'])
      expect(out).not.toContain(value);
  });
});
