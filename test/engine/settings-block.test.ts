import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { confirmAction } from '../../src/actions/confirm.js';
import { runAction } from '../../src/actions/run.js';
import { createWaitAction } from '../../src/actions/wait.js';
import type { ActionDefinition } from '../../src/plugin/contract.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { drill } from '../support/drill.js';

// A plug-in's own top-level block, the way `aws:` belongs to the AWS actions: declared by the
// action, checked by the runbook schema, filled for every step (so it may name a value an
// earlier step saved), and given to the action, also when it runs nested in `wait: until:`.
const showSettings: ActionDefinition<null> = {
  name: 'show_settings',
  schema: { type: 'null' },
  settings: {
    key: 'demo',
    schema: { type: 'object', additionalProperties: false, properties: { where: { type: 'string' } } },
  },
  parse: () => null,
  summary: () => 'show the demo settings',
  async run(_config, ctx) {
    ctx.output('stdout', `where=${ctx.settings['where'] ?? '(unset)'}\n`);
    return { ok: true };
  },
};

function registry() {
  const actions = new Map<string, ActionDefinition<unknown>>();
  // biome-ignore lint/suspicious/noExplicitAny: each definition is typed by its own config.
  const all: ActionDefinition<any>[] = [
    runAction,
    confirmAction,
    createWaitAction(() => actions),
    showSettings,
  ];
  for (const a of all) actions.set(a.name, a);
  return actions;
}

describe("an action's own settings block", () => {
  it('reaches the action filled per step, nested or not; before its value exists the field is left out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drillbook-settings-'));
    const file = join(dir, 'rb.yaml');
    writeFileSync(
      file,
      `name: settings
demo: { where: "{{ vars.place }}" }
steps:
  - { id: early, show_settings: null }
  - { id: save, run: echo over-there, save: place }
  - { id: direct, show_settings: null }
  - { id: nested, wait: { until: { show_settings: null }, within: 5s } }
`,
    );
    const actions = registry();
    const r = await drill(await loadRunbook(actions, file, { env: {} }), { actions, env: {} });
    expect(r.end.status).toBe('passed');
    expect(r.output('early')).toContain('where=(unset)');
    expect(r.output('direct')).toContain('where=over-there');
    expect(r.output('nested')).toContain('where=over-there');
  });

  it('is checked by the schema at its key: an unknown field is exit-2 material with file:line:column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drillbook-settings-'));
    const file = join(dir, 'rb.yaml');
    writeFileSync(file, 'name: bad\ndemo: { wher: x }\nsteps:\n  - { id: s, show_settings: null }\n');
    await expect(loadRunbook(registry(), file, { env: {} })).rejects.toThrow(/rb\.yaml:2:\d+: demo/);
  });
});
