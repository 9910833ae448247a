import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshAction } from '../../src/actions/ssh.js';
import type { ActionContext, RawConfigOf } from '../../src/plugin/contract.js';
import { hostConnection } from '../../src/ssh/host-step.js';
import { hostFor, makeHome, makeRun } from '../support/ssh-context.js';
import { type Sshd, sshdTestsEnabled, startSshd } from '../support/sshd.js';

const run = (raw: RawConfigOf<typeof sshAction>, ctx: ActionContext) =>
  sshAction.run(sshAction.parse(raw), ctx);

/** Waits until `check` holds (sshd writes its log asynchronously). */
async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await sleep(25);
}

/** Pids of processes whose command line contains `marker` (the "remote" host is this machine). */
function processesMatching(marker: string): string[] {
  return readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) return false;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(marker);
    } catch {
      return false; // exited while we looked
    }
  });
}

describe.runIf(sshdTestsEnabled())('ssh connections over a whole run', () => {
  let blue: Sshd;
  let home: ReturnType<typeof makeHome>;

  beforeAll(async () => {
    blue = await startSshd();
    home = makeHome([blue.knownHostsLine]);
  });
  afterAll(async () => {
    await blue?.stop();
    home?.cleanup();
  });

  it('opens one connection per host for the whole run, one session per step', async () => {
    const before = { connections: blue.connections(), sessions: blue.sessions() };
    const t = makeRun({ hosts: { blue: hostFor(blue) }, home: home.home });
    for (const command of ['echo one', 'echo two', 'echo three', 'echo four']) {
      expect((await run({ host: 'blue', run: command }, t.ctx)).ok).toBe(true);
    }
    await t.close();
    await eventually(() => blue.sessions() >= before.sessions + 4);
    expect(blue.connections() - before.connections).toBe(1);
    expect(blue.sessions() - before.sessions).toBe(4);
    expect(t.text('stdout')).toBe('one\ntwo\nthree\nfour\n');
  });

  it('reconnects once when the connection dropped between steps', async () => {
    const before = blue.connections();
    const t = makeRun({ hosts: { blue: hostFor(blue) }, home: home.home });
    expect((await run({ host: 'blue', run: 'true' }, t.ctx)).ok).toBe(true);
    blue.dropConnections();
    await eventually(() => !hostConnection('blue', t.ctx).isAlive());
    const again = await run({ host: 'blue', run: 'echo back' }, t.ctx);
    await t.close();
    expect(again).toMatchObject({ ok: true });
    expect(t.text('stdout')).toBe('back\n');
    expect(t.text('info', 'blue')).toMatch(
      /connection to blue \(root@127\.0\.0\.1:\d+\) dropped.*; reconnecting/,
    );
    await eventually(() => blue.connections() >= before + 2);
    expect(blue.connections() - before).toBe(2);
  });

  it('streams 50 MB of output without holding it in memory', async () => {
    let bytes = 0;
    let tail = '';
    const t = makeRun({
      hosts: { blue: hostFor(blue) },
      home: home.home,
      keep: false,
      onChunk: (c) => {
        if (c.stream !== 'stdout') return;
        bytes += c.text.length;
        tail = (tail + c.text).slice(-16);
      },
    });
    const base = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers);
    }, 10);
    const result = await run(
      { host: 'blue', run: "head -c 50000000 /dev/zero | tr '\\0' a; echo END" },
      t.ctx,
    );
    clearInterval(sampler);
    console.log(`50 MB over ssh: peak heap+buffers growth ${(peak / 1024 / 1024).toFixed(1)} MiB`);
    await t.close();
    expect(result.ok).toBe(true);
    expect(bytes).toBe(50_000_004);
    expect(tail).toBe(`${'a'.repeat(12)}END\n`);
    // Keeping the output would take at least 50 MB; streaming stays at a few ssh windows.
    expect(peak).toBeLessThan(40 * 1024 * 1024);
  });

  it('on abort sends SIGTERM to the remote command, closes the channel and returns promptly', async () => {
    const marker = `sleep 313.${process.pid}`;
    const controller = new AbortController();
    const t = makeRun({
      hosts: { blue: hostFor(blue) },
      home: home.home,
      signal: controller.signal,
      onChunk: (c) => c.text.includes('started') && controller.abort('timeout after 2m'),
    });
    const started = Date.now();
    const result = await run(
      { host: 'blue', run: `echo started; ${marker}; touch /tmp/should-not-exist-${process.pid}` },
      t.ctx,
    );
    const took = Date.now() - started;
    await t.close();
    expect(result).toMatchObject({
      ok: false,
      reason: 'command on blue stopped (timeout after 2m); sent SIGTERM to it',
    });
    expect(took).toBeLessThan(10_000);
    await eventually(() => processesMatching(marker).length === 0);
    expect(processesMatching(marker)).toEqual([]);
  });

  it('escalates to SIGKILL when the remote command ignores SIGTERM', async () => {
    const marker = `sleep 317.${process.pid}`;
    const controller = new AbortController();
    const t = makeRun({
      hosts: { blue: hostFor(blue) },
      home: home.home,
      signal: controller.signal,
      onChunk: (c) => c.text.includes('started') && controller.abort('stopped by user'),
    });
    const result = await run({ host: 'blue', run: `trap '' TERM; echo started; ${marker}` }, t.ctx);
    await t.close();
    expect(result.ok).toBe(false);
    await eventually(() => processesMatching(marker).length === 0);
    expect(processesMatching(marker)).toEqual([]);
  });
});

