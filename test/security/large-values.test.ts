import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunbook } from '../../src/runbook/load.js';
import { drill } from '../support/drill.js';
import { actions } from '../support/registry.js';
import { makeHome } from '../support/ssh-context.js';
import { type Sshd, sshdTestsEnabled, startSshd } from '../support/sshd.js';

/**
 * A value larger than one environment string may be (Linux: 128 KiB) still reaches the step's
 * shell intact, and the step's other commands still start: a saved 300 KB response used in a
 * here-document must not fail the drill with `spawn E2BIG` / "Argument list too long".
 */
const SIZE = 300_000;
const USE = [
  `printf '%s' "{{ vars.big }}" | wc -c`,
  '/bin/true && echo external-ok',
  'cat <<EOF | wc -c',
  '{{ vars.big }}',
  'EOF',
  `case "{{ vars.big }}" in "it's "a*a) echo intact ;; *) echo damaged ;; esac`,
  'echo "small={{ vars.small }}"',
].join('\n');

function write(dir: string, host?: Record<string, unknown>): string {
  const use = (id: string, sudo: boolean) =>
    host ? { id, ssh: { host: 'h', run: USE, sudo } } : { id, run: USE };
  const doc = {
    name: 'large-values',
    vars: { small: "it's small" },
    ...(host ? { hosts: { h: host } } : {}),
    steps: [
      { id: 'gen', run: `printf "it's "; head -c ${SIZE - 5} /dev/zero | tr '\\0' a`, save: 'big' },
      use('use', false),
      ...(host ? [use('sudo', true)] : []),
    ],
  };
  const file = join(dir, 'runbook.yaml');
  writeFileSync(file, JSON.stringify(doc, null, 1));
  return file;
}

async function runIn(dir: string, env: Record<string, string>, host?: Record<string, unknown>) {
  const fullEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env };
  const runbook = await loadRunbook(actions, write(dir, host), { env: fullEnv });
  return drill(runbook, { env: fullEnv });
}

function expectIntact(output: string): void {
  expect(output.split('\n').map((l) => l.trim())).toEqual([
    String(SIZE),
    'external-ok',
    String(SIZE + 1),
    'intact',
    "small=it's small",
    '',
  ]);
}

describe('values too large for the environment', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'drillbook-large-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('local run: a 300 KB value arrives intact and the step still runs commands', async () => {
    const r = await runIn(dir, {});
    expect(r.ends.get('use')?.reason).toBeUndefined();
    expect(r.end.status).toBe('passed');
    expectIntact(r.output('use'));
  }, 60_000);

  it('an env: variable over 128 KiB fails its step naming the variable, never "spawn E2BIG" alone', async () => {
    const file = join(dir, 'env.yaml');
    const doc = {
      name: 'large-env',
      steps: [
        { id: 'gen', run: `head -c ${SIZE} /dev/zero | tr '\\0' b`, save: 'big' },
        { id: 'env', run: { command: 'true', env: { BODY: '{{ vars.big }}' } } },
      ],
    };
    writeFileSync(file, JSON.stringify(doc));
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
    const r = await drill(await loadRunbook(actions, file, { env }), { env });
    expect(r.end.status).toBe('failed');
    const reason = r.ends.get('env')?.reason ?? '';
    expect(reason).toMatch(/E2BIG\): environment variable BODY holds 300006 bytes/);
    expect(reason).toContain('at most 128 KiB');
    expect(reason).not.toContain('bbbb');
  }, 60_000);
});

describe.runIf(sshdTestsEnabled())('values too large for the environment, over SSH', () => {
  let sshd: Sshd;
  let home: ReturnType<typeof makeHome>;
  let dir: string;
  beforeAll(async () => {
    sshd = await startSshd();
    home = makeHome([sshd.knownHostsLine]);
    dir = mkdtempSync(join(tmpdir(), 'drillbook-large-'));
  });
  afterAll(async () => {
    await sshd?.stop();
    home?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ssh run and sudo: a 300 KB value arrives intact and the script still runs commands', async () => {
    const host = { host: sshd.host, port: sshd.port, user: 'root', identity_file: sshd.clientKey };
    const r = await runIn(dir, { HOME: home.home }, host);
    expect(r.ends.get('use')?.reason).toBeUndefined();
    expect(r.ends.get('sudo')?.reason).toBeUndefined();
    expectIntact(r.output('use'));
    expectIntact(r.output('sudo'));
  }, 120_000);
});
