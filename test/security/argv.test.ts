import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunbook } from '../../src/runbook/load.js';
import { drill } from '../support/drill.js';
import { actions } from '../support/registry.js';
import { makeHome } from '../support/ssh-context.js';
import { type Sshd, sshdTestsEnabled, startSshd } from '../support/sshd.js';

/**
 * While a step that uses `{{ secrets.DB_PW }}` runs, no process on the machine has the
 * secret in its argv: not the local `/bin/sh -c`, and over SSH (here on 127.0.0.1, so the
 * remote side is local processes too) not sshd's session, the login shell, the remote
 * `sh -c`, sudo or root's shell. Each step writes what it received, says it started, then
 * waits until the test has read every /proc/<pid>/cmdline.
 */
const useSshd = sshdTestsEnabled();

function cmdlinesContaining(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    if (cmdline.includes(needle)) found.push(`${pid}: ${cmdline.replace(/\0/g, ' ')}`);
  }
  return found;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('secrets never appear in any process argv', () => {
  let sshd: Sshd | undefined;
  let home: ReturnType<typeof makeHome> | undefined;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'drillbook-argv-'));
    if (useSshd) {
      sshd = await startSshd();
      home = makeHome([sshd.knownHostsLine]);
    }
  });
  afterAll(async () => {
    await sshd?.stop();
    home?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('while local, ssh and ssh sudo steps run, /proc/*/cmdline holds no secret', async () => {
    // A quote and a space, so every quoted form differs from the raw one; the random core
    // is what we look for, and it is in every form.
    const core = `s3cret-${randomBytes(8).toString('hex')}`;
    const secret = `it's a ${core}`;
    const body = (name: string) =>
      `printf '%s' {{ secrets.DB_PW }} > ${dir}/${name}.got; printf '%s' "$PW" > ${dir}/${name}.env; ` +
      `touch ${dir}/${name}.started; while [ ! -e ${dir}/${name}.release ]; do sleep 0.02; done`;
    const places = useSshd ? ['local', 'ssh', 'sudo'] : ['local'];
    const step = (name: string) => {
      if (name === 'local')
        return { id: name, run: { command: body(name), env: { PW: '{{ secrets.DB_PW }}' } } };
      return {
        id: name,
        ssh: { host: 'h', run: body(name), sudo: name === 'sudo', env: { PW: '{{ secrets.DB_PW }}' } },
      };
    };
    const hosts = sshd
      ? { hosts: { h: { host: sshd.host, port: sshd.port, user: 'root', identity_file: sshd.clientKey } } }
      : {};
    writeFileSync(
      join(dir, 'rb.yaml'),
      JSON.stringify({ name: 'argv', secrets: ['DB_PW'], ...hosts, steps: places.map(step) }),
    );
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home?.home ?? dir, DB_PW: secret };
    const runbook = await loadRunbook(actions, join(dir, 'rb.yaml'), { env });
    expect(cmdlinesContaining(core)).toEqual([]);
    const running = drill(runbook, { env });
    for (const name of places) {
      await until(() => existsSync(join(dir, `${name}.started`)), `step ${name} to start`);
      expect(cmdlinesContaining(core), `argv while the ${name} step runs`).toEqual([]);
      writeFileSync(join(dir, `${name}.release`), '');
    }
    const result = await running;
    expect(result.end.status).toBe('passed');
    // What people are shown as the step's command names the secret, in no form at all.
    const summaries = result.events.flatMap((e) => (e.type === 'step-start' ? [e.summary] : []));
    expect(summaries).toHaveLength(places.length);
    for (const summary of summaries) {
      expect(summary).toContain("printf '%s' {{ secrets.DB_PW }}");
      expect(summary).not.toContain(core);
    }
    for (const name of places) {
      expect(readFileSync(join(dir, `${name}.got`), 'utf8'), name).toBe(secret);
      expect(readFileSync(join(dir, `${name}.env`), 'utf8'), name).toBe(secret);
    }
  }, 120_000);
});
