import { existsSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeDrill } from '../../src/commands/execute.js';
import type { SpoolFs } from '../../src/engine/output-spool.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { actions } from '../support/registry.js';
import { capturingIo, healthyDir, STACK_LINE, writeRunbook } from './in-process.js';

/** The step output copies' writes fail with EIO from the Nth on; the journal's disk is healthy. */
function dyingDisk(failFromWrite: number): SpoolFs {
  let writes = 0;
  return {
    writeSync(fd, text) {
      writes++;
      if (writes >= failFromWrite)
        throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO', errno: -5 });
      return writeSync(fd, text);
    },
  };
}

describe('step output copies on a disk that fails with EIO', () => {
  it('the drill runs every step and passes; one line says which copy was not written', async () => {
    const dir = healthyDir();
    const file = writeRunbook(
      dir,
      `drillbook: 1
name: spool-eio
steps:
  - { id: one, run: "echo one" }
  - { id: two, run: "echo two; touch ${join(dir, 'two.ran')}" }
  - { id: three, run: "echo three; touch ${join(dir, 'three.ran')}" }
`,
    );
    const runbook = await loadRunbook(actions, file, { env: process.env });
    const { io, out } = capturingIo(dir);
    const code = await executeDrill(
      {
        runbook,
        actions,
        headless: true,
        yes: true,
        approve: [],
        settings: { rollback: 'on-failure', acceptNewHostKeys: false, dryRun: false, failOnSkip: false },
        varOverrides: {},
        spoolFs: dyingDisk(2),
      },
      io,
    );
    expect(code, out.stderr).toBe(0);
    expect(out.stderr).not.toMatch(STACK_LINE);
    expect(out.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^drillbook: not written \(the drill's verdict stands\): step output copy .*output\/2-two\.log: EIO \(input\/output error\)$/,
      ),
    ]);
    expect(existsSync(join(dir, 'three.ran'))).toBe(true);
    expect(out.stdout).toContain('three');
    const runs = join(dir, '.drillbook', 'runs');
    const [run] = readdirSync(runs);
    expect(readdirSync(join(runs, run!)).sort()).toEqual(['journal.jsonl', 'meta.json', 'output']);
  });
});
