// ssh: 50 `ssh` action runs of `true` on one host through drillbook's action (one connection,
// opened by the first run and reused) against 50 runs of the OpenSSH client in a loop (a new
// connection each time: no ControlMaster, BatchMode, same key and known_hosts), both against
// the same real sshd in the same process run. Runs the TypeScript sources through tsx (no
// build needed); the test sshd comes from test/support/sshd.ts.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { bestOf, comparison, repoRoot, round, runIfMain } from './lib/measure.mjs';

const RUNS = 50;
const ROUNDS = 2;
const TARGET = 0.5;

export async function run() {
  const load = (path) => tsImport(join(repoRoot, path), import.meta.url);
  const { haveSshd, startSshd } = await load('test/support/sshd.ts');
  if (!haveSshd)
    return { name: 'ssh', unavailable: '/usr/sbin/sshd missing (apt-get install openssh-server)' };
  const { sshAction } = await load('src/actions/ssh.ts');
  const { hostFor, makeHome, makeRun } = await load('test/support/ssh-context.ts');
  const sshd = await startSshd();
  const home = makeHome([sshd.knownHostsLine]);
  const knownHosts = join(home.home, '.ssh', 'known_hosts');
  try {
    const config = sshAction.parse({ host: 'blue', run: 'true' });
    const drillbook = async () => {
      const t = makeRun({ hosts: { blue: hostFor(sshd) }, home: home.home });
      const started = process.hrtime.bigint();
      for (let i = 0; i < RUNS; i++) {
        const result = await sshAction.run(config, t.ctx);
        if (!result.ok) throw new Error(`ssh action failed: ${result.reason}`);
      }
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      await t.close();
      return { ms };
    };
    const sshArgs = [
      '-F',
      '/dev/null',
      '-o',
      'BatchMode=yes',
      '-o',
      'ControlMaster=no',
      '-o',
      'ControlPath=none',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${knownHosts}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-i',
      sshd.clientKey,
      '-p',
      String(sshd.port),
      'root@127.0.0.1',
      'true',
    ];
    const loop = async () => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < RUNS; i++) await ssh(sshArgs);
      return { ms: Number(process.hrtime.bigint() - started) / 1e6 };
    };
    const before = sshd.connections();
    const best = await bestOf(ROUNDS, { drillbook, baseline: loop });
    return comparison('ssh', best, TARGET, {
      runs: RUNS,
      drillbookPerRunMs: round(best.drillbook.ms / RUNS, 2),
      sshPerRunMs: round(best.baseline.ms / RUNS, 2),
      // drillbook: one connection per round; the ssh loop: one per run.
      sshdConnections: sshd.connections() - before,
      source: 'TypeScript sources via tsx',
    });
  } finally {
    await sshd.stop();
    home.cleanup();
  }
}

function ssh(args) {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ssh exited with ${code}: ${stderr}`)),
    );
  });
}

await runIfMain(import.meta.url, run);
