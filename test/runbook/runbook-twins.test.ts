import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../src/commands/plan.js';
import { loadRunbook } from '../../src/runbook/load.js';
import type { Runbook } from '../../src/runbook/model.js';
import { actions } from '../support/registry.js';

/** Every runbook shipped under runbooks/ has a Markdown and a YAML form that mean the same. */
function twins(dir: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) pairs.push(...twins(path));
    else if (entry.name.endsWith('.md') && entry.name !== 'README.md')
      pairs.push([path, path.replace(/\.md$/, '.yaml')]);
  }
  return pairs;
}

/** The model without what legitimately differs between the two files. */
function comparable(runbook: Runbook): unknown {
  return JSON.parse(
    JSON.stringify(runbook, (key, value) =>
      ['source', 'file', 'format', 'digest'].includes(key) ? undefined : value,
    ),
  );
}

const env = { GREMLIN_TEAM_SECRET: 'x', GREMLIN_TEAM_ID: 'x', HOME: '/nonexistent' };

describe('shipped runbooks', () => {
  const pairs = twins('runbooks');
  it('exist in both forms', () => {
    expect(pairs.length).toBeGreaterThan(0);
  });
  for (const [md, yaml] of pairs) {
    it(`${md} and ${yaml} load to the same model and plan`, async () => {
      const fromMd = await loadRunbook(actions, md, { env });
      const fromYaml = await loadRunbook(actions, yaml, { env });
      expect(comparable(fromMd)).toEqual(comparable(fromYaml));
      const plan = (r: Runbook) => renderPlan(actions, r).replace(r.file, '<file>');
      expect(plan(fromMd)).toBe(plan(fromYaml));
    });
  }
});
