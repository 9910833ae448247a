import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dropCutLastLine } from '../../src/engine/journal-tail.js';
import { LOCK_FILE, takeRunLock } from '../../src/engine/run-lock.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'drillbook-lock-'));

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

describe('run directory lock', () => {
  it('is held by one process at a time and released by its holder', () => {
    const dir = freshDir();
    const first = takeRunLock(dir);
    expect(first.ok).toBe(true);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toMatch(new RegExp(`^${process.pid}( \\d+)?\\n$`));
    const second = takeRunLock(dir);
    expect(second).toEqual({ ok: false, pid: process.pid });
    if (first.ok) first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const third = takeRunLock(dir);
    expect(third.ok).toBe(true);
    if (third.ok) third.release();
  });

  it('a lock left by a dead process (kill -9) holds nothing', () => {
    const dir = freshDir();
    writeFileSync(join(dir, LOCK_FILE), `${deadPid()}\n`);
    const lock = takeRunLock(dir);
    expect(lock.ok).toBe(true);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').startsWith(`${process.pid}`)).toBe(true);
  });

  it.runIf(existsSync('/proc/self/stat'))(
    'a live pid that started later than the lock (reused) holds nothing',
    () => {
      const dir = freshDir();
      // This process's pid, with a start time it never had: the pid was handed out again.
      writeFileSync(join(dir, LOCK_FILE), `${process.pid} 1\n`);
      expect(takeRunLock(dir).ok).toBe(true);
    },
  );

  it('a damaged lock file does not block the run directory forever', () => {
    const dir = freshDir();
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    expect(takeRunLock(dir).ok).toBe(true);
  });
});

describe('dropCutLastLine', () => {
  it('drops only a last line that a kill cut short', () => {
    const dir = freshDir();
    const file = join(dir, 'journal.jsonl');
    writeFileSync(file, '{"a":1}\n{"b":2}\n{"c":');
    expect(dropCutLastLine(file)).toBe(5);
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n{"b":2}\n');
    expect(dropCutLastLine(file)).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n{"b":2}\n');
  });

  it('finds the last newline behind a cut line longer than its read chunk', () => {
    const dir = freshDir();
    const file = join(dir, 'journal.jsonl');
    writeFileSync(file, `{"a":1}\n{"tail":"${'x'.repeat(300_000)}`);
    dropCutLastLine(file);
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    writeFileSync(file, '{"never-ended":');
    dropCutLastLine(file);
    expect(readFileSync(file, 'utf8')).toBe('');
  });
});
