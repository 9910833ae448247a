// fanout: one `ssh` step on 100 hosts (4 real sshd with sshd's default MaxStartups, 25 ssh_config
// aliases each, as 100 hosts behind a few sshd) running `sleep 0.2; echo ok`, concurrency 100%
// (one wave), against the slowest of the same step on one host. Cold: every connection opened by
// the step (handshakes paced per address); warm: the same step again over the run's open
// connections. The ratio is the warm one (the scheduler's cost, which should stay close to one
// wave of the slowest host); cold and `ansible -m command -f 100` on the same 100 hosts (when
// ansible is installed) are reported beside it. Runs the TypeScript sources through tsx.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { removeDir, repoRoot, round, runIfMain, tempDir } from './lib/measure.mjs';

const HOSTS = 100;
const SSHDS = 4;
const ROUNDS = 2;
const TARGET = 3;
const COMMAND = 'sleep 0.2; echo ok';

export async function run() {
  const load = (path) => tsImport(join(repoRoot, path), import.meta.url);
  const { haveSshd, startSshd } = await load('test/support/sshd.ts');
  if (!haveSshd)
    return { name: 'fanout', unavailable: '/usr/sbin/sshd missing (apt-get install openssh-server)' };
  const { sshAction } = await load('src/actions/ssh.ts');
  const { makeHome, makeRun } = await load('test/support/ssh-context.ts');
  const sshds = await Promise.all(
    Array.from({ length: SSHDS }, () => startSshd({ defaultMaxStartups: true })),
  );
  const home = makeHome(sshds.map((s) => s.knownHostsLine));
  const work = tempDir('fanout');
  try {
    const key = sshds[0].clientKey;
    for (const s of sshds)
      writeFileSync(join(s.dir, 'authorized_keys'), spawnSync('cat', [`${key}.pub`]).stdout);
    const names = Array.from({ length: HOSTS }, (_, i) => `h-${String(i + 1).padStart(3, '0')}`);
    const sshdOf = (i) => sshds[i % SSHDS];
    writeFileSync(
      join(home.home, '.ssh', 'config'),
      names
        .map(
          (n, i) =>
            `Host ${n}\n  HostName 127.0.0.1\n  Port ${sshdOf(i).port}\n  User root\n  IdentityFile ${key}\n`,
        )
        .join(''),
    );
    const hosts = Object.fromEntries(names.map((n) => [n, { host: n }]));
    const step = (list) => sshAction.parse({ host: list, run: COMMAND, concurrency: '100%' });
    const timed = async (config, t) => {
      const started = process.hrtime.bigint();
      const result = await sshAction.run(config, t.ctx);
      if (!result.ok) throw new Error(`fan-out failed: ${result.reason}`);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const rounds = { single: [], singleWarm: [], cold: [], warm: [], ansible: [] };
    for (let r = 0; r < ROUNDS; r++) {
      // The slowest single host: each of one host per sshd, alone, cold then warm.
      let single = 0;
      let singleWarm = 0;
      for (let s = 0; s < SSHDS; s++) {
        const t = makeRun({ hosts, home: home.home, keep: false });
        single = Math.max(single, await timed(step(names[s]), t));
        singleWarm = Math.max(singleWarm, await timed(step(names[s]), t));
        await t.close();
      }
      rounds.single.push(single);
      rounds.singleWarm.push(singleWarm);
      const t = makeRun({ hosts, home: home.home, keep: false });
      rounds.cold.push(await timed(step(names), t));
      rounds.warm.push(await timed(step(names), t));
      await t.close();
      const ansible = await runAnsible(work, names, sshdOf, key, home.home);
      if (ansible) rounds.ansible.push(ansible);
    }
    const best = (list) =>
      list.length ? Math.min(...list.map((r) => (typeof r === 'number' ? r : r.ms))) : undefined;
    const warm = best(rounds.warm);
    const singleWarm = best(rounds.singleWarm);
    const cold = best(rounds.cold);
    const single = best(rounds.single);
    const ansibleBest = rounds.ansible.length
      ? rounds.ansible.reduce((a, b) => (b.ms < a.ms ? b : a))
      : undefined;
    return {
      name: 'fanout',
      ratio: warm / singleWarm,
      target: TARGET,
      details: {
        unit: 'ms',
        drillbook: warm,
        baseline: singleWarm,
        hosts: HOSTS,
        sshds: SSHDS,
        waves: 1,
        warmRatio: round(warm / singleWarm, 2),
        coldMs: round(cold),
        coldSingleHostMs: round(single),
        coldRatio: round(cold / single, 2),
        ansibleMs: ansibleBest ? round(ansibleBest.ms) : null,
        ansibleUnreachable: ansibleBest ? ansibleBest.unreachable : null,
        ansibleVsDrillbookCold: ansibleBest ? round(ansibleBest.ms / cold, 2) : null,
        ansible: ansibleBest
          ? 'ansible -m command -f 100, ControlMaster off'
          : 'not installed: column skipped',
        runsMs: Object.fromEntries(
          Object.entries(rounds).map(([k, v]) => [k, v.map((x) => round(typeof x === 'number' ? x : x.ms))]),
        ),
        source: 'TypeScript sources via tsx',
      },
    };
  } finally {
    await Promise.all(sshds.map((s) => s.stop()));
    home.cleanup();
    removeDir(work);
  }
}

/**
 * `ansible all -m command -a '…' -f 100` on the same hosts: an INI inventory with each host's
 * port, user and key; host key checking off for the bench only; ControlMaster off so each host
 * gets its own connection as drillbook's do (with it on, 25 "hosts" on one sshd would share one).
 * Undefined when ansible is not installed. Hosts ansible could not reach are counted, not hidden.
 */
async function runAnsible(work, names, sshdOf, key, home) {
  if (spawnSync('ansible', ['--version']).status !== 0) return undefined;
  const inventory = join(work, 'inventory.ini');
  writeFileSync(
    inventory,
    `[fleet]\n${names
      .map(
        (n, i) =>
          `${n} ansible_host=127.0.0.1 ansible_port=${sshdOf(i).port} ansible_user=root ansible_ssh_private_key_file=${key} ansible_python_interpreter=/usr/bin/python3`,
      )
      .join('\n')}\n`,
  );
  const env = {
    ...process.env,
    HOME: home,
    ANSIBLE_HOST_KEY_CHECKING: 'False',
    ANSIBLE_SSH_ARGS: '-o ControlMaster=no -o ControlPath=none',
    ANSIBLE_LOCAL_TEMP: join(work, 'ansible-tmp'),
    ANSIBLE_NOCOLOR: '1',
  };
  const started = process.hrtime.bigint();
  const { stdout } = await new Promise((resolve, reject) => {
    const child = spawn(
      'ansible',
      ['fleet', '-i', inventory, '-m', 'command', '-a', `sh -c "${COMMAND}"`, '-f', '100', '-o'],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', () => {});
    child.on('error', reject);
    child.on('close', () => resolve({ stdout: out }));
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const unreachable = stdout.split('\n').filter((l) => / \| UNREACHABLE!/.test(l)).length;
  const ok = stdout.split('\n').filter((l) => / \| CHANGED | \| SUCCESS /.test(l)).length;
  return { ms, unreachable, ok };
}

await runIfMain(import.meta.url, run);
