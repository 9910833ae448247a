import { readdir, stat } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import type { Client, SFTPWrapper } from 'ssh2';
import { type UploadFilter, uploadFilter } from './upload-filter.js';

export interface UploadResult {
  files: number;
  bytes: number;
}

/** Files uploaded at the same time; each fastPut also pipelines its own chunks. */
const CONCURRENCY = 4;

/**
 * Uploads a file or a directory tree over SFTP into the remote directory `to` (created with
 * its parents if missing), like Jenkins "Publish over SSH": `from: ./app` puts the contents
 * of app/ into `to`; `from: ./app.tar` puts `to/app.tar`. File modes are kept. A relative
 * or `~/` `to` is relative to the remote user's home. Version-control metadata (`.git`, ...)
 * and paths matching `exclude` globs are left out (see upload-filter.ts).
 */
export async function uploadTree(
  client: Client,
  from: string,
  to: string,
  signal: AbortSignal,
  exclude: readonly string[] = [],
): Promise<UploadResult> {
  const skip = uploadFilter(exclude);
  const source = await stat(from).catch(() => undefined);
  if (!source) throw new Error(`upload source ${from} does not exist`);
  const remoteRoot = to.replace(/^~\/?/, '') || '.';
  const sftp = await openSftp(client, signal);
  const onAbort = () => sftp.end();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await mkdirs(sftp, remoteRoot);
    const files: Array<{ local: string; remote: string; mode: number; size: number }> = [];
    if (source.isDirectory()) {
      const tree = {
        mkdir: async (dir: string) => mkdirOnce(sftp, dir),
        skip,
        files,
        seen: new Set<string>(),
      };
      await walk(from, remoteRoot, '', tree);
    } else {
      files.push({
        local: from,
        remote: posix.join(remoteRoot, basename(from)),
        mode: source.mode & 0o7777,
        size: source.size,
      });
    }
    let next = 0;
    const worker = async () => {
      for (let f = files[next++]; f; f = files[next++]) {
        if (signal.aborted) throw new Error(`upload stopped: ${String(signal.reason ?? 'aborted')}`);
        await put(sftp, f.local, f.remote, f.mode);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return { files: files.length, bytes: files.reduce((n, f) => n + f.size, 0) };
  } catch (error) {
    if (signal.aborted) throw new Error(`upload stopped: ${String(signal.reason ?? 'aborted')}`);
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    sftp.end();
  }
}

interface Tree {
  mkdir: (dir: string) => Promise<void>;
  skip: UploadFilter;
  files: Array<{ local: string; remote: string; mode: number; size: number }>;
  seen: Set<string>;
}

async function walk(localDir: string, remoteDir: string, relativeDir: string, tree: Tree): Promise<void> {
  const { mkdir, files, seen } = tree;
  const info = await stat(localDir);
  // Symlinked directories are followed once; a loop would otherwise never end.
  const id = `${info.dev}:${info.ino}`;
  if (seen.has(id)) return;
  seen.add(id);
  for (const entry of (await readdir(localDir)).sort()) {
    const relative = relativeDir === '' ? entry : `${relativeDir}/${entry}`;
    if (tree.skip(relative)) continue;
    const local = join(localDir, entry);
    const remote = posix.join(remoteDir, entry);
    const s = await stat(local).catch(() => undefined);
    if (!s) continue; // dangling symlink
    if (s.isDirectory()) {
      await mkdir(remote);
      await walk(local, remote, relative, tree);
    } else if (s.isFile()) files.push({ local, remote, mode: s.mode & 0o7777, size: s.size });
  }
}

function openSftp(client: Client, signal: AbortSignal): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    const stopped = () => new Error(`upload stopped: ${String(signal.reason ?? 'aborted')}`);
    if (signal.aborted) return reject(stopped());
    // A half-dead connection may never answer: abort must still return.
    const onAbort = () => reject(stopped());
    signal.addEventListener('abort', onAbort, { once: true });
    client.sftp((error, sftp) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) sftp?.end();
      else if (error) reject(new Error(`cannot start SFTP: ${error.message}`));
      else resolve(sftp);
    });
  });
}

/** `mkdir -p`: each missing component is created; an existing non-directory is an error. */
async function mkdirs(sftp: SFTPWrapper, path: string): Promise<void> {
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    if (prefix === '' || prefix === '.') continue;
    await mkdirOnce(sftp, prefix);
  }
}

function mkdirOnce(sftp: SFTPWrapper, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    sftp.mkdir(path, (mkdirError) => {
      if (!mkdirError) return resolve();
      // Usually "already exists": fine if it is a directory.
      sftp.stat(path, (statError, s) => {
        if (statError) reject(new Error(`cannot create remote directory ${path}: ${mkdirError.message}`));
        else if (!s.isDirectory()) reject(new Error(`remote path ${path} exists and is not a directory`));
        else resolve();
      });
    });
  });
}

function put(sftp: SFTPWrapper, local: string, remote: string, mode: number): Promise<void> {
  return new Promise((resolve, reject) =>
    sftp.fastPut(local, remote, { mode }, (error) =>
      error ? reject(new Error(`cannot upload ${local} to ${remote}: ${error.message}`)) : resolve(),
    ),
  );
}
