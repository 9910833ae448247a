import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  appendKnownHost,
  checkHostKey,
  fingerprint,
  knownHostsName,
  knownKeyTypes,
} from '../../src/ssh/known-hosts.js';

const dir = mkdtempSync(join(tmpdir(), 'drillbook-known-hosts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh key pair from ssh-keygen: its public blob and OpenSSH's own fingerprint of it. */
function key(name: string, type = 'ed25519'): { line: string; blob: Buffer; fp: string } {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file]);
  const [t, b64] = readFileSync(`${file}.pub`, 'utf8').split(' ');
  const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], {
    encoding: 'utf8',
  }).split(' ')[1];
  return { line: `${t} ${b64}`, blob: Buffer.from(b64!, 'base64'), fp: fp! };
}

describe('known_hosts', () => {
  const a = key('a');
  const b = key('b');
  const rsa = key('c', 'rsa');

  it('prints fingerprints exactly as ssh-keygen -l does', () => {
    expect(fingerprint(a.blob)).toBe(a.fp);
    expect(fingerprint(rsa.blob)).toBe(rsa.fp);
  });

  it('files hosts under [host]:port off port 22, and matches plain, wildcard and hashed entries', async () => {
    expect(knownHostsName('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
    const file = join(dir, 'kh1');
    writeFileSync(file, `# fleet\nblue,54.213.54.171 ${a.line}\n*.prod,!secret.prod ${b.line}\n`);
    expect(await checkHostKey([file], '54.213.54.171', a.blob)).toEqual({ kind: 'known' });
    expect(await checkHostKey([file], 'api.prod', b.blob)).toEqual({ kind: 'known' });
    expect(await checkHostKey([file], 'secret.prod', b.blob)).toEqual({ kind: 'unknown' });
    expect(await checkHostKey([file], '[54.213.54.171]:2222', a.blob)).toEqual({ kind: 'unknown' });

    const hashed = join(dir, 'kh2');
    writeFileSync(hashed, `[10.9.9.9]:2222 ${a.line}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', hashed], { stdio: 'ignore' });
    expect(readFileSync(hashed, 'utf8')).not.toContain('10.9.9.9');
    expect(await checkHostKey([hashed], '[10.9.9.9]:2222', a.blob)).toEqual({ kind: 'known' });
    expect(await checkHostKey([hashed], '[10.9.9.9]:2222', b.blob)).toMatchObject({ kind: 'changed' });
  });

  it('a different key of the same type is changed (with the line); another type only is unknown; @revoked wins', async () => {
    const file = join(dir, 'kh3');
    writeFileSync(file, `\nblue ${a.line}\n@revoked * ${rsa.line}\n`);
    expect(await checkHostKey([join(dir, 'missing'), file], 'blue', b.blob)).toEqual({
      kind: 'changed',
      where: `${file}:2`,
    });
    expect(await checkHostKey([file], 'blue', rsa.blob)).toEqual({ kind: 'revoked', where: `${file}:3` });
    const other = join(dir, 'kh4');
    writeFileSync(other, `blue ${rsa.line}\n`);
    expect(await checkHostKey([other], 'blue', a.blob)).toEqual({ kind: 'unknown' });
    expect(await knownKeyTypes([file, other], 'blue')).toEqual(['ssh-ed25519', 'ssh-rsa']);
  });

  it('appends new keys in the format OpenSSH reads back', async () => {
    const file = join(dir, 'new', 'known_hosts');
    await appendKnownHost(file, '[127.0.0.1]:2200', a.blob);
    expect(readFileSync(file, 'utf8')).toBe(`[127.0.0.1]:2200 ${a.line.trim()}\n`);
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2200', '-f', file], { encoding: 'utf8' });
    expect(found).toContain('found: line 1');
  });
});
