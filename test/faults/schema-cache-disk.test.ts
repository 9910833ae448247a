import { readdirSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../src/plugin/contract.js';
import { runbookSchema } from '../../src/runbook/schema.js';
import { compileRunbookSchema } from '../../src/runbook/schema-cache.js';
import { actions } from '../support/registry.js';
import { fillUp, mountUnavailable, tmpfs, unmountAll } from './mounts.js';

/**
 * The compiled-schema cache is written before a drill starts, often on the disk its journal
 * will need: on a small or full disk it is not written at all (and leaves no temporary file),
 * so it never takes the room the drill's record needs, and validation still works.
 */
const noMount = mountUnavailable();
afterAll(unmountAll);

const schema = () =>
  runbookSchema(new Map<string, JsonSchema>([...actions].map(([name, a]) => [name, a.schema])));
const good = { drillbook: 1, name: 'x', steps: [{ id: 'a', run: 'true', timeout: '5s' }] };
const freeBytes = (dir: string) => {
  const { bavail, bsize } = statfsSync(dir);
  return bavail * bsize;
};

describe.skipIf(noMount !== undefined)('schema cache on a small or full disk (real tmpfs)', () => {
  it('a full disk: validates, and leaves no cache file and no temporary file behind', () => {
    const disk = tmpfs(256);
    const cache = join(disk, 'cache');
    fillUp(disk);
    expect(compileRunbookSchema(schema(), { DRILLBOOK_CACHE_DIR: cache })(good)).toBe(true);
    expect(readdirSync(cache)).toEqual([]);
  });

  it('a small disk with room for the cache: the cache leaves it alone, keeping its space for the drill', () => {
    const disk = tmpfs(2048);
    const before = freeBytes(disk);
    const cache = join(disk, 'cache');
    for (let run = 0; run < 2; run++)
      expect(compileRunbookSchema(schema(), { DRILLBOOK_CACHE_DIR: cache })(good)).toBe(true);
    expect(readdirSync(cache)).toEqual([]);
    expect(before - freeBytes(disk)).toBeLessThanOrEqual(4096);
  });
});
