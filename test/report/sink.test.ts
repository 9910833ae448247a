import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createReportSink, writeReportFile } from '../../src/report/index.js';
import { EventScript } from '../support/events.js';
import { assertValidJunit } from '../support/xmllint.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drillbook-report-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sampleRun(): EventScript {
  const s = new EventScript().runStart(['a', 'b']);
  s.gate('a', 'approved', 'yes-flag', 'approved by --yes').step('a', { output: 'hello\n' });
  return s.step('b', { status: 'failed', reason: 'exit 2' }).runEnd('failed', 1, 'step b failed');
}

describe('createReportSink', () => {
  it('writes JUnit and JSON into new directories and returns their paths', async () => {
    const junit = join(dir, 'reports', 'junit', 'drill.xml');
    const json = join(dir, 'reports', 'drill.json');
    const sink = createReportSink({ junit, json });
    for (const e of sampleRun().events) sink.add(e);
    expect(await sink.finish()).toEqual({ written: [junit, json], failed: [] });
    assertValidJunit(junit);
    expect(await readFile(junit, 'utf8')).toContain('<failure message="exit 2" type="failed">');
    const parsed = JSON.parse(await readFile(json, 'utf8')) as { schemaVersion: number; status: string };
    expect(parsed).toMatchObject({ schemaVersion: 1, status: 'failed' });
    expect((await readdir(join(dir, 'reports'))).sort()).toEqual(['drill.json', 'junit']);
  });

  it('gives the same reports from journal lines as from the live events', async () => {
    const events = sampleRun().events;
    const live = createReportSink({ junit: join(dir, 'live.xml'), json: join(dir, 'live.json') });
    const rebuilt = createReportSink({ junit: join(dir, 'rebuilt.xml'), json: join(dir, 'rebuilt.json') });
    for (const e of events) live.add(e);
    const journal = events.map((e) => JSON.stringify(e)).join('\n');
    for (const line of journal.split('\n')) rebuilt.add(JSON.parse(line));
    await live.finish();
    await rebuilt.finish();
    expect(await readFile(join(dir, 'rebuilt.xml'), 'utf8')).toBe(
      await readFile(join(dir, 'live.xml'), 'utf8'),
    );
    expect(await readFile(join(dir, 'rebuilt.json'), 'utf8')).toBe(
      await readFile(join(dir, 'live.json'), 'utf8'),
    );
  });

  it('writes nothing when no file was asked for', async () => {
    const sink = createReportSink({});
    for (const e of sampleRun().events) sink.add(e);
    expect(await sink.finish()).toEqual({ written: [], failed: [] });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('writeReportFile', () => {
  it('replaces an existing file whole and leaves no temporary file behind', async () => {
    const path = join(dir, 'junit.xml');
    await writeFile(path, 'old');
    await writeReportFile(path, 'new content');
    expect(await readFile(path, 'utf8')).toBe('new content');
    expect(await readdir(dir)).toEqual(['junit.xml']);
  });

  it('fails with the path when the target cannot be written, cleaning up', async () => {
    const blocker = join(dir, 'file');
    await writeFile(blocker, 'x');
    await expect(writeReportFile(join(blocker, 'junit.xml'), 'x')).rejects.toThrow(/file/);
    expect(await readdir(dir)).toEqual(['file']);
  });
});

describe('assertValidJunit', () => {
  it("throws with xmllint's message for XML the schema rejects", () => {
    expect(() => assertValidJunit('<testsuites><testsuite name="x"/></testsuites>')).toThrow(
      /attribute 'tests' is required/,
    );
  });
});
