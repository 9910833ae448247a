import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkHostKey } from '../../src/ssh/known-hosts.js';

const dir = mkdtempSync(join(tmpdir(), 'drillbook-kh-markers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function key(name: string): { line: string; blob: Buffer } {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  const [t, b64] = readFileSync(`${file}.pub`, 'utf8').split(' ');
  return { line: `${t} ${b64}`, blob: Buffer.from(b64!, 'base64') };
}

describe('known_hosts names and markers, as OpenSSH reads them', () => {
  const a = key('a');
  const ca = key('ca');

  it('a hashed entry written by ssh-keygen matches the host name in any case (OpenSSH lower-cases it)', async () => {
    const file = join(dir, 'hashed');
    writeFileSync(file, `db.internal.example ${a.line}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    for (const name of ['db.internal.example', 'DB.Internal.EXAMPLE'])
      expect(await checkHostKey([file], name, a.blob), name).toEqual({ kind: 'known' });
  });

  it('@revoked wins over a plain entry of the same key; @cert-authority alone does not vouch for a key', async () => {
    const file = join(dir, 'markers');
    writeFileSync(file, `blue ${a.line}\n@revoked * ${a.line}\n@cert-authority *.prod ${ca.line}\n`);
    expect(await checkHostKey([file], 'blue', a.blob)).toEqual({ kind: 'revoked', where: `${file}:2` });
    expect(await checkHostKey([file], 'api.prod', a.blob)).toEqual({ kind: 'revoked', where: `${file}:2` });
    const other = key('other');
    expect(await checkHostKey([file], 'api.prod', other.blob)).toEqual({
      kind: 'unknown',
      certAuthority: `${file}:3`,
    });
  });
});
