import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planCommand } from '../../src/commands/plan.js';
import type { PlannedHost } from '../../src/commands/plan-hosts.js';

/**
 * `plan --json` against OpenSSH itself, config by config, field by field. The expectations come
 * from `ssh -G` (hostname, port, user, proxies, known_hosts, StrictHostKeyChecking) and from
 * `ssh -v` with a do-nothing ProxyCommand (the identity files as ssh expands them), run here in
 * the test: nothing below is a hand-written answer.
 */
const dir = mkdtempSync(join(tmpdir(), 'drillbook-sshg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const home = userInfo().homedir;
mkdirSync(join(dir, 'inc'), { recursive: true });
writeFileSync(join(dir, 'inc', 'a.conf'), 'Host inc-a\n  HostName a.included.example\n  Port 2201\n');
writeFileSync(join(dir, 'inc', 'b.conf'), 'Host inc-b\n  User from-include\n');
writeFileSync(join(dir, 'inside.conf'), 'User included-inside\nPort 2299\n');

interface Case {
  name: string;
  config: string;
  /** Runbook hosts: name → { host, user?, port? }. */
  hosts: Record<string, { host: string; user?: string; port?: number }>;
}

const CASES: Case[] = [
  {
    name: 'plain Host block with HostName, User, Port',
    config: 'Host blue\n  HostName 54.213.54.171\n  User ubuntu\n  Port 2222\n',
    hosts: { blue: { host: 'blue' }, other: { host: 'other.example' } },
  },
  {
    name: 'Key=Value syntax and quoted values',
    config: 'Host=green\n  HostName=52.11.79.9\n  User="deploy"\n  IdentityFile "~/.ssh/with space"\n',
    hosts: { green: { host: 'green' } },
  },
  {
    name: 'Host patterns are case-sensitive',
    config: 'Host Blue\n  User capital\nHost blue\n  User lower\n',
    hosts: { blue: { host: 'blue' }, Blue: { host: 'Blue' } },
  },
  {
    name: 'wildcards, negation and first value wins',
    config: 'Host *.prod !secret.prod\n  User ops\nHost *\n  User fallback\n  Port 2022\n',
    hosts: { api: { host: 'api.prod' }, secret: { host: 'secret.prod' }, dev: { host: 'dev.test' } },
  },
  {
    name: 'tokens in HostName, HostName in capitals',
    config: 'Host *.int\n  HostName %h.Corp.EXAMPLE.com\nHost caps\n  HostName CAPS.Example.COM\n',
    hosts: { db: { host: 'db.int' }, caps: { host: 'caps' } },
  },
  {
    name: 'Match host on the HostName, after substitution',
    config: 'Host web\n  HostName 10.0.0.5\nMatch host 10.0.0.*\n  User internal\n  Port 2200\n',
    hosts: { web: { host: 'web' } },
  },
  {
    name: 'Match originalhost',
    config: 'Host alias\n  HostName real.example\nMatch originalhost alias\n  User via-alias\n',
    hosts: { alias: { host: 'alias' }, real: { host: 'real.example' } },
  },
  {
    name: 'Match exec true and false',
    config: 'Match exec "true"\n  User exec-yes\nMatch exec "false"\n  Port 2999\nHost *\n  Port 2001\n',
    hosts: { any: { host: 'any.example' } },
  },
  {
    name: 'Match all',
    config: 'Host special\n  Port 2100\nMatch all\n  User everyone\n  Port 2200\n',
    hosts: { special: { host: 'special' }, plain: { host: 'plain' } },
  },
  {
    name: 'Match user with the runbook user',
    config: 'Match user admin\n  Port 2345\nHost *\n  IdentityFile ~/.ssh/%r_key\n',
    hosts: { a: { host: 'h.example', user: 'admin' }, b: { host: 'h.example', user: 'other' } },
  },
  {
    name: 'Match canonical and final',
    config: 'Match canonical\n  User canon\nMatch final host *.example\n  Port 2444\n',
    hosts: { x: { host: 'x.example' } },
  },
  {
    name: 'Include with a glob',
    config: `Include ${join(dir, 'inc')}/*.conf\nHost *\n  User default-user\n`,
    hosts: { a: { host: 'inc-a' }, b: { host: 'inc-b' } },
  },
  {
    name: 'Include inside a Host block applies only to that host',
    config: `Host scoped\n  Include ${join(dir, 'inside.conf')}\nHost *\n  User outside\n`,
    hosts: { scoped: { host: 'scoped' }, other: { host: 'unscoped' } },
  },
  {
    name: 'runbook user and port win over the config',
    config: 'Host blue\n  User config-user\n  Port 2222\n',
    hosts: { blue: { host: 'blue', user: 'runbook-user', port: 2020 } },
  },
  {
    name: '%n, %h, %r, %d and %% in IdentityFile',
    config:
      'Host k\n  HostName key.example\n  User kuser\n  IdentityFile ~/.ssh/%n\n  IdentityFile %d/.ssh/%h_%r\n  IdentityFile /keys/100%%\n',
    hosts: { k: { host: 'k' } },
  },
  {
    name: 'duplicate and relative IdentityFile lines',
    config:
      'Host d\n  IdentityFile ~/.ssh/id_dup\n  IdentityFile keys/relative\nHost *\n  IdentityFile ~/.ssh/id_dup\n',
    hosts: { d: { host: 'd' } },
  },
  {
    name: 'ProxyJump through an alias',
    config:
      'Host bastion\n  HostName 198.51.100.7\n  User jump\n  Port 2022\nHost app\n  HostName 10.1.1.1\n  ProxyJump bastion\n',
    hosts: { app: { host: 'app' } },
  },
  {
    name: 'ProxyJump chain with user@host:port hops',
    config:
      'Host inner\n  HostName 10.2.2.2\n  ProxyJump edge@203.0.113.9:2200,hop2\nHost hop2\n  HostName 10.0.0.9\n  User hopper\n',
    hosts: { inner: { host: 'inner' } },
  },
  {
    name: 'ProxyCommand ssh -W and aws ssm',
    config:
      'Host i-*\n  User ec2-user\n  ProxyCommand aws ssm start-session --target %h --document-name AWS-StartSSHSession --parameters portNumber=%p\nHost behind\n  ProxyCommand ssh -W %h:%p bastion\n',
    hosts: { ssm: { host: 'i-0123456789abcdef0' }, behind: { host: 'behind' } },
  },
  {
    name: 'known_hosts options: several UserKnownHostsFile, GlobalKnownHostsFile, HostKeyAlias',
    config: `Host kh\n  UserKnownHostsFile ~/.ssh/kh_one ${join(dir, 'kh_two')}\n  GlobalKnownHostsFile ${join(dir, 'global_kh')}\n  HostKeyAlias Prod-DB\n`,
    hosts: { kh: { host: 'kh' } },
  },
  {
    name: 'StrictHostKeyChecking yes, no, accept-new',
    config:
      'Host s-yes\n  StrictHostKeyChecking yes\nHost s-no\n  StrictHostKeyChecking no\nHost s-new\n  StrictHostKeyChecking accept-new\n',
    hosts: { yes: { host: 's-yes' }, no: { host: 's-no' }, new: { host: 's-new' }, ask: { host: 's-ask' } },
  },
  {
    name: 'IdentitiesOnly with Host * defaults at the end',
    config:
      'Host prod-*\n  IdentitiesOnly yes\n  IdentityFile ~/.ssh/prod\nHost *\n  User me\n  IdentityFile ~/.ssh/id_ed25519\n',
    hosts: { p: { host: 'prod-1' }, q: { host: 'qa-1' } },
  },
  {
    name: 'an empty config: OpenSSH defaults',
    config: '# nothing\n',
    hosts: { bare: { host: 'bare.example' } },
  },
];

describe('plan --json agrees with ssh -G', () => {
  it.each(CASES.map((c, i) => [i + 1, c.name, c] as const))('config %i: %s', async (i, _name, c) => {
    await compare(c, i, 'openssh');
  });
});

// The fallback where no `ssh` binary exists does not evaluate `Match`; everywhere else it must
// agree with OpenSSH just the same.
describe('without an ssh binary, the built-in reader agrees with ssh -G on configs without Match', () => {
  const cases = CASES.map((c, i) => [i + 1, c.name, c] as const).filter(
    ([, , c]) => !/^Match /m.test(c.config),
  );
  it.each(cases)('config %i: %s', async (i, _name, c) => {
    await compare(c, i, 'builtin');
  });
});

async function compare(c: Case, i: number, resolver: 'openssh' | 'builtin'): Promise<void> {
  const config = join(dir, `config-${i}`);
  writeFileSync(config, c.config);
  const plan = await planJson(c, config, i, resolver === 'openssh' ? process.env['PATH'] : '');
  for (const [name, spec] of Object.entries(c.hosts)) {
    const got = plan.find((h) => h.name === name);
    expect(got, name).toBeDefined();
    expect({ name, ...pick(got!) }).toEqual({ name, ...oracle(config, spec), resolver });
  }
}

function pick(h: PlannedHost) {
  return {
    resolver: h.resolver,
    hostname: h.hostname,
    port: h.port,
    user: h.user,
    proxy_jump: h.proxy_jump,
    proxy_command: h.proxy_command,
    identity_files: h.identity_files,
    known_hosts_files: h.known_hosts_files,
    strict_host_key_checking: h.strict_host_key_checking,
  };
}

async function planJson(
  c: Case,
  config: string,
  i: number,
  path: string | undefined,
): Promise<PlannedHost[]> {
  const runbook = join(dir, `runbook-${i}.yaml`);
  const hosts = Object.entries(c.hosts)
    .map(([name, h]) => `  ${JSON.stringify(name)}: ${JSON.stringify(h)}\n`)
    .join('');
  writeFileSync(runbook, `name: table-${i}\nhosts:\n${hosts}steps:\n  - { id: s, run: "true" }\n`);
  let out = '';
  let err = '';
  const code = await planCommand(
    runbook,
    undefined,
    {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
      stdin: {},
      // HOME is the account's home, as OpenSSH's own `~`; DRILLBOOK_SSH_CONFIG is `ssh -F`.
      env: { PATH: path, HOME: home, USER: userInfo().username, DRILLBOOK_SSH_CONFIG: config },
      cwd: process.cwd(),
    },
    true,
  );
  expect(err).toBe('');
  expect(code).toBe(0);
  return (JSON.parse(out) as { hosts: PlannedHost[] }).hosts;
}

/** What OpenSSH says for one runbook host: `ssh -G` fields, `ssh -v` identity files. */
function oracle(config: string, spec: { host: string; user?: string; port?: number }) {
  const g = sshG(config, spec.host, spec.user, spec.port);
  const jump = g.get('proxyjump')?.[0];
  const command = g.get('proxycommand')?.[0];
  const strict = g.get('stricthostkeychecking')?.[0];
  return {
    hostname: g.get('hostname')?.[0],
    port: Number(g.get('port')?.[0]),
    user: g.get('user')?.[0],
    proxy_jump: jump ? jumpHops(config, jump) : [],
    proxy_command: command && command !== 'none' && !jump ? command : null,
    identity_files: identityFiles(config, spec),
    known_hosts_files: [
      ...(g.get('userknownhostsfile')?.[0] ?? '').split(' '),
      ...(g.get('globalknownhostsfile')?.[0] ?? '').split(' '),
    ],
    strict_host_key_checking: { true: 'yes', false: 'no' }[strict as 'true'] ?? strict,
  };
}

/** Each hop of a ProxyJump as ssh reaches it: `ssh -G` of the hop, with its user and port. */
function jumpHops(config: string, chain: string): string[] {
  return chain.split(',').map((hop) => {
    const m = /^(?:([^@]+)@)?([^:]+)(?::(\d+))?$/.exec(hop)!;
    const g = sshG(config, m[2]!, m[1], m[3] ? Number(m[3]) : undefined);
    return `${g.get('user')?.[0]}@${g.get('hostname')?.[0]}:${g.get('port')?.[0]}`;
  });
}

function sshG(config: string, host: string, user?: string, port?: number): Map<string, string[]> {
  const args = [
    '-G',
    '-F',
    config,
    ...(user ? ['-l', user] : []),
    ...(port ? ['-p', String(port)] : []),
    host,
  ];
  const map = new Map<string, string[]>();
  for (const line of execFileSync('ssh', args, { encoding: 'utf8' }).split('\n')) {
    const at = line.indexOf(' ');
    if (at > 0) map.set(line.slice(0, at), [...(map.get(line.slice(0, at)) ?? []), line.slice(at + 1)]);
  }
  return map;
}

/**
 * The identity files ssh loads, expanded by ssh itself: `ssh -v` logs them after running the
 * ProxyCommand (here `true`, so nothing is reached). Relative ones resolve against the working
 * directory, as ssh opens them.
 */
function identityFiles(config: string, spec: { host: string; user?: string; port?: number }): string[] {
  const args = ['-v', '-F', config, '-o', 'ProxyCommand=true', '-o', 'ProxyJump=none', '-o', 'BatchMode=yes'];
  if (spec.user) args.push('-l', spec.user);
  if (spec.port) args.push('-p', String(spec.port));
  const run = spawnSync('ssh', [...args, spec.host, 'true'], { encoding: 'utf8', timeout: 10_000 });
  return [...run.stderr.matchAll(/^debug1: identity file (.*) type -?\d+$/gm)]
    .map((m) => m[1]!)
    .filter((f) => !f.endsWith('-cert'))
    .map((f) => resolve(process.cwd(), f));
}
