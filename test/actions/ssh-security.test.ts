import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshAction } from '../../src/actions/ssh.js';
import type { ActionResult } from '../../src/plugin/contract.js';
import { hostFor, makeHome, makeRun } from '../support/ssh-context.js';
import { type Sshd, sshdTestsEnabled, startSshd } from '../support/sshd.js';

type RunOptions = Parameters<typeof makeRun>[0];

/** Runs `echo ok` on blue with a fresh run context; returns the result and the collected output. */
async function echo(options: RunOptions): Promise<{ result: ActionResult; stdout: string; info: string }> {
  const t = makeRun(options);
  try {
    const result = await sshAction.run(sshAction.parse({ host: 'blue', run: 'echo ok' }), t.ctx);
    return { result, stdout: t.text('stdout'), info: t.text('info') };
  } finally {
    await t.close();
  }
}

const reason = (r: ActionResult) => (r.ok ? '' : r.reason);

function keygen(file: string, passphrase = ''): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'test', '-f', file]);
  return file;
}

describe.runIf(sshdTestsEnabled())('ssh host keys and authentication', () => {
  let blue: Sshd;
  let green: Sshd;
  let home: ReturnType<typeof makeHome>;
  const known = () => join(home.home, '.ssh', 'known_hosts');

  beforeAll(async () => {
    [blue, green] = await Promise.all([startSshd(), startSshd()]);
    home = makeHome();
  });
  afterAll(async () => {
    await Promise.all([blue?.stop(), green?.stop()]);
    home?.cleanup();
  });

  it('refuses an unknown host key, naming its fingerprint and the flag', async () => {
    writeFileSync(known(), '');
    const { result } = await echo({ hosts: { blue: hostFor(blue) }, home: home.home });
    expect(reason(result)).toContain(`host key of blue ([127.0.0.1]:${blue.port}) is not known`);
    expect(reason(result)).toContain(`ssh-ed25519 key ${blue.fingerprint}`);
    expect(reason(result)).toContain('--accept-new-host-keys');
    expect(blue.log()).not.toMatch(/Accepted publickey/);
  });

  it('with acceptNewHostKeys accepts a new key and appends it to ~/.ssh/known_hosts', async () => {
    writeFileSync(known(), '# comment without a trailing newline');
    const first = await echo({ hosts: { blue: hostFor(blue) }, home: home.home, acceptNewHostKeys: true });
    expect(first.result.ok).toBe(true);
    expect(first.info).toContain(`accepted new host key for blue ([127.0.0.1]:${blue.port})`);
    expect(readFileSync(known(), 'utf8')).toBe(
      `# comment without a trailing newline\n${blue.knownHostsLine}\n`,
    );
    // Now known: a run without the flag connects.
    expect((await echo({ hosts: { blue: hostFor(blue) }, home: home.home })).result.ok).toBe(true);
  });

  it('refuses a changed host key even with acceptNewHostKeys, with the fingerprint and the line', async () => {
    const other = keygen(join(home.home, 'other_host_key'));
    const otherPub = readFileSync(`${other}.pub`, 'utf8').split(' ');
    writeFileSync(known(), `[127.0.0.1]:${blue.port} ${otherPub[0]} ${otherPub[1]}\n`);
    const { result } = await echo({
      hosts: { blue: hostFor(blue) },
      home: home.home,
      acceptNewHostKeys: true,
    });
    expect(reason(result)).toMatch(/^HOST KEY CHANGED for blue/);
    expect(reason(result)).toContain(
      `presented ssh-ed25519 key ${blue.fingerprint}, which does not match ${known()}:1`,
    );
    expect(reason(result)).toContain(`ssh-keygen -R '[127.0.0.1]:${blue.port}'`);
    expect(readFileSync(known(), 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });

  it("accepts hashed known_hosts entries (ssh-keygen -H) and the host's own known_hosts file", async () => {
    writeFileSync(known(), `${blue.knownHostsLine}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', known()], { stdio: 'ignore' });
    expect(readFileSync(known(), 'utf8')).toMatch(/^\|1\|/);
    expect((await echo({ hosts: { blue: hostFor(blue) }, home: home.home })).result.ok).toBe(true);

    writeFileSync(known(), '');
    writeFileSync(join(home.home, 'fleet_known_hosts'), `${blue.knownHostsLine}\n`);
    const withFile = { ...hostFor(blue), knownHosts: 'fleet_known_hosts' };
    expect((await echo({ hosts: { blue: withFile }, home: home.home })).result.ok).toBe(true);
  });

  describe('with the host key known', () => {
    beforeAll(() => writeFileSync(known(), `${blue.knownHostsLine}\n${green.knownHostsLine}\n`));

    it('a key the server does not accept fails, listing the methods tried', async () => {
      const wrong = keygen(join(home.home, 'wrong_key'));
      const { result } = await echo({
        hosts: { blue: { ...hostFor(blue), identityFile: wrong } },
        home: home.home,
      });
      expect(reason(result)).toBe(
        `authentication failed for blue (root@127.0.0.1:${blue.port}): tried publickey ${wrong}; the server accepts: publickey. ` +
          'Add your public key to ~root/.ssh/authorized_keys on the host, set identity_file, or load the key into ssh-agent.',
      );
    });

    it('an unreadable or passphrase-protected key file fails before connecting, saying what to do', async () => {
      const missing = await echo({
        hosts: { blue: { ...hostFor(blue), identityFile: 'nope/id_ed25519' } },
        home: home.home,
      });
      expect(reason(missing.result)).toBe(
        `cannot read key file ${join(home.home, 'nope/id_ed25519')} (ENOENT) for blue: fix identity_file or ~/.ssh/config IdentityFile`,
      );
      const locked = keygen(join(home.home, 'locked_key'), 'correct horse');
      const before = blue.connections();
      const encrypted = await echo({
        hosts: { blue: { ...hostFor(blue), identityFile: locked } },
        home: home.home,
      });
      expect(reason(encrypted.result)).toBe(
        `key file ${locked} is encrypted and no passphrase is available: load it into ssh-agent (ssh-add ${locked}) ` +
          'and set SSH_AUTH_SOCK, or set DRILLBOOK_SSH_PASSPHRASE',
      );
      expect(blue.connections()).toBe(before);
      // With the passphrase the same key works (once the server trusts it).
      writeFileSync(join(blue.dir, 'authorized_keys'), readFileSync(`${locked}.pub`), { flag: 'a' });
      const unlocked = await echo({
        hosts: { blue: { ...hostFor(blue), identityFile: locked } },
        home: home.home,
        env: { DRILLBOOK_SSH_PASSPHRASE: 'correct horse' },
      });
      expect(unlocked.result.ok).toBe(true);
    });

    it('authenticates through ssh-agent (SSH_AUTH_SOCK) with no key file configured', async () => {
      const sock = join(home.home, 'agent.sock');
      const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
      try {
        for (let i = 0; i < 100 && !existsSafe(sock); i++) await sleep(20);
        execFileSync('ssh-add', ['-q', blue.clientKey], {
          env: { ...process.env, SSH_AUTH_SOCK: sock },
          stdio: 'ignore',
        });
        const { identityFile: _, ...noKey } = hostFor(blue);
        const { result, stdout } = await echo({
          hosts: { blue: noKey },
          home: home.home,
          env: { SSH_AUTH_SOCK: sock },
        });
        expect(result.ok).toBe(true);
        expect(stdout).toBe('ok\n');
      } finally {
        agent.kill();
      }
    });

    it('merges ~/.ssh/config: an alias gets HostName, Port, User and IdentityFile from it', async () => {
      writeFileSync(
        join(home.home, '.ssh', 'config'),
        [
          'Host *.staging',
          '  User nobody-else',
          `Host blue-alias`,
          '  HostName 127.0.0.1',
          `  Port ${blue.port}`,
          '  User root',
          `  IdentityFile ${blue.clientKey}`,
          '',
        ].join('\n'),
      );
      const { result, stdout } = await echo({ hosts: { blue: { host: 'blue-alias' } }, home: home.home });
      expect(result.ok).toBe(true);
      expect(stdout).toBe('ok\n');
    });

    it('reaches a host through a jump host (ProxyJump / jump:)', async () => {
      const before = { blue: blue.connections(), green: green.connections() };
      const t = makeRun({
        hosts: { blue: hostFor(blue), green: { ...hostFor(green), jump: 'blue' } },
        home: home.home,
      });
      const result = await sshAction.run(
        sshAction.parse({ host: 'green', run: 'echo "$SSH_CONNECTION"' }),
        t.ctx,
      );
      await t.close();
      expect(result.ok).toBe(true);
      expect(t.text('stdout')).toMatch(new RegExp(` ${green.port}\\n$`));
      expect(blue.connections() - before.blue).toBe(1);
    });

    it('names DNS failures', async () => {
      const { result } = await echo({
        hosts: { blue: { ...hostFor(blue), host: 'no-such-host.invalid' } },
        home: home.home,
      });
      expect(reason(result)).toMatch(
        /^cannot resolve host name 'no-such-host\.invalid' for blue: check hosts\.blue\.host/,
      );
    });
  });
});

function existsSafe(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
