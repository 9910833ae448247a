import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshAction } from '../../src/actions/ssh.js';
import type { ActionResult } from '../../src/plugin/contract.js';
import { processesMatching } from '../support/cli.js';
import { makeHome, makeRun } from '../support/ssh-context.js';
import { type Sshd, sshdTestsEnabled, startSshd } from '../support/sshd.js';

/**
 * Real sshd, real ssh_config files, real ssh-agent: drillbook reaches (or refuses) each host
 * the way `ssh HOST` does. Every host here is reached by its ssh_config alias only.
 */
const reason = (r: ActionResult) => (r.ok ? '' : r.reason);

function keygen(file: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test', '-f', file]);
  return file;
}

describe.runIf(sshdTestsEnabled())('reaching hosts as ssh does', () => {
  let sshd: Sshd;
  let home: ReturnType<typeof makeHome>;
  let agent: ChildProcess | undefined;
  const config = () => join(home.home, '.ssh', 'config');
  const hostKey = () => sshd.knownHostsLine.split(' ').slice(1).join(' ');

  beforeAll(async () => {
    // MaxAuthTries 3: a crowded agent runs out of tries before the right key, as in production.
    sshd = await startSshd({ extraConfig: ['MaxAuthTries 3'] });
    home = makeHome();
  });
  afterAll(async () => {
    agent?.kill();
    await sshd?.stop();
    home?.cleanup();
  });

  /** Runs `echo ok` on runbook host `h` (whose host: is the alias `alias`) with the home's ssh config. */
  async function echo(alias: string, env: Record<string, string> = {}) {
    const t = makeRun({ hosts: { h: { host: alias } }, home: home.home, env });
    try {
      const result = await sshAction.run(sshAction.parse({ host: 'h', run: 'echo ok' }), t.ctx);
      return { result, stdout: t.text('stdout'), info: t.text('info') };
    } finally {
      await t.close();
    }
  }

  /** An ssh-agent holding `keys` in this order, listening on a socket in the home. */
  async function startAgent(keys: string[]): Promise<string> {
    const socket = join(home.home, `agent-${keys.length}.sock`);
    agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync('ssh-add', ['-l'], { env: { SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
        break;
      } catch (error) {
        // Exit 1 = agent up with no keys; 2 = not listening yet.
        if ((error as { status?: number }).status === 1) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    for (const key of keys) execFileSync('ssh-add', ['-q', key], { env: { SSH_AUTH_SOCK: socket } });
    return socket;
  }

  it('checks the host key in the files UserKnownHostsFile names (several), not ~/.ssh/known_hosts', async () => {
    const fleet = join(home.home, 'fleet_known_hosts');
    writeFileSync(fleet, `[127.0.0.1]:${sshd.port} ${hostKey()}\n`);
    writeFileSync(
      config(),
      `Host fleet\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  IdentityFile ${sshd.clientKey}\n` +
        `  UserKnownHostsFile ${join(home.home, 'absent_known_hosts')} ${fleet}\n`,
    );
    const { result, stdout } = await echo('fleet');
    expect(reason(result)).toBe('');
    expect(stdout).toBe('ok\n');
  });

  it('finds a hashed entry for a HostName written in capitals, and one filed under HostKeyAlias', async () => {
    const hashed = join(home.home, 'hashed_known_hosts');
    writeFileSync(hashed, `[localhost]:${sshd.port} ${hostKey()}\nprod-db ${hostKey()}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', hashed]);
    expect(readFileSync(hashed, 'utf8')).not.toContain('localhost');
    writeFileSync(
      config(),
      `Host caps alias\n  HostName LOCALHOST\n  Port ${sshd.port}\n  User root\n  IdentityFile ${sshd.clientKey}\n` +
        `  UserKnownHostsFile ${hashed}\nHost alias\n  HostName 127.0.0.1\n  HostKeyAlias Prod-DB\n`,
    );
    expect(reason((await echo('caps')).result)).toBe('');
    expect(reason((await echo('alias')).result)).toBe('');
  });

  it('StrictHostKeyChecking no accepts a new key but still refuses a changed one, and says so', async () => {
    const kh = join(home.home, 'strict_no_known_hosts');
    writeFileSync(kh, '');
    writeFileSync(
      config(),
      `Host lax\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  IdentityFile ${sshd.clientKey}\n` +
        `  UserKnownHostsFile ${kh}\n  StrictHostKeyChecking no\n`,
    );
    const first = await echo('lax');
    expect(reason(first.result)).toBe('');
    expect(first.info).toContain(`added to ${kh}`);
    const other = readFileSync(`${keygen(join(home.home, 'other_host_key'))}.pub`, 'utf8').split(' ');
    writeFileSync(kh, `[127.0.0.1]:${sshd.port} ${other[0]} ${other[1]}\n`);
    const changed = reason((await echo('lax')).result);
    expect(changed).toContain('HOST KEY CHANGED for h');
    expect(changed).toContain('StrictHostKeyChecking no does not make drillbook accept a changed key');
  });

  it('IdentitiesOnly: with five keys in the agent and MaxAuthTries 3, offers only the IdentityFile key', async () => {
    const decoys = [1, 2, 3, 4].map((i) => keygen(join(home.home, `decoy_${i}`)));
    const socket = await startAgent([...decoys, sshd.clientKey]);
    const base = `  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  UserKnownHostsFile ${join(home.home, 'kh_only')}\n`;
    writeFileSync(join(home.home, 'kh_only'), `[127.0.0.1]:${sshd.port} ${hostKey()}\n`);
    writeFileSync(
      config(),
      `Host only\n${base}  IdentitiesOnly yes\n  IdentityFile ${sshd.clientKey}\n` +
        `Host crowded\n${base}  IdentityFile ${join(home.home, 'no_such_key')}\n`,
    );
    const only = await echo('only', { SSH_AUTH_SOCK: socket });
    expect(reason(only.result)).toBe('');
    // Without IdentitiesOnly the agent's decoys use up MaxAuthTries, as with ssh itself.
    expect(reason((await echo('crowded', { SSH_AUTH_SOCK: socket })).result)).toMatch(
      /authentication failed|Too many/i,
    );
  });

  it('a missing IdentityFile is skipped with a note when the agent holds the key (Jenkins sshagent)', async () => {
    agent?.kill();
    const socket = await startAgent([sshd.clientKey]);
    writeFileSync(join(home.home, 'kh_agent'), `[127.0.0.1]:${sshd.port} ${hostKey()}\n`);
    writeFileSync(
      config(),
      `Host ci\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  UserKnownHostsFile ${join(home.home, 'kh_agent')}\n` +
        `  IdentityFile ${join(home.home, '.ssh', 'jenkins_deploy_key')}\n`,
    );
    const { result, info } = await echo('ci', { SSH_AUTH_SOCK: socket });
    expect(reason(result)).toBe('');
    expect(info).toContain(`skipped key file ${join(home.home, '.ssh', 'jenkins_deploy_key')} (ENOENT)`);
  });

  it('ProxyCommand ssh -W through a bastion: the connection runs over it; its process group ends with the run', async () => {
    const kh = join(home.home, 'kh_proxy');
    writeFileSync(kh, `[127.0.0.1]:${sshd.port} ${hostKey()}\n`);
    const common = `  User root\n  IdentityFile ${sshd.clientKey}\n  UserKnownHostsFile ${kh}\n  StrictHostKeyChecking yes\n  BatchMode yes\n`;
    writeFileSync(
      config(),
      `Host bastion\n  HostName 127.0.0.1\n  Port ${sshd.port}\n${common}` +
        // The target's name resolves nowhere: only the bastion (through -W) can reach it.
        `Host behind\n  HostName 127.0.0.1\n  Port ${sshd.port}\n${common}  ProxyCommand ssh -F ${config()} -W %h:%p bastion\n`,
    );
    const before = sshd.connections();
    const t = makeRun({ hosts: { h: { host: 'behind' } }, home: home.home });
    let during: string[] = [];
    try {
      const result = await sshAction.run(sshAction.parse({ host: 'h', run: 'echo ok' }), t.ctx);
      expect(reason(result)).toBe('');
      expect(t.text('stdout')).toBe('ok\n');
      during = processesMatching(`-W 127.0.0.1:${sshd.port} bastion`);
    } finally {
      await t.close();
    }
    // Two connections reached sshd: the bastion's (ssh -W) and drillbook's, tunnelled through it.
    expect(sshd.connections() - before).toBe(2);
    expect(during.length).toBeGreaterThan(0);
    await expect
      .poll(() => processesMatching(`-W 127.0.0.1:${sshd.port} bastion`), { timeout: 10_000 })
      .toEqual([]);
  });
});

describe('ProxyCommand tokens are data', () => {
  it('a ProxyCommand that fails says why, in its own words', async () => {
    const home = makeHome();
    try {
      writeFileSync(
        join(home.home, '.ssh', 'config'),
        'Host gone\n  ProxyCommand sh -c \'echo "An error occurred (TargetNotConnected) for %h" >&2; exit 254\'\n',
      );
      const t = makeRun({ hosts: { h: { host: 'gone' } }, home: home.home });
      try {
        const result = await sshAction.run(sshAction.parse({ host: 'h', run: 'true' }), t.ctx);
        expect(reason(result)).toContain('which said: An error occurred (TargetNotConnected) for gone');
      } finally {
        await t.close();
      }
    } finally {
      home.cleanup();
    }
  });

  // OpenSSH's ssh -G refuses such a name itself; the built-in reader (no ssh binary) does not.
  it.each([
    ['ssh -G', process.env['PATH'] ?? '', /ssh -G .* failed: hostname contains invalid characters/],
    ['the built-in reader', '', /ProxyCommand for h: %h would be 'x\$\(touch .*not running it/],
  ])(
    'refuses to run a ProxyCommand whose %%h would carry shell syntax (%s)',
    async (_name, path, expected) => {
      const home = makeHome();
      try {
        const marker = join(home.home, 'pwned');
        writeFileSync(join(home.home, '.ssh', 'config'), 'Host *\n  ProxyCommand touch %h.proxy\n');
        const t = makeRun({
          hosts: { h: { host: `x$(touch ${marker})` } },
          home: home.home,
          env: { PATH: path },
        });
        try {
          const result = await sshAction.run(sshAction.parse({ host: 'h', run: 'true' }), t.ctx);
          expect(reason(result)).toMatch(expected);
        } finally {
          await t.close();
        }
        expect(() => readFileSync(marker)).toThrow();
      } finally {
        home.cleanup();
      }
    },
  );
});

describe.runIf(sshdTestsEnabled())('encrypted key files', () => {
  it('opens an encrypted IdentityFile with the SSH_ASKPASS program, as ssh does without a terminal', async () => {
    const sshd = await startSshd();
    const home = makeHome([sshd.knownHostsLine]);
    try {
      const locked = join(home.home, 'locked_key');
      execFileSync('cp', [sshd.clientKey, locked]);
      execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'open sesame', '-f', locked]);
      const askpass = join(home.home, 'askpass.sh');
      writeFileSync(askpass, '#!/bin/sh\necho "$1" > "$0.prompt"\necho "open sesame"\n', { mode: 0o700 });
      writeFileSync(
        join(home.home, '.ssh', 'config'),
        `Host locked\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  IdentityFile ${locked}\n`,
      );
      const run = async (env: Record<string, string>) => {
        const t = makeRun({ hosts: { h: { host: 'locked' } }, home: home.home, env });
        try {
          return await sshAction.run(sshAction.parse({ host: 'h', run: 'true' }), t.ctx);
        } finally {
          await t.close();
        }
      };
      expect(reason(await run({}))).toContain(
        `key file ${locked} is encrypted and no passphrase is available`,
      );
      expect(reason(await run({ SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force' }))).toBe('');
      expect(readFileSync(`${askpass}.prompt`, 'utf8')).toBe(`Enter passphrase for key '${locked}': \n`);
    } finally {
      await sshd.stop();
      home.cleanup();
    }
  });
});
