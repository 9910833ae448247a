import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunbookError } from '../../src/runbook/errors.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { actions } from '../support/registry.js';

async function load(name: string, text: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'drillbook-budget-')), name);
  writeFileSync(file, text);
  return loadRunbook(actions, file, { env: {} });
}

async function problem(name: string, text: string): Promise<string> {
  try {
    await load(name, text);
  } catch (error) {
    if (error instanceof RunbookError) return error.message;
    throw error;
  }
  throw new Error('the runbook was accepted');
}

describe('finally_budget', () => {
  it('is read from YAML and from Markdown frontmatter, with where it was written', async () => {
    const yaml = await load('d.yaml', 'name: d\nfinally_budget: 15m\nsteps: [{ id: a, run: "true" }]\n');
    expect(yaml.finallyBudget?.ms).toBe(15 * 60_000);
    expect(yaml.finallyBudget?.source.line).toBe(2);
    const md = await load(
      'd.md',
      '---\nname: d\nfinally_budget: 1h30m\n---\n\n## Step\n\n```sh\ntrue\n```\n',
    );
    expect(md.finallyBudget?.ms).toBe(90 * 60_000);
    expect(md.finallyBudget?.source).toMatchObject({ line: 3 });
    const none = await load('n.yaml', 'steps: [{ id: a, run: "true" }]\n');
    expect(none.finallyBudget).toBeUndefined();
  });

  it('a bare number is seconds, as for every duration', async () => {
    const rb = await load('d.yaml', 'finally_budget: 90\nsteps: [{ id: a, run: "true" }]\n');
    expect(rb.finallyBudget?.ms).toBe(90_000);
  });

  it.each([
    ['0s', /d\.yaml:1:\d+: .*finally_budget.*0 makes no sense/],
    ['15 minutes', /d\.yaml:1:\d+: .*finally_budget/],
    ['8d', /d\.yaml:1:\d+: .*finally_budget.*longer than the maximum/],
    ['-5m', /d\.yaml:1:\d+: .*finally_budget/],
  ])('%s is refused at file:line:column', async (value, message) => {
    expect(await problem('d.yaml', `finally_budget: ${value}\nsteps: [{ id: a, run: "true" }]\n`)).toMatch(
      message,
    );
  });

  it('a typo of the key is refused, never silently ignored', async () => {
    expect(await problem('d.yaml', 'finaly_budget: 15m\nsteps: [{ id: a, run: "true" }]\n')).toMatch(
      /d\.yaml:1:1/,
    );
  });
});
