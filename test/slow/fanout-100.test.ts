import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drill, yamlRunbook } from '../support/drill.js';
import { reportsOf } from '../support/reports-of.js';
import { makeHome } from '../support/ssh-context.js';
import { type Sshd, sshdTestsEnabled, startSshd } from '../support/sshd.js';

/**
 * The issue's scale case: 100 hosts in one step, 4 real sshd processes with sshd's DEFAULT
 * `MaxStartups 10:30:100`, reached through 100 ssh_config aliases (25 per sshd). A host's
 * command knows which host it is by $DRILLBOOK_HOST.
 */
describe.runIf(sshdTestsEnabled())('ssh fan-out to 100 hosts on 4 sshd with default MaxStartups', () => {
  let sshds: Sshd[] = [];
  let home: ReturnType<typeof makeHome>;
  let marks: string;
  const alias = (i: number) => `h-${String(i + 1).padStart(3, '0')}`;

  beforeAll(async () => {
    sshds = await Promise.all([0, 1, 2, 3].map(() => startSshd({ defaultMaxStartups: true })));
    for (const s of sshds)
      expect(readFileSync(join(s.dir, 'sshd_config'), 'utf8')).not.toContain('MaxStartups');
    home = makeHome();
    marks = mkdtempSync(join(tmpdir(), 'drillbook-fanout100-'));
    const key = sshds[0]!.clientKey;
    for (const s of sshds) writeFileSync(join(s.dir, 'authorized_keys'), readFileSync(`${key}.pub`));
    const known = sshds.map((s) => s.knownHostsLine);
    const config: string[] = [];
    // 300 aliases over the 4 sshd (alias i → sshd i mod 4); the first 100 are the 100-host fleet.
    for (let i = 0; i < 300; i++)
      config.push(
        `Host ${alias(i)}`,
        '  HostName 127.0.0.1',
        `  Port ${sshds[i % 4]!.port}`,
        '  User root',
        `  IdentityFile ${key}`,
      );
    writeFileSync(join(home.home, '.ssh', 'known_hosts'), `${known.join('\n')}\n`);
    writeFileSync(join(home.home, '.ssh', 'config'), `${config.join('\n')}\n`);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(sshds.map((s) => s.stop()));
    home?.cleanup();
    if (marks) rmSync(marks, { recursive: true, force: true });
  });

  const env = () => ({ PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home.home });
  const runbook = (n: number, options: string, run: string) =>
    yamlRunbook(
      `name: fleet\nhosts:\n${Array.from({ length: n }, (_, i) => `  ${alias(i)}: { host: ${alias(i)} }`).join('\n')}\n  fleet: ["h-*"]\nsteps:\n  - id: fan\n    timeout: 5m\n    ssh: { host: fleet, ${options}, run: '${run}' }\n`,
    );
  /** Peak RSS (MiB) while `work` runs, sampled every 20 ms. */
  async function peakRss<T>(
    work: () => Promise<T>,
  ): Promise<{ result: T; peakMiB: number; baseMiB: number }> {
    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      const result = await work();
      return { result, peakMiB: peak / 2 ** 20, baseMiB: base / 2 ** 20 };
    } finally {
      clearInterval(timer);
    }
  }

  it('concurrency 25%, max_errors 2: stops starting hosts after the third failure and reports every host', async () => {
    const dir = mkdtempSync(join(marks, 'budget-'));
    // Every 10th host fails: h-010, h-020, h-030 are the first three; h-060 and later are far past them.
    for (let i = 9; i < 100; i += 10) writeFileSync(join(dir, `fail-${alias(i)}`), '');
    const rb = await runbook(
      100,
      'concurrency: 25%, max_errors: 2',
      `echo "$DRILLBOOK_HOST" >> ${dir}/started; sleep 0.3; test ! -e ${dir}/fail-$DRILLBOOK_HOST`,
    );
    const r = await drill(rb, { env: env() });
    expect(r.end).toMatchObject({ status: 'failed', exitCode: 1 });
    const parts = r.ends.get('fan')?.parts ?? [];
    expect(parts.map((p) => p.label)).toEqual(Array.from({ length: 100 }, (_, i) => alias(i)));
    const started = readFileSync(join(dir, 'started'), 'utf8').trim().split('\n');
    const startedIndex = started.map((h) => Number(h.slice(2)) - 1).sort((a, b) => a - b);
    // Hosts start in order; once the third failure (h-030, or h-040 should h-030's connection
    // be slower) is in, nothing new starts: at most the 25 already running past it did.
    expect(Math.max(...startedIndex)).toBeLessThanOrEqual(39 + 25);
    expect(startedIndex).toEqual([...Array(startedIndex.length).keys()]);
    const status = (i: number) => parts[i]?.status;
    for (const i of [9, 19, 29]) expect(status(i)).toBe('failed');
    for (let i = 65; i < 100; i++) expect(status(i)).toBe('skipped');
    expect(parts.filter((p) => p.status !== 'skipped')).toHaveLength(startedIndex.length);
    const failed = parts.filter((p) => p.status === 'failed').length;
    expect(failed).toBeGreaterThanOrEqual(3);
    const reports = await reportsOf(r.events);
    expect(reports.cases.filter((c) => c.name.startsWith('fan ['))).toHaveLength(100);
    expect(reports.console).toMatch(/ {8}100 hosts: \d+ passed, \d+ failed, \d+ skipped\n/);
    expect(reports.json.steps.find((s) => s.id === 'fan')?.parts).toHaveLength(100);
  });

  it('a healthy 100-host run at concurrency 100% never trips MaxStartups; peak RSS at 100 and 300 hosts stays bounded', async () => {
    const sizes: Record<number, { peakMiB: number; baseMiB: number; seconds: number }> = {};
    for (const n of [100, 300]) {
      const rb = await runbook(n, 'concurrency: 100%', 'sleep 0.2; echo ok');
      const started = Date.now();
      const fdsBefore = readdirSync('/proc/self/fd').length;
      let fdsPeak = fdsBefore;
      const fdTimer = setInterval(() => {
        fdsPeak = Math.max(fdsPeak, readdirSync('/proc/self/fd').length);
      }, 20);
      const {
        result: r,
        peakMiB,
        baseMiB,
      } = await peakRss(() => drill(rb, { env: env() })).finally(() => clearInterval(fdTimer));
      // One socket per host in flight at most (all of them at 100%), and every one closed at the end.
      expect(fdsPeak - fdsBefore).toBeLessThanOrEqual(n + 20);
      // The run ends its connections (ssh2 closes each socket once the server has answered).
      const fds = () => readdirSync('/proc/self/fd').length;
      for (let i = 0; i < 200 && fds() > fdsBefore + 5; i++) await sleep(50);
      expect(fds()).toBeLessThanOrEqual(fdsBefore + 5);
      sizes[n] = { peakMiB, baseMiB, seconds: (Date.now() - started) / 1000 };
      const parts = r.ends.get('fan')?.parts ?? [];
      const bad = parts.filter((p) => p.status !== 'passed').map((p) => `${p.label}: ${p.reason}`);
      expect(bad).toEqual([]);
      expect(parts).toHaveLength(n);
      expect(r.output('fan')).not.toContain('Connection lost before handshake');
      expect(r.end).toMatchObject({ status: 'passed', exitCode: 0 });
    }
    console.log(
      `fan-out peak RSS: ${Object.entries(sizes)
        .map(
          ([n, s]) =>
            `${n} hosts ${s.peakMiB.toFixed(0)} MiB (base ${s.baseMiB.toFixed(0)} MiB, +${(s.peakMiB - s.baseMiB).toFixed(0)}), ${s.seconds.toFixed(1)} s`,
        )
        .join('; ')}`,
    );
    // Generous: a few hundred KiB per connection; a leak or unbounded buffering would blow it.
    for (const s of Object.values(sizes)) expect(s.peakMiB - s.baseMiB).toBeLessThan(400);
  });
});
