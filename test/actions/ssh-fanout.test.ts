import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepEndEvent } from '../../src/engine/events.js';
import { eventMisfit } from '../../src/engine/journal-shape.js';
import { drill, yamlRunbook } from '../support/drill.js';
import { startRealTui, stopRealTui } from '../support/real-tui.js';
import { caseCalled, reportsOf } from '../support/reports-of.js';
import { makeHome } from '../support/ssh-context.js';
import { type Sshd, sshdTestsEnabled, startSshd } from '../support/sshd.js';

/**
 * 12 hosts on 3 real sshd processes (4 ports each), reached through 12 ssh_config aliases.
 * A host knows who it is by the port it was reached on ($SSH_CONNECTION), so the scripts
 * below make chosen hosts fail deterministically.
 */
describe.runIf(sshdTestsEnabled())('ssh fan-out to 12 hosts on 3 sshd', () => {
  let sshds: Sshd[] = [];
  let home: ReturnType<typeof makeHome>;
  let marks: string;
  /** web-01 … web-12 → port. */
  const ports = new Map<string, number>();
  const names = Array.from({ length: 12 }, (_, i) => `web-${String(i + 1).padStart(2, '0')}`);

  beforeAll(async () => {
    sshds = await Promise.all([0, 1, 2].map(() => startSshd({ extraPorts: 3 })));
    home = makeHome();
    marks = mkdtempSync(join(tmpdir(), 'drillbook-fanout-'));
    // One key for every sshd, as one deploy key across a fleet.
    const key = sshds[0]!.clientKey;
    for (const s of sshds) writeFileSync(join(s.dir, 'authorized_keys'), readFileSync(`${key}.pub`));
    const known: string[] = [];
    const config: string[] = [];
    names.forEach((name, i) => {
      const sshd = sshds[i % 3]!;
      const port = sshd.ports[Math.floor(i / 3)]!;
      ports.set(name, port);
      known.push(sshd.knownHostsLine.replace(/^\[127\.0\.0\.1\]:\d+/, `[127.0.0.1]:${port}`));
      config.push(
        `Host ${name}`,
        '  HostName 127.0.0.1',
        `  Port ${port}`,
        '  User root',
        `  IdentityFile ${key}`,
      );
    });
    writeFileSync(join(home.home, '.ssh', 'known_hosts'), `${known.join('\n')}\n`);
    writeFileSync(join(home.home, '.ssh', 'config'), `${config.join('\n')}\n`);
  });
  afterAll(async () => {
    await Promise.all(sshds.map((s) => s.stop()));
    home?.cleanup();
    if (marks) rmSync(marks, { recursive: true, force: true });
  });

  const env = () => ({ PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home.home });
  const hostsYaml = () =>
    `hosts:\n${names.map((n) => `  ${n}: { host: ${n} }`).join('\n')}\n  web: ["web-*"]\n`;
  const failOn = (dir: string, hosts: string[]) => {
    for (const h of hosts) writeFileSync(join(dir, `fail-${ports.get(h)}`), '');
  };
  /** Shell text: who am I (port), note start/end, fail when marked. */
  const script = (dir: string, work = 'sleep 0.3') =>
    `p=\${SSH_CONNECTION##* }; echo "start $p $(date +%s%N)" >> ${dir}/log; ${work}; echo "end $p $(date +%s%N)" >> ${dir}/log; test ! -e ${dir}/fail-$p`;
  const newDir = (name: string) => mkdtempSync(join(marks, `${name}-`));
  const events = (dir: string) =>
    readFileSync(join(dir, 'log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .map(([what, port, ns]) => ({ what, host: hostOf(Number(port)), ns: BigInt(ns ?? '0') }));
  const hostOf = (port: number) => [...ports].find(([, p]) => p === port)?.[0] ?? String(port);

  it('concurrency: never more hosts at once than asked, and all of them report', async () => {
    const dir = newDir('concurrency');
    const rb = await yamlRunbook(
      `${hostsYaml()}steps:\n  - id: fan\n    ssh: { host: web, concurrency: 25%, run: '${script(dir)}' }\n`,
    );
    const r = await drill(rb, { env: env() });
    expect(r.end).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(r.ends.get('fan')?.parts?.map((p) => [p.label, p.status])).toEqual(
      names.map((n) => [n, 'passed']),
    );
    let running = 0;
    let most = 0;
    const log = events(dir).sort((a, b) => (a.ns < b.ns ? -1 : 1));
    for (const e of log) {
      running += e.what === 'start' ? 1 : -1;
      most = Math.max(most, running);
    }
    expect(log.filter((e) => e.what === 'start')).toHaveLength(12);
    // 25% of 12 = 3 at a time; 12 hosts of 0.3 s each in 4 rounds overlap for real.
    expect(most).toBe(3);
    expect(r.output('fan')).toContain('12 hosts, 3 at a time, stops after 1 failed');
  });

  it('max_errors: stops starting hosts after the (max_errors+1)th failure; every host is reported, JUnit per host valid', async () => {
    const dir = newDir('max-errors');
    failOn(dir, ['web-03', 'web-05', 'web-09']);
    const rb = await yamlRunbook(
      `name: fleet\n${hostsYaml()}steps:\n  - id: fan\n    ssh: { host: web, concurrency: 1, max_errors: 1, run: '${script(dir, 'true')}' }\n    undo:\n      ssh: { host: web, run: 'touch ${dir}/undone-$\{SSH_CONNECTION##* }' }\n`,
    );
    const r = await drill(rb, { env: env() });
    expect(r.end).toMatchObject({ status: 'failed', exitCode: 1 });
    const end = r.ends.get('fan') as StepEndEvent;
    const state = Object.fromEntries(end.parts?.map((p) => [p.label, p.status]) ?? []);
    expect(state).toEqual({
      'web-01': 'passed',
      'web-02': 'passed',
      'web-03': 'failed',
      'web-04': 'passed',
      'web-05': 'failed',
      ...Object.fromEntries(names.slice(5).map((n) => [n, 'skipped'])),
    });
    expect(events(dir).filter((e) => e.what === 'start')).toHaveLength(5);
    expect(end.reason).toMatch(
      /^2 of 12 hosts failed, 7 not started \(2 hosts failed, more than max_errors \(1\)\): command on web-03 exited with status 1; command on web-05 exited with status 1$/,
    );
    // Rollback undoes only what was done: the 5 hosts the step started, not the 7 it never reached.
    const undone = readdirSync(dir)
      .filter((f) => f.startsWith('undone-'))
      .map((f) => hostOf(Number(f.slice(7))))
      .sort();
    expect(undone).toEqual(names.slice(0, 5));
    expect(r.output('undo/fan')).toContain('not undone on 7 host(s) the step never started: web-06');

    // The journal keeps each host's result: `drillbook report`/`resume` read these lines back.
    for (const e of r.events) expect(eventMisfit(JSON.parse(JSON.stringify(e)))).toBeUndefined();
    const reports = await reportsOf(r.events);
    expect(caseCalled(reports, 'fan [web-03]').failure?.message).toBe(
      'command on web-03 exited with status 1',
    );
    expect(caseCalled(reports, 'fan [web-04]')).toEqual({ name: 'fan [web-04]' });
    expect(caseCalled(reports, 'fan [web-12]').skipped).toBe(
      'not started: 2 hosts failed, more than max_errors (1)',
    );
    expect(reports.cases.filter((c) => c.name.startsWith('fan ['))).toHaveLength(12);
    expect(reports.json.steps.find((s) => s.id === 'fan')?.parts).toHaveLength(12);
    expect(reports.console).toContain('        12 hosts: 3 passed, 2 failed, 7 skipped\n');
    expect(reports.console).toContain('        web-03: failed (');
    expect(reports.console).toContain(
      '        skipped web-06, web-07, web-08, web-09, web-10, web-11, web-12: not started: 2 hosts failed, more than max_errors (1)\n',
    );
  });

  it('batches: each wave ends before the next starts; a failing wave stops the ones after it', async () => {
    const dir = newDir('batches');
    failOn(dir, ['web-04']);
    const rb = await yamlRunbook(
      `${hostsYaml()}steps:\n  - id: fan\n    ssh: { host: [web-01, web], batches: [2, 50%], run: '${script(dir, 'sleep 0.2')}' }\n`,
    );
    const r = await drill(rb, { env: env() });
    expect(r.end).toMatchObject({ status: 'failed' });
    expect(r.output('fan')).toContain('12 hosts, 10 at a time, waves of 2, 6, 4, stops after 1 failed');
    const parts = r.ends.get('fan')?.parts ?? [];
    expect(parts.map((p) => p.status)).toEqual([
      ...Array(3).fill('passed'),
      'failed',
      ...Array(4).fill('passed'),
      ...Array(4).fill('skipped'),
    ]);
    const log = events(dir);
    const wave1End = log.filter((e) => e.what === 'end' && ['web-01', 'web-02'].includes(e.host));
    const wave2Start = log.filter((e) => e.what === 'start' && !['web-01', 'web-02'].includes(e.host));
    expect(wave1End).toHaveLength(2);
    expect(wave2Start).toHaveLength(6);
    const lastOfWave1 = wave1End.reduce((a, b) => (a.ns > b.ns ? a : b)).ns;
    for (const s of wave2Start) expect(s.ns > lastOfWave1).toBe(true);
  });

  it('the TUI shows the fan-out as a host grid with counts (real engine, real sshd)', async () => {
    const dir = newDir('tui');
    // web-04 fails at once, the other ten take 2 s: its failure is in before any lane is free.
    failOn(dir, ['web-04']);
    const tui = await startRealTui(
      `${hostsYaml()}steps:\n  - id: fan\n    name: Roll out\n    ssh: { host: web, concurrency: 11, run: '${script(dir, 'echo ok; [ "$DRILLBOOK_HOST" = web-04 ] || sleep 2')}' }\n`,
      { env: env() },
    );
    try {
      // The failure prompt: the hosts that printed are on the grid, started, results not in yet.
      await tui.ui.waitForFrame('Roll out failed after 1 attempt', 30_000);
      expect(tui.ui.frame()).toContain('hosts 11: ▶ 11 started');
      await tui.ui.press('c');
      await tui.done;
      const frame = await tui.ui.waitForFrame('hosts 12: ✔ 10 passed · ✘ 1 failed · ↷ 1 not started');
      expect(frame).toContain('✔✔✔✘✔✔✔✔✔✔✔↷');
    } finally {
      await stopRealTui(tui);
    }
  });
});
