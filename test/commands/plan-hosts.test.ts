import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planCommand } from '../../src/commands/plan.js';
import type { PlannedHost } from '../../src/commands/plan-hosts.js';

const dir = mkdtempSync(join(tmpdir(), 'drillbook-planhosts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = join(dir, 'ssh_config');
writeFileSync(
  config,
  'Host bastion\n  HostName 10.0.0.1\n  User jump\nHost app\n  HostName 10.1.1.1\n  ProxyJump bastion\n',
);
const runbook = join(dir, 'runbook.yaml');
writeFileSync(
  runbook,
  `name: shadow
hosts:
  bastion: { host: 10.9.9.9, user: other }
  app: { host: app, user: deploy }
steps:
  - { id: s, ssh: { host: app, run: uptime } }
`,
);

async function plan(json: boolean, path: string | undefined) {
  let out = '';
  let err = '';
  const code = await planCommand(
    runbook,
    undefined,
    {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
      stdin: {},
      env: { PATH: path, HOME: dir, USER: 'me', DRILLBOOK_SSH_CONFIG: config },
      cwd: dir,
    },
    json,
  );
  expect(err).toBe('');
  expect(code).toBe(0);
  return out;
}

describe('plan: how each host is reached', () => {
  it('an ssh_config ProxyJump names the ssh_config alias even when a runbook host has its name, and plan warns', async () => {
    const hosts = (JSON.parse(await plan(true, process.env['PATH'])) as { hosts: PlannedHost[] }).hosts;
    const app = hosts.find((h) => h.name === 'app')!;
    expect(app).toMatchObject({
      resolver: 'openssh',
      hostname: '10.1.1.1',
      user: 'deploy',
      proxy_jump: ['jump@10.0.0.1:22'],
    });
    expect(app.warnings.join('\n')).toContain(
      "runbook host 'bastion' has the same name as the ssh_config alias 'bastion'",
    );
    const text = await plan(false, process.env['PATH']);
    expect(text).toContain('  app: deploy@10.1.1.1:22; via jump@10.0.0.1:22;');
    expect(text).toContain('[resolved by ssh -G]');
    expect(text).toContain("    warning: runbook host 'bastion' has the same name");
  });

  it('without an ssh binary the built-in reader answers, and plan says so', async () => {
    const hosts = (JSON.parse(await plan(true, '')) as { hosts: PlannedHost[] }).hosts;
    expect(hosts.find((h) => h.name === 'app')).toMatchObject({
      resolver: 'builtin',
      hostname: '10.1.1.1',
      proxy_jump: ['jump@10.0.0.1:22'],
    });
    expect(await plan(false, '')).toContain('[resolved by the built-in reader (no ssh binary)]');
  });
});
