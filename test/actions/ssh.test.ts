import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshAction } from '../../src/actions/ssh.js';
import type { RawConfigOf } from '../../src/plugin/contract.js';
import { hostFor, makeHome, makeRun } from '../support/ssh-context.js';
import { type Sshd, sshdTestsEnabled, startSshd } from '../support/sshd.js';

const run = (raw: RawConfigOf<typeof sshAction>, ctx: Parameters<typeof sshAction.run>[1]) =>
  sshAction.run(sshAction.parse(raw), ctx);

describe.runIf(sshdTestsEnabled())('ssh action against a real sshd', () => {
  let blue: Sshd;
  let green: Sshd;
  let home: ReturnType<typeof makeHome>;
  const hosts = () => ({ blue: hostFor(blue), green: hostFor(green) });

  beforeAll(async () => {
    [blue, green] = await Promise.all([startSshd(), startSshd()]);
    home = makeHome([blue.knownHostsLine, green.knownHostsLine]);
  });
  afterAll(async () => {
    await Promise.all([blue?.stop(), green?.stop()]);
    home?.cleanup();
  });

  it('runs a command, streams stdout and stderr labelled with the host, and passes on exit 0', async () => {
    const t = makeRun({ hosts: hosts(), home: home.home });
    const result = await run({ host: 'blue', run: 'echo out; echo err >&2; whoami' }, t.ctx);
    await t.close();
    expect(result).toMatchObject({ ok: true, parts: [{ label: 'blue', ok: true }] });
    expect(t.text('stdout', 'blue')).toBe('out\nroot\n');
    expect(t.text('stderr', 'blue')).toBe('err\n');
  });

  it('fails with the exit status, and reports a remote signal', async () => {
    const t = makeRun({ hosts: hosts(), home: home.home });
    const exit3 = await run({ host: 'blue', run: 'echo about to fail >&2; exit 3' }, t.ctx);
    const killed = await run({ host: 'blue', run: 'kill -SEGV $$' }, t.ctx);
    await t.close();
    expect(exit3).toMatchObject({ ok: false, reason: 'command on blue exited with status 3' });
    expect(t.text('stderr')).toContain('about to fail');
    expect(killed).toMatchObject({ ok: false, reason: 'command on blue was killed by SIGSEGV' });
  });

  it('exports env (quoted, so values are not shell code) and runs under sudo -n', async () => {
    const t = makeRun({ hosts: hosts(), home: home.home });
    const result = await run(
      {
        host: 'blue',
        run: 'printf "%s|%s|%s|%s" "$GREETING" "$N" "$(id -u)" "$SUDO_USER"',
        env: { GREETING: "it's $(rm -rf /)", N: 5 },
        sudo: true,
      },
      t.ctx,
    );
    await t.close();
    expect(result.ok).toBe(true);
    expect(t.text('stdout')).toBe("it's $(rm -rf /)|5|0|root");
  });

  it('uploads a directory tree into a new remote directory, keeping modes, before running', async () => {
    const src = join(home.home, 'app');
    mkdirSync(join(src, 'lib', 'deep'), { recursive: true });
    writeFileSync(join(src, 'app.py'), 'print("hi")\n');
    writeFileSync(join(src, 'lib', 'deep', 'x.txt'), 'x'.repeat(300_000));
    writeFileSync(join(src, 'run.sh'), '#!/bin/sh\necho ran\n', { mode: 0o755 });
    const dest = join(blue.dir, 'apps', 'bookstore_api');
    const t = makeRun({ hosts: hosts(), home: home.home });
    const result = await run(
      { host: 'blue', upload: { from: './app', to: dest }, run: `${dest}/run.sh` },
      t.ctx,
    );
    await t.close();
    expect(result.ok).toBe(true);
    expect(readFileSync(join(dest, 'app.py'), 'utf8')).toBe('print("hi")\n');
    expect(readFileSync(join(dest, 'lib', 'deep', 'x.txt'), 'utf8')).toHaveLength(300_000);
    expect(statSync(join(dest, 'run.sh')).mode & 0o777).toBe(0o755);
    expect(t.text('info', 'blue')).toContain('uploaded 3 file(s)');
    expect(t.text('stdout')).toBe('ran\n');
  });

  it('leaves version-control metadata and exclude: globs out of an upload', async () => {
    const src = join(home.home, 'checkout');
    for (const dir of ['.git/objects', '.svn', 'sub/.hg', 'node_modules/x', 'static', 'pkg/__pycache__'])
      mkdirSync(join(src, dir), { recursive: true });
    const files: Record<string, string> = {
      '.git/config': '[remote] url = https://token@example.com/r.git\n',
      '.git/objects/ab': 'blob',
      '.svn/entries': 'svn',
      'sub/.hg/store': 'hg',
      'sub/keep.txt': 'kept',
      '.gitignore': '*.pyc\n',
      'app.py': 'app',
      'app.pyc': 'compiled',
      'pkg/__pycache__/m.pyc': 'compiled',
      'pkg/m.py': 'module',
      'node_modules/x/index.js': 'dep',
      'static/site.js': 'js',
      'static/site.js.map': 'map',
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(src, name), text);
    const dest = join(blue.dir, 'filtered');
    const t = makeRun({ hosts: hosts(), home: home.home });
    const result = await run(
      {
        host: 'blue',
        upload: { from: './checkout', to: dest, exclude: ['*.pyc', 'node_modules', 'static/*.map'] },
        run: `cd ${dest} && find . -type f | sort`,
      },
      t.ctx,
    );
    await t.close();
    expect(result.ok, t.text('stderr')).toBe(true);
    expect(t.text('stdout')).toBe(
      ['./.gitignore', './app.py', './pkg/m.py', './static/site.js', './sub/keep.txt', ''].join('\n'),
    );
    expect(t.text('info', 'blue')).toContain('uploaded 5 file(s)');
  });

  it('uploads a single file into the remote directory', async () => {
    writeFileSync(join(home.home, 'release.txt'), 'v2\n');
    const dest = join(green.dir, 'single');
    const t = makeRun({ hosts: hosts(), home: home.home });
    const result = await run({ host: 'green', upload: { from: 'release.txt', to: dest } }, t.ctx);
    await t.close();
    expect(result.ok).toBe(true);
    expect(readFileSync(join(dest, 'release.txt'), 'utf8')).toBe('v2\n');
  });

  it('fans out to blue and green in parallel, one part per host, and names the host that failed', async () => {
    const t = makeRun({ hosts: hosts(), home: home.home });
    // Each host waits until the other has started: only passes when both run at the same time.
    const me = `\${SSH_CONNECTION##* }`;
    const flags = join(home.home, 'flags');
    mkdirSync(flags);
    const rendezvous = `touch ${flags}/${me}; i=0; while [ $(ls ${flags} | wc -l) -lt 2 ]; do i=$((i+1)); [ $i -gt 200 ] && exit 9; sleep 0.05; done; echo "on ${me}"`;
    const ok = await run({ host: ['blue', 'green'], run: rendezvous }, t.ctx);
    const mixed = await run(
      { host: ['blue', 'green'], run: `[ ${me} = ${green.port} ] && exit 7; true` },
      t.ctx,
    );
    await t.close();
    expect(ok).toMatchObject({
      ok: true,
      parts: [
        { label: 'blue', ok: true },
        { label: 'green', ok: true },
      ],
    });
    expect(t.text('stdout', 'blue')).toBe(`on ${blue.port}\n`);
    expect(t.text('stdout', 'green')).toBe(`on ${green.port}\n`);
    expect(mixed).toMatchObject({
      ok: false,
      reason: '1 of 2 hosts failed: command on green exited with status 7',
      parts: [
        { label: 'blue', ok: true },
        { label: 'green', ok: false },
      ],
    });
  });
});
