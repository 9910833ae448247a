import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sshPaths } from '../../src/ssh/paths.js';
import { builtinHostConfig } from '../../src/ssh/ssh-config.js';
import { resolveTarget } from '../../src/ssh/target.js';

const home = mkdtempSync(join(tmpdir(), 'drillbook-sshconfig-'));
mkdirSync(join(home, '.ssh', 'config.d'), { recursive: true });
afterAll(() => rmSync(home, { recursive: true, force: true }));

const config = join(home, '.ssh', 'config');
writeFileSync(
  config,
  `# global defaults come first
Include config.d/*.conf

Host bastion
  HostName 10.0.0.1
  User jump

Host blue blue.prod
  HostName 54.213.54.171
  User=ubuntu
  Port 2222
  IdentityFile ~/.ssh/blue_ed25519
  ProxyJump bastion

Host *.prod !secret.prod
  User ops
  IdentityFile %d/.ssh/prod_%r

Match host green
  User should-not-apply

Host *
  User fallback
  IdentityFile "~/.ssh/with space"
`,
);
writeFileSync(
  join(home, '.ssh', 'config.d', 'green.conf'),
  'Host green\n  HostName 52.11.79.9\n  Port 2200\n',
);

const lookupSshConfig = (file: string, host: string, h: string) => builtinHostConfig(file, { host }, h, 'me');
/** No `ssh` on PATH: drillbook's built-in reader (the fallback) answers. */
const noSsh = { PATH: '' };

describe('built-in ~/.ssh/config reader (the fallback where no ssh binary exists)', () => {
  it('first value wins, IdentityFile accumulates, key=value and quotes are read', () => {
    expect(lookupSshConfig(config, 'blue', home)).toMatchObject({
      hostName: '54.213.54.171',
      user: 'ubuntu',
      port: 2222,
      proxyJump: 'bastion',
      identityFiles: ['~/.ssh/blue_ed25519', '~/.ssh/with space'],
      resolver: 'builtin',
    });
  });

  it('honours wildcards, negation and Include; skips Match blocks', () => {
    expect(lookupSshConfig(config, 'api.prod', home)).toMatchObject({ user: 'ops' });
    expect(lookupSshConfig(config, 'secret.prod', home)).toMatchObject({ user: 'fallback' });
    expect(lookupSshConfig(config, 'green', home)).toMatchObject({
      hostName: '52.11.79.9',
      port: 2200,
      user: 'fallback',
    });
  });

  it('a missing file, or DRILLBOOK_SSH_CONFIG=none, is an empty config', () => {
    expect(lookupSshConfig(join(home, 'absent'), 'blue', home)).toMatchObject({
      hostName: 'blue',
      user: 'me',
      port: 22,
    });
    expect(sshPaths({ HOME: home, DRILLBOOK_SSH_CONFIG: 'none' }).config).toBeUndefined();
  });
});

describe('resolving a runbook host', () => {
  const paths = sshPaths({ HOME: home, USER: 'me' });

  it('runbook fields win over the config; the config fills the rest; jump hosts resolve the same way', () => {
    const target = resolveTarget({ name: 'blue', host: 'blue', port: 22 }, {}, paths, '/runbooks', noSsh);
    expect(target).toMatchObject({
      name: 'blue',
      address: '54.213.54.171',
      port: 22,
      user: 'ubuntu',
      identityFiles: [
        { path: join(home, '.ssh', 'blue_ed25519'), explicit: true },
        { path: join(home, '.ssh', 'with space'), explicit: true },
      ],
      knownHostsFiles: [
        join(home, '.ssh', 'known_hosts'),
        join(home, '.ssh', 'known_hosts2'),
        '/etc/ssh/ssh_known_hosts',
        '/etc/ssh/ssh_known_hosts2',
      ],
      via: { name: 'bastion', address: '10.0.0.1', user: 'jump', port: 22 },
    });
  });

  it('a runbook identity file and known_hosts resolve against the runbook directory; %r expands', () => {
    const t = resolveTarget(
      { name: 'api', host: 'api.prod', identityFile: 'keys/id', knownHosts: 'fleet_known_hosts' },
      {},
      paths,
      '/runbooks',
      noSsh,
    );
    expect(t.identityFiles).toEqual([{ path: '/runbooks/keys/id', explicit: true }]);
    expect(t.knownHostsFiles).toContain('/runbooks/fleet_known_hosts');
    const viaConfig = resolveTarget({ name: 'api', host: 'api.prod' }, {}, paths, '/runbooks', noSsh);
    expect(viaConfig.identityFiles[0]).toEqual({ path: join(home, '.ssh', 'prod_ops'), explicit: true });
  });

  it('jump chains: user@host:port hops and runbook host names, first hop first', () => {
    const t = resolveTarget(
      { name: 'db', host: '10.1.1.1', user: 'admin', jump: 'edge@198.51.100.7:2022,inner' },
      { inner: { name: 'inner', host: '10.0.0.9', user: 'hop' } },
      sshPaths({ HOME: home, USER: 'me', DRILLBOOK_SSH_CONFIG: 'none' }),
      '/runbooks',
      noSsh,
    );
    expect(t.via).toMatchObject({ name: 'inner', address: '10.0.0.9', user: 'hop' });
    expect(t.via?.via).toMatchObject({ address: '198.51.100.7', port: 2022, user: 'edge' });
    expect(t.via?.via?.via).toBeUndefined();
    // No config and no key named: the default ~/.ssh/id_* files are tried if present.
    expect(t.identityFiles.every((f) => !f.explicit)).toBe(true);
  });
});
