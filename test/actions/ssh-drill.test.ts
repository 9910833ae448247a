import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drill, yamlRunbook } from '../support/drill.js';
import { makeHome } from '../support/ssh-context.js';
import { type Sshd, sshdTestsEnabled, startSshd } from '../support/sshd.js';

describe.runIf(sshdTestsEnabled())('ssh steps in a whole drill (runDrill)', () => {
  let blue: Sshd;
  let green: Sshd;
  let home: ReturnType<typeof makeHome>;

  beforeAll(async () => {
    [blue, green] = await Promise.all([startSshd(), startSshd()]);
    home = makeHome();
  });
  afterAll(async () => {
    await Promise.all([blue?.stop(), green?.stop()]);
    home?.cleanup();
  });

  it('deploys and restarts over one connection per host, fans out with a part per host', async () => {
    writeFileSync(join(home.home, 'fleet_known_hosts'), `${blue.knownHostsLine}\n${green.knownHostsLine}\n`);
    const host = (s: Sshd) =>
      `{ host: 127.0.0.1, port: ${s.port}, user: root, identity_file: ${s.clientKey}, known_hosts: ${join(home.home, 'fleet_known_hosts')} }`;
    const app = join(home.home, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'VERSION'), '2.0\n');
    const dest = join(blue.dir, 'apps', 'bookstore_api');
    const runbook = await yamlRunbook(`
name: ssh-drill
hosts:
  blue: ${host(blue)}
  green: ${host(green)}
vars: { greeting: "hello; rm -rf /" }
steps:
  - id: deploy-blue
    ssh: { host: blue, upload: { from: ${app}, to: ${dest} }, run: "cat ${dest}/VERSION" }
  - id: restart-blue
    ssh: { host: blue, run: "echo {{ vars.greeting }}", sudo: true }
  - id: both
    ssh: { host: [blue, green], run: "echo up" }
`);
    const before = { blue: blue.connections(), green: green.connections(), sessions: blue.sessions() };
    const r = await drill(runbook, {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home.home },
    });
    expect(r.end).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(r.output('deploy-blue')).toContain('2.0\n');
    // The var is inserted shell-quoted: printed, not run.
    expect(r.output('restart-blue')).toContain('hello; rm -rf /\n');
    expect(r.ends.get('both')?.parts).toMatchObject([
      { label: 'blue', status: 'passed' },
      { label: 'green', status: 'passed' },
    ]);
    const labels = r.events
      .filter((e) => e.type === 'output' && e.stepId === 'both')
      .map((e) => e.type === 'output' && e.label);
    expect(new Set(labels)).toEqual(new Set(['blue', 'green']));
    expect(readFileSync(join(dest, 'VERSION'), 'utf8')).toBe('2.0\n');
    // sshd's own log: every step opened its sessions (sftp, exec) on one connection per host.
    for (let i = 0; i < 100 && blue.sessions() - before.sessions < 4; i++) await sleep(20);
    expect(blue.sessions() - before.sessions).toBe(4);
    expect(blue.connections() - before.blue).toBe(1);
    expect(green.connections() - before.green).toBe(1);
  });
});
