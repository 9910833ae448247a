import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { RunbookError } from '../../src/runbook/errors.js';
import { MAX_RUNBOOK_BYTES, parseRunbookBytes, readRawDocument } from '../../src/runbook/load.js';
import { readRunbookBytes } from '../../src/runbook/read-file.js';
import { decodeUtf8, firstInvalidByte } from '../../src/runbook/utf8.js';

const dir = mkdtempSync(join(tmpdir(), 'drillbook-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The one printed problem of a runbook that must not load. */
async function problemOf(load: () => Promise<unknown>): Promise<string> {
  try {
    await load();
  } catch (error) {
    if (error instanceof RunbookError) return error.message;
    throw error;
  }
  throw new Error('expected a RunbookError');
}

describe('a runbook path that is not a regular file is refused before it is read', () => {
  it('a fifo with no writer: refused at once, not a hang', async () => {
    const fifo = join(dir, 'drill.yaml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const started = Date.now();
    expect(await problemOf(() => readRawDocument(fifo))).toBe(
      `${fifo}:1:1: is a named pipe (fifo), expected a runbook file (.yaml or .md) (drillbook reads only regular files)`,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  // These are refused from stat alone: drillbook never reads a byte of them.
  it.each([
    ['/dev/zero', 'a character device'],
    ['/dev/urandom', 'a character device'],
    ['/dev/null', 'a character device'],
  ])('%s is %s', async (device, kind) => {
    expect(await problemOf(() => readRawDocument(device))).toMatch(
      new RegExp(`^${device}:1:1: is ${kind}, expected a runbook file`),
    );
  });

  it('a directory and a unix socket', async () => {
    expect(await problemOf(() => readRawDocument(dir))).toMatch(
      /:1:1: is a directory, expected a runbook file/,
    );
    const socket = join(dir, 'drill.sock');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      expect(await problemOf(() => readRawDocument(socket))).toMatch(
        /:1:1: is a socket, expected a runbook file/,
      );
    } finally {
      server.close();
    }
  });

  it('a missing file names the error code', async () => {
    expect(await problemOf(() => readRawDocument(join(dir, 'nope.yaml')))).toMatch(
      /nope\.yaml:1:1: cannot read the runbook: ENOENT/,
    );
  });
});

describe('the size cap is enforced on the bytes read', () => {
  it('exactly the cap is read whole; one byte more is refused', async () => {
    const file = join(dir, 'small.yaml');
    writeFileSync(file, 'x'.repeat(100));
    expect((await readRunbookBytes(file, 100)).length).toBe(100);
    await expect(readRunbookBytes(file, 99)).rejects.toThrow(/limited to/);
  });

  it('a runbook just over 2 MB is refused with the limit, one at 2 MB is parsed', async () => {
    const at = join(dir, 'at-cap.yaml');
    const head = 'drillbook: 1\nsteps:\n  - run: echo\n#';
    writeFileSync(at, head + 'x'.repeat(MAX_RUNBOOK_BYTES - head.length));
    expect((await readRawDocument(at)).format).toBe('yaml');
    const over = join(dir, 'over-cap.yaml');
    writeFileSync(over, head + 'x'.repeat(MAX_RUNBOOK_BYTES - head.length + 1));
    expect(await problemOf(() => readRawDocument(over))).toMatch(/over-cap\.yaml:1:1: .*limited to 2 MB/);
  });
});

describe('a runbook must be UTF-8', () => {
  const bytes = (...parts: (string | number[])[]) =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

  it('a Latin-1 runbook is refused at the line and column of its first bad byte', async () => {
    // "Mörder" in Latin-1: ö is the single byte 0xF6, on line 3 after `  - name: M`.
    const latin1 = bytes('drillbook: 1\nsteps:\n  - name: M', [0xf6], 'rder\n    run: echo\n');
    expect(await problemOf(() => parseRunbookBytes('latin1.yaml', latin1))).toMatch(
      /^latin1\.yaml:3:12: the runbook is not valid UTF-8 \(byte 0xF6\)/,
    );
    const md = bytes('# Drill\n\n## Sch', [0xe9], 'ma\n');
    expect(await problemOf(() => parseRunbookBytes('latin1.md', md))).toMatch(
      /^latin1\.md:3:7: .*not valid UTF-8/,
    );
  });

  it('columns count characters, not bytes, before the bad byte', async () => {
    const text = bytes('drillbook: 1\nname: ', '日本', [0xff], '\n');
    expect(await problemOf(() => parseRunbookBytes('wide.yaml', text))).toMatch(/^wide\.yaml:2:9: .*0xFF/);
  });

  it('a UTF-8 byte order mark is accepted, in YAML and Markdown', async () => {
    const yaml = await parseRunbookBytes(
      'bom.yaml',
      bytes([0xef, 0xbb, 0xbf], 'drillbook: 1\nsteps:\n  - run: echo\n'),
    );
    expect(yaml.data).toEqual({ drillbook: 1, steps: [{ run: 'echo' }] });
    const md = await parseRunbookBytes(
      'bom.md',
      bytes([0xef, 0xbb, 0xbf], '# Drill\n\n## Go\n\n```sh\necho\n```\n'),
    );
    expect(md.data).toMatchObject({ title: 'Drill', steps: [{ name: 'Go', run: 'echo' }] });
  });

  it('overlong forms, surrogates, code points past U+10FFFF and a cut-off sequence are invalid', () => {
    for (const bad of [
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe6, 0x97],
    ]) {
      expect(decodeUtf8(Uint8Array.from([0x61, ...bad])), JSON.stringify(bad)).toMatchObject({
        ok: false,
        at: { line: 1, column: 2 },
      });
    }
  });

  it('agrees with the platform decoder on any bytes, and the bytes before the bad one decode', () => {
    const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const valid = (b: Uint8Array) => {
      try {
        strict.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        const offset = firstInvalidByte(b);
        expect(decodeUtf8(b).ok).toBe(valid(b));
        expect(offset === b.length).toBe(valid(b));
        expect(valid(b.subarray(0, offset))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(decodeUtf8(Buffer.from(s, 'utf8'))).toEqual({ ok: true, text: s });
      }),
    );
  });
});
