import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { matchesPatternList } from './host-pattern.js';

/** What the known_hosts files say about the key a server presented. */
export type HostKeyVerdict =
  | { kind: 'known' }
  | { kind: 'unknown'; certAuthority?: string }
  | { kind: 'changed'; where: string }
  | { kind: 'revoked'; where: string };

interface Entry {
  marker: '' | '@revoked' | '@cert-authority';
  hosts: string;
  keyType: string;
  key: Buffer;
  where: string;
}

/** The name OpenSSH files a host under: `host`, or `[host]:port` off port 22. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** `SHA256:<base64, no padding>`, exactly as `ssh-keygen -l` and OpenSSH's prompts print it. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The algorithm name at the start of an SSH public key blob (`ssh-ed25519`, ...). */
export function keyType(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const length = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

/** Checks a presented host key against every file; a missing file has no entries. */
export async function checkHostKey(
  files: readonly string[],
  name: string,
  keyBlob: Buffer,
): Promise<HostKeyVerdict> {
  // OpenSSH files and hashes host names in lower case (`ssh -G` prints them so, too).
  const entries = (await readEntries(files)).filter((e) => hostMatches(e.hosts, name.toLowerCase()));
  const same = (e: Entry) => e.key.equals(keyBlob);
  const revoked = entries.find((e) => e.marker === '@revoked' && same(e));
  if (revoked) return { kind: 'revoked', where: revoked.where };
  const plain = entries.filter((e) => e.marker === '');
  if (plain.some(same)) return { kind: 'known' };
  // A different key of the same type is a changed key. Keys of other types only are not:
  // OpenSSH then treats the host as new, and `preferredHostKeyTypes` avoids that case.
  const other = plain.find((e) => e.keyType === keyType(keyBlob));
  if (other) return { kind: 'changed', where: other.where };
  // drillbook does not negotiate host certificates, so a CA entry cannot vouch for the key.
  const ca = entries.find((e) => e.marker === '@cert-authority');
  return ca ? { kind: 'unknown', certAuthority: ca.where } : { kind: 'unknown' };
}

/** Key types already known for `name`, so the handshake can ask the server for one of them. */
export async function knownKeyTypes(files: readonly string[], name: string): Promise<string[]> {
  const entries = await readEntries(files);
  return [
    ...new Set(
      entries
        .filter((e) => e.marker === '' && hostMatches(e.hosts, name.toLowerCase()))
        .map((e) => e.keyType),
    ),
  ];
}

/** Appends a plain entry, creating ~/.ssh (0700) if needed. */
export async function appendKnownHost(file: string, name: string, keyBlob: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const text = await readFile(file, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) prefix = '\n';
  } catch {
    // New file.
  }
  await appendFile(file, `${prefix}${name} ${keyType(keyBlob)} ${keyBlob.toString('base64')}\n`, {
    mode: 0o600,
  });
}

async function readEntries(files: readonly string[]): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    text.split(/\r?\n/).forEach((line, i) => {
      const words = line.trim().split(/\s+/);
      if (words[0] === undefined || words[0] === '' || words[0].startsWith('#')) return;
      const marker = words[0].startsWith('@') ? words.shift() : '';
      const [hosts, type, key] = words;
      if (hosts === undefined || type === undefined || key === undefined) return;
      if (marker !== '' && marker !== '@revoked' && marker !== '@cert-authority') return;
      entries.push({
        marker,
        hosts,
        keyType: type,
        key: Buffer.from(key, 'base64'),
        where: `${file}:${i + 1}`,
      });
    });
  }
  return entries;
}

/** Plain pattern lists or a hashed `|1|salt|hmac-sha1(salt, name)` entry. */
function hostMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (salt === undefined || hash === undefined) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  return matchesPatternList(name, hosts.split(','));
}
