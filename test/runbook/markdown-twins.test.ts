import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { RunbookError } from '../../src/runbook/errors.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { parseMarkdown } from '../../src/runbook/markdown/index.js';
import { actions } from '../support/registry.js';

// Each twins/NAME.md has a twins/NAME.yaml written by hand as "the model written out":
// the Markdown front-end must produce exactly what the YAML says.
const dir = join(import.meta.dirname, '../fixtures/twins');
const twins = readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.slice(0, -3));

/** What the two forms legitimately differ in: where the runbook and each step came from. */
function withoutOrigin(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutOrigin);
  if (value === null || typeof value !== 'object') return value;
  const skip = new Set(['source', 'file', 'format', 'digest']);
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !skip.has(k))
      .map(([k, v]) => [k, withoutOrigin(v)]),
  );
}

/** The loaded model, or the problems found, without positions (they differ by design). */
async function outcome(file: string): Promise<unknown> {
  try {
    return { model: withoutOrigin(await loadRunbook(actions, file)) };
  } catch (error) {
    if (!(error instanceof RunbookError)) throw error;
    return { errors: error.errors.map((e) => ({ path: e.path, message: e.message })) };
  }
}

describe('Markdown and YAML twins', () => {
  it('has fixtures to compare', () => {
    expect(twins.length).toBeGreaterThanOrEqual(3);
  });

  for (const name of twins) {
    it(`${name}.md maps to the same data as ${name}.yaml`, () => {
      const md = join(dir, `${name}.md`);
      const data = parseMarkdown(md, readFileSync(md, 'utf8')).data;
      expect(data).toEqual(yaml.load(readFileSync(join(dir, `${name}.yaml`), 'utf8')));
    });

    it(`${name}.md loads to the same runbook (or the same problems) as ${name}.yaml`, async () => {
      const fromMarkdown = await outcome(join(dir, `${name}.md`));
      expect(fromMarkdown).toEqual(await outcome(join(dir, `${name}.yaml`)));
    });
  }
});
