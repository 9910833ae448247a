import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../src/plugin/contract.js';
import { runbookSchema } from '../../src/runbook/schema.js';
import { compileRunbookSchema } from '../../src/runbook/schema-cache.js';
import { actions } from '../support/registry.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const cacheEnv = () => {
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-schema-cache-'));
  dirs.push(dir);
  return { dir, env: { DRILLBOOK_CACHE_DIR: dir } };
};
const schema = () =>
  runbookSchema(new Map<string, JsonSchema>([...actions].map(([name, a]) => [name, a.schema])));

const bad = {
  drillbook: 1,
  name: 'x',
  steps: [
    { id: 'a', run: 'true', timout: '5s' },
    { id: 'b', parallel: [{ run: 5 }] },
  ],
};
const good = { drillbook: 1, name: 'x', steps: [{ id: 'a', run: 'true', timeout: '5s' }] };

/** What validate.ts and schema-errors.ts read from an error. */
function errorsOf(validate: ReturnType<typeof compileRunbookSchema>, data: unknown) {
  expect(validate(data)).toBe(false);
  return (validate.errors ?? []).map((e) => ({
    instancePath: e.instancePath,
    keyword: e.keyword,
    params: e.params,
    allowed: Object.keys((e.parentSchema?.['properties'] as object | undefined) ?? {}),
  }));
}

describe('compiled runbook schema cache', () => {
  it('a validator loaded from the cache reports exactly what a freshly compiled one does', () => {
    const { dir, env } = cacheEnv();
    const fresh = compileRunbookSchema(schema(), env);
    expect(readdirSync(dir)).toEqual([expect.stringMatching(/^runbook-schema-[0-9a-f]+\.cjs$/)]);
    const cached = compileRunbookSchema(schema(), env);
    expect(cached).not.toBe(fresh);
    expect(cached(good)).toBe(true);
    expect(errorsOf(cached, bad)).toEqual(errorsOf(fresh, bad));
    expect(errorsOf(cached, bad).some((e) => e.allowed.includes('timeout'))).toBe(true);
    // Loading the code also left V8's compiled code for it; a load that uses that agrees too.
    expect(readdirSync(dir).filter((f) => f.endsWith('.v8'))).toHaveLength(1);
    const fromCodeCache = compileRunbookSchema(schema(), env);
    expect(fromCodeCache(good)).toBe(true);
    expect(errorsOf(fromCodeCache, bad)).toEqual(errorsOf(fresh, bad));
    // And it really is the cached file that answers.
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.cjs')))
      writeFileSync(join(dir, f), 'module.exports = () => "from cache";');
    expect(compileRunbookSchema(schema(), env)(good)).toBe('from cache');
  });

  it("a changed schema gets its own cache entry, which replaces the old schema's", () => {
    const { dir, env } = cacheEnv();
    compileRunbookSchema(schema(), env);
    compileRunbookSchema(schema(), env); // loads it, and writes V8's code cache beside it
    const old = readdirSync(dir);
    expect(old).toHaveLength(2);
    writeFileSync(join(dir, 'someone-elses-file'), 'kept');
    const changed = schema() as { properties: Record<string, unknown> };
    changed.properties['extra'] = { type: 'string' };
    const validate = compileRunbookSchema(changed, env);
    const now = readdirSync(dir);
    expect(now).toHaveLength(2);
    expect(now).toContain('someone-elses-file');
    for (const f of old) expect(now).not.toContain(f);
    expect(validate({ ...good, extra: 'yes' })).toBe(true);
  });

  it('a corrupt cache file or an unusable cache directory still validates', () => {
    const { dir, env } = cacheEnv();
    compileRunbookSchema(schema(), env);
    for (const f of readdirSync(dir)) writeFileSync(join(dir, f), 'module.exports = 42; syntax error(');
    expect(errorsOf(compileRunbookSchema(schema(), env), bad).length).toBeGreaterThan(0);
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, '');
    expect(compileRunbookSchema(schema(), { DRILLBOOK_CACHE_DIR: file })(good)).toBe(true);
    expect(compileRunbookSchema(schema(), { DRILLBOOK_CACHE_DIR: '' })(good)).toBe(true);
  });
});
