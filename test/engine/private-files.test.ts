import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal, runDirFor } from '../../src/engine/journal.js';
import { workspace } from '../support/cli.js';

const META = {
  runbook: 'rb.yaml',
  digest: 'x',
  vars: {},
  rollback: 'on-failure' as const,
  acceptNewHostKeys: false,
};
const mode = (path: string) => statSync(path).mode & 0o777;

describe('run directory permissions', () => {
  const original = process.umask();
  afterEach(() => {
    process.umask(original);
  });

  for (const umask of [0o000, 0o022, 0o277]) {
    it(`are 0700 for directories and 0600 for files with umask ${umask.toString(8).padStart(3, '0')}`, () => {
      const ws = workspace();
      process.umask(umask);
      const dir = runDirFor(ws.dir, 'run-1', 'drill');
      const journal = new Journal(dir, META);
      journal.write({ type: 'run-end', time: 0, status: 'passed', exitCode: 0 });
      journal.close();
      process.umask(original);
      expect(mode(join(ws.dir, '.drillbook', 'runs')).toString(8)).toBe('700');
      expect(mode(dir).toString(8)).toBe('700');
      expect(mode(join(dir, 'meta.json')).toString(8)).toBe('600');
      expect(mode(join(dir, 'journal.jsonl')).toString(8)).toBe('600');
    });
  }
});
