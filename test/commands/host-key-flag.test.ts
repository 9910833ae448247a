import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { capturingIo } from '../faults/in-process.js';
import { makeHome } from '../support/ssh-context.js';
import { type Sshd, sshdTestsEnabled, startSshd } from '../support/sshd.js';

// --accept-new-host-keys is the ssh action's own declaration: the command line offers it
// because ssh declares it, and its value reaches the action through ctx.flags.
describe.runIf(sshdTestsEnabled())('--accept-new-host-keys from the command line to the ssh action', () => {
  let blue: Sshd;
  let home: ReturnType<typeof makeHome>;
  beforeAll(async () => {
    blue = await startSshd();
    home = makeHome();
  });
  afterAll(async () => {
    await blue?.stop();
    home?.cleanup();
  });

  it('without it an unknown key fails the step; with it the key is trusted and recorded', async () => {
    const file = join(home.home, 'drill.yaml');
    writeFileSync(
      file,
      `name: host-keys
hosts:
  blue: { host: "${blue.host}", port: ${blue.port}, user: root, identity_file: "${blue.clientKey}" }
steps:
  - { id: hello, ssh: { host: blue, run: echo ok } }
`,
    );
    const run = async (...extra: string[]) => {
      const { io, out } = capturingIo(home.home, { HOME: home.home });
      const code = await main(['run', file, '--headless', '--yes', ...extra], io);
      return { code, ...out };
    };
    const refused = await run();
    expect(refused.code, refused.stdout + refused.stderr).toBe(1);
    expect(refused.stdout).toContain('--accept-new-host-keys');
    const accepted = await run('--accept-new-host-keys');
    expect(accepted.code, accepted.stdout + accepted.stderr).toBe(0);
    expect(readFileSync(join(home.home, '.ssh', 'known_hosts'), 'utf8')).toContain(blue.knownHostsLine);
  });
});
