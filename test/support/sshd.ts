import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real OpenSSH sshd for tests: 127.0.0.1, a free port, a fresh host key, one authorized
 * user key, logs at VERBOSE in `<dir>/sshd.log`. Runs as the current user (root in CI).
 */
export const SSHD_BIN = '/usr/sbin/sshd';
export const haveSshd = existsSync(SSHD_BIN);
/** CI sets DRILLBOOK_REQUIRE_SSHD=1 so a missing sshd fails the suite instead of skipping it. */
export const requireSshd = process.env['DRILLBOOK_REQUIRE_SSHD'] === '1';

/** `true` when ssh tests should run; prints a loud notice once when they are skipped. */
export function sshdTestsEnabled(): boolean {
  if (haveSshd || requireSshd) return true;
  console.warn(
    `\n!!! ${SSHD_BIN} not found: ssh integration tests are SKIPPED.\n` +
      '!!! Install it (apt-get install -y openssh-server openssh-client) or set DRILLBOOK_REQUIRE_SSHD=1 to fail.\n',
  );
  return false;
}

export interface Sshd {
  host: '127.0.0.1';
  port: number;
  /** Every port it listens on: `port` first, then the extra ones asked for. */
  ports: number[];
  dir: string;
  /** Private key whose public half is in authorized_keys. */
  clientKey: string;
  /** `[127.0.0.1]:port ssh-ed25519 AAAA...` */
  knownHostsLine: string;
  /** SHA256:... fingerprint of the host key, as OpenSSH prints it. */
  fingerprint: string;
  pid: number;
  log(): string;
  /** Client connections sshd accepted so far. */
  connections(): number;
  /** Sessions (exec/sftp channels) sshd started so far. */
  sessions(): number;
  /** SIGKILLs sshd and every process under it: open connections drop at once. */
  killHard(): void;
  /** SIGKILLs the per-connection processes only: connections drop, sshd keeps listening. */
  dropConnections(): void;
  /** SIGSTOP/SIGCONT the per-connection processes: a host that hangs without closing anything. */
  freezeConnections(frozen: boolean): void;
  stop(): Promise<void>;
}

/**
 * `extraConfig`: more sshd_config lines (e.g. `MaxAuthTries 3`). `extraPorts`: listen on that
 * many more ports (many "hosts" on one sshd, told apart by the port in $SSH_CONNECTION).
 * `defaultMaxStartups`: keep sshd's own `MaxStartups 10:30:100` (tests of connection pacing).
 */
export async function startSshd(
  options: { extraConfig?: string[]; extraPorts?: number; defaultMaxStartups?: boolean } = {},
): Promise<Sshd> {
  if (!haveSshd) throw new Error(`${SSHD_BIN} is missing: apt-get install -y openssh-server openssh-client`);
  // Privilege separation directory; a fresh container does not have it.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-sshd-'));
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'id_ed25519'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'id_ed25519.pub')));
  const hostPub = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(/\s+/);
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_key.pub')], {
    encoding: 'utf8',
  }).split(/\s+/)[1]!;
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const ports = [port];
    for (let i = 0; i < (options.extraPorts ?? 0); i++) ports.push(await freePort());
    try {
      const child = await launch(dir, ports, options.extraConfig ?? [], options.defaultMaxStartups === true);
      return handle(dir, ports, child, `[127.0.0.1]:${port} ${hostPub[0]} ${hostPub[1]}`, fingerprint);
    } catch (error) {
      // Another process may have taken the port between probe and bind: try another.
      if (attempt >= 3) throw error;
    }
  }
}

function keygen(file: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'drillbook-test', '-f', file]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

function launch(
  dir: string,
  ports: number[],
  extraConfig: string[],
  defaultMaxStartups: boolean,
): Promise<ChildProcess> {
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      ...ports.map((p) => `Port ${p}`),
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'LogLevel VERBOSE',
      ...(defaultMaxStartups ? [] : ['MaxStartups 200']),
      'Subsystem sftp internal-sftp',
      // Debian's bash sources ~/.bashrc for ssh commands at shell level 1; the machine's
      // root dotfiles (pyenv init here: seconds) are not what these tests measure.
      'SetEnv SHLVL=1',
      ...extraConfig,
      '',
    ].join('\n'),
  );
  const logFile = join(dir, 'sshd.log');
  writeFileSync(logFile, '');
  const child = spawn(SSHD_BIN, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    log += text;
    appendFileSync(logFile, text);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`sshd did not start within 10s:\n${log}`)), 10_000);
    const onExit = (code: number | null) => fail(new Error(`sshd exited with ${code}:\n${log}`));
    const onData = () => {
      if (!ports.every((p) => log.includes(`Server listening on 127.0.0.1 port ${p}.`))) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stderr!.off('data', onData);
      resolve(child);
    };
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('exit', onExit);
    child.stderr!.on('data', onData);
  });
}

function handle(
  dir: string,
  ports: number[],
  child: ChildProcess,
  knownHostsLine: string,
  fingerprint: string,
): Sshd {
  const log = () => readFileSync(join(dir, 'sshd.log'), 'utf8');
  const count = (re: RegExp) => log().match(re)?.length ?? 0;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    host: '127.0.0.1',
    port: ports[0] as number,
    ports,
    dir,
    clientKey: join(dir, 'id_ed25519'),
    knownHostsLine,
    fingerprint,
    pid: child.pid!,
    log,
    connections: () => count(/^Connection from 127\.0\.0\.1 port \d+ on 127\.0\.0\.1 port/gm),
    sessions: () => count(/^Starting session: /gm),
    killHard: () => killTree(child.pid!),
    dropConnections: () => killTree(child.pid!, false),
    freezeConnections: (frozen) => killTree(child.pid!, false, frozen ? 'SIGSTOP' : 'SIGCONT'),
    async stop() {
      killTree(child.pid!);
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** SIGKILLs `pid` and all its descendants (per-connection sshd children call setsid, so no group kill). */
function killTree(pid: number, includeRoot = true, signal: NodeJS.Signals = 'SIGKILL'): void {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process exited while we looked.
    }
  }
  const all: number[] = [];
  const walk = (p: number) => {
    all.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  for (const p of includeRoot ? all : all.slice(1)) {
    try {
      process.kill(p, signal);
    } catch {
      // Already gone.
    }
  }
}
