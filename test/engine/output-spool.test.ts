import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import type { WriteFault } from '../../src/engine/fs-fault.js';
import { OutputSpool, type SpoolFs } from '../../src/engine/output-spool.js';
import { workspace } from '../support/cli.js';
import { drill, yamlRunbook } from '../support/drill.js';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
const output = (stepId: string, text: string): EngineEvent => ({
  type: 'output',
  time: 0,
  stepId,
  stream: 'stdout',
  text,
});
const stepEnd = (stepId: string): EngineEvent =>
  ({ type: 'step-end', time: 0, stepId, status: 'passed', durationMs: 1 }) as EngineEvent;

/** The run's real files, until the Nth write fails as a dying disk (EIO) would. */
function dyingDisk(failFromWrite: number): SpoolFs & { writes: number } {
  const disk = {
    writes: 0,
    writeSync(fd: number, text: string) {
      disk.writes++;
      if (disk.writes >= failFromWrite)
        throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO', errno: -5 });
      return writeSync(fd, text);
    },
  };
  return disk;
}

describe('output spool', () => {
  it("keeps a step's whole output (10,000 lines), redacted, in a private file per step", async () => {
    const rb = await yamlRunbook(
      `
secrets: [TOKEN]
steps:
  - { id: chatty, run: "i=0; while [ $i -lt 10000 ]; do i=$((i+1)); echo \\"line $i token=$TOKEN\\"; done" }
  - { id: quiet, run: "true" }
  - { id: after, run: "echo second step" }
`,
      { TOKEN: 's3cret-value' },
    );
    const runDir = join(workspace().dir, 'run');
    const spool = new OutputSpool(runDir);
    // The journal creates the run directory first; here the spool makes the rest.
    await drill(rb, { env: { ...process.env, TOKEN: 's3cret-value' }, onEvent: spool.listener });
    spool.close();
    expect(spool.fault).toBeUndefined();
    const dir = join(runDir, 'output');
    expect(readdirSync(dir).sort()).toEqual(['1-chatty.log', '2-after.log']);
    expect(spool.pathFor('quiet')).toBeUndefined();
    const chatty = readFileSync(join(dir, '1-chatty.log'), 'utf8');
    const lines = chatty.trimEnd().split('\n');
    expect(lines).toHaveLength(10_000);
    expect(lines[0]).toBe('line 1 token=***');
    expect(lines[9999]).toBe('line 10000 token=***');
    expect(chatty).not.toContain('s3cret');
    expect(readFileSync(join(dir, '2-after.log'), 'utf8')).toBe('second step\n');
    expect(mode(dir)).toBe('700');
    expect(mode(join(dir, '1-chatty.log'))).toBe('600');
  });

  it('keeps at most the cap per step, cut on a character, and says how many bytes it dropped', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', '\n'), maxLength: 40 }), {
          maxLength: 20,
        }),
        fc.integer({ min: 1, max: 300 }),
        (chunks, cap) => {
          const spool = new OutputSpool(join(workspace().dir, 'run'), { capBytes: cap });
          for (const chunk of chunks) spool.write(output('s', chunk));
          spool.write(stepEnd('s'));
          spool.close();
          const all = chunks.join('');
          const path = spool.pathFor('s');
          if (all === '') return path === undefined;
          const text = readFileSync(path!, 'utf8');
          const marker = /\n\[truncated: (\d+) bytes not kept\]\n$/.exec(text);
          const kept = marker ? text.slice(0, marker.index) : text;
          expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(cap);
          const dropped = Buffer.byteLength(all) - Buffer.byteLength(kept);
          expect(marker ? Number(marker[1]) : 0).toBe(dropped);
          // What is kept is what the step printed, in order, and no less than fits.
          expect(all.startsWith(kept)).toBe(true);
          if (dropped > 0) expect(Buffer.byteLength(kept)).toBeGreaterThan(cap - 4);
          return true;
        },
      ),
      { numRuns: 60 },
    );
  });

  it('stops at the first failing write, tells once, and never throws into the run', () => {
    const faults: WriteFault[] = [];
    const disk = dyingDisk(3);
    const spool = new OutputSpool(join(workspace().dir, 'run'), { fs: disk, onFault: (f) => faults.push(f) });
    expect(() => {
      for (let i = 0; i < 10; i++) spool.write(output(i % 2 ? 'a' : 'b', `chunk ${i}\n`));
      spool.write(stepEnd('a'));
      spool.close();
    }).not.toThrow();
    expect(faults).toHaveLength(1);
    expect(faults[0]?.why).toBe('EIO (input/output error)');
    expect(faults[0]?.path).toMatch(/output\/1-b\.log$/);
    expect(disk.writes).toBe(3);
    expect(readFileSync(spool.pathFor('b')!, 'utf8')).toBe('chunk 0\n');
  });

  it('cannot create its directory: one fault, nothing thrown', () => {
    const faults: WriteFault[] = [];
    const file = join(mkdtempSync(join(workspace().dir, 'x-')), 'not-a-dir');
    // A file where the run directory should be: ENOTDIR for output/.
    writeFileSync(file, 'x');
    const spool = new OutputSpool(file, { onFault: (f) => faults.push(f) });
    spool.write(output('s', 'hello\n'));
    spool.write(output('s', 'again\n'));
    spool.close();
    expect(faults.map((f) => f.code)).toEqual(['ENOTDIR']);
    expect(spool.pathFor('s')).toBeUndefined();
  });
});
