import { existsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeDrill } from '../../src/commands/execute.js';
import type { JournalFs } from '../../src/engine/journal.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { actions } from '../support/registry.js';
import { assertValidJunit } from '../support/xmllint.js';
import { capturingIo, healthyDir, STACK_LINE, writeRunbook } from './in-process.js';

/**
 * A disk that starts failing reads and writes (EIO) cannot be made on demand, so the journal's
 * writes go through a seam here: the real journal file, until the Nth write fails as a dying
 * disk would. Everything else (engine, steps, reports) is real.
 */
function dyingDisk(failFromWrite: number): JournalFs {
  let writes = 0;
  return {
    writeSync(fd, text) {
      writes++;
      if (writes >= failFromWrite)
        throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO', errno: -5 });
      return writeSync(fd, text);
    },
    fsync: (_fd, done) => done(null),
  };
}

describe('journal on a disk that fails with EIO', () => {
  it('stops at the failing write, still runs undo and finally, writes the JUnit report, exit 1', async () => {
    const dir = healthyDir();
    const mark = (name: string) => `touch ${join(dir, `${name}.ran`)}`;
    const file = writeRunbook(
      dir,
      `drillbook: 1
name: eio
steps:
  - { id: one, run: "${mark('one')}", undo: { run: "${mark('undo-one')}" } }
  - { id: two, run: "${mark('two')}; echo more output" }
  - { id: three, run: "${mark('three')}" }
finally:
  - { id: restore, run: "${mark('restore')}" }
`,
    );
    const runbook = await loadRunbook(actions, file, { env: process.env });
    const { io, out } = capturingIo(dir);
    const junit = join(dir, 'drill.xml');
    // Writes: run-start, step-start one, output..., so the 4th lands inside step one or two.
    const code = await executeDrill(
      {
        runbook,
        actions,
        headless: true,
        junit,
        yes: true,
        approve: [],
        settings: { rollback: 'on-failure', acceptNewHostKeys: false, dryRun: false, failOnSkip: false },
        varOverrides: {},
        journalFs: dyingDisk(4),
      },
      io,
    );
    expect(code, out.stderr).toBe(1);
    expect(out.stderr).not.toMatch(STACK_LINE);
    expect(out.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^drillbook: not written: journal .*journal\.jsonl: EIO \(input\/output error\)$/,
      ),
    ]);
    expect(existsSync(join(dir, 'three.ran'))).toBe(false);
    expect(existsSync(join(dir, 'undo-one.ran'))).toBe(true);
    expect(existsSync(join(dir, 'restore.ran'))).toBe(true);
    assertValidJunit(junit);
    expect(out.stdout).toMatch(/aborted: cannot write the journal .*EIO/);
  });
});