describe.runIf(sshdTestsEnabled())('ssh when the host hangs', () => {
  it('a timeout returns promptly even when the host stops answering mid-run', async () => {
    const frozen = await startSshd();
    const home = makeHome([frozen.knownHostsLine]);
    const controller = new AbortController();
    const t = makeRun({ hosts: { blue: hostFor(frozen) }, home: home.home, signal: controller.signal });
    try {
      expect((await run({ host: 'blue', run: 'true' }, t.ctx)).ok).toBe(true);
      // The TCP connection stays open but nothing answers: not even the channel open.
      frozen.freezeConnections(true);
      setTimeout(() => controller.abort('timeout after 500ms'), 500);
      const started = Date.now();
      const result = await run({ host: 'blue', run: 'echo never' }, t.ctx);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(result).toMatchObject({
        ok: false,
        reason: 'command on blue stopped (timeout after 500ms); sent SIGTERM to it',
      });
    } finally {
      frozen.freezeConnections(false);
      await t.close();
      await frozen.stop();
      home.cleanup();
    }
  });
});

describe.runIf(sshdTestsEnabled())('ssh when sshd dies', () => {
  it('fails the step clearly when sshd is killed mid-command, and names the refused connection next', async () => {
    const doomed = await startSshd();
    // With sshd SIGKILLed nothing stops the remote command: the test removes it itself.
    const marker = `sleep 301.${process.pid}`;
    const home = makeHome([doomed.knownHostsLine]);
    const t = makeRun({
      hosts: { blue: hostFor(doomed) },
      home: home.home,
      onChunk: (c) => c.text.includes('started') && doomed.killHard(),
    });
    try {
      const started = Date.now();
      const result = await run({ host: 'blue', run: `echo started; ${marker}` }, t.ctx);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(result).toMatchObject({ ok: false, parts: [{ label: 'blue', ok: false }] });
      expect(result.ok === false && result.reason).toMatch(
        /^connection to blue \(root@127\.0\.0\.1:\d+\) dropped while the command was running.*outcome on the host is unknown$/,
      );
      // The engine's retry runs the step again: the reconnect is attempted and refused.
      const retry = await run({ host: 'blue', run: 'true' }, t.ctx);
      expect(retry.ok === false && retry.reason).toBe(
        `connection refused by 127.0.0.1:${doomed.port} (blue): is sshd running and listening on that port?`,
      );
    } finally {
      await t.close();
      await doomed.stop();
      home.cleanup();
      for (const pid of processesMatching(marker)) process.kill(Number(pid), 'SIGKILL');
    }
  });
});
