import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real small filesystems for the fault suite: a tmpfs of a few hundred KB fills up for real
 * (ENOSPC from the kernel), and one remounted read-only refuses writes even to root (EROFS),
 * which file permission bits never do for root. Mounting needs root (or CAP_SYS_ADMIN); where
 * it is not possible the suite skips loudly, unless DRILLBOOK_REQUIRE_MOUNT=1 (CI runs as root).
 */
const mounted: string[] = [];

function sh(command: string, args: string[]): string | undefined {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.error) return r.error.message;
  return r.status === 0 ? undefined : (r.stderr || `exit ${r.status}`).trim();
}

/** Why tmpfs cannot be mounted here, or undefined when it can. Probed once. */
let probe: string | undefined | null = null;
export function mountUnavailable(): string | undefined {
  if (probe !== null) return probe;
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-mount-probe-'));
  probe = sh('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
  if (probe === undefined) sh('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
  if (probe !== undefined) {
    if (process.env['DRILLBOOK_REQUIRE_MOUNT'] === '1')
      throw new Error(`the fault suite needs to mount tmpfs (DRILLBOOK_REQUIRE_MOUNT=1): ${probe}`);
    process.stderr.write(
      `\n*** fault suite: SKIPPING real-disk tests: cannot mount tmpfs (${probe}) ***\n\n`,
    );
  }
  return probe;
}

/** A fresh tmpfs of `sizeKb` KB; unmounted by unmountAll(). */
export function tmpfs(sizeKb: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-tmpfs-'));
  const error = sh('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0755`, 'tmpfs', dir]);
  if (error) throw new Error(`mount tmpfs on ${dir}: ${error}`);
  mounted.push(dir);
  return dir;
}

/** A tmpfs remounted read-only: every write in it fails with EROFS, for root too. */
export function readOnlyDir(): string {
  const dir = tmpfs(64);
  const error = sh('mount', ['-o', 'remount,ro', dir]);
  if (error) throw new Error(`remount ${dir} read-only: ${error}`);
  return dir;
}

/** Writes a filler file until the filesystem says ENOSPC. */
export function fillUp(dir: string): void {
  const fd = openSync(join(dir, 'filler'), 'w');
  const block = Buffer.alloc(4096, 120);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

/** Unmounts everything this process mounted (lazily, so a busy mount never blocks it). */
export function unmountAll(): void {
  for (const dir of mounted.splice(0)) {
    sh('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}
