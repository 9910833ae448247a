import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Gate } from '../../src/engine/gate.js';
import { drill, yamlRunbook } from '../support/drill.js';
import { reportsOf } from '../support/reports-of.js';

// "attempts" is how often a step's action ran. A gate that stopped the step, or a dry run
// that only walked it, must not read as one attempt of an action that never ran: the rule
// "undo runs only if the action started" is judged by exactly this number.

const skipsEverything: Gate = {
  interactive: true,
  confirm: async () => ({ decision: 'skip', by: 'person', note: 'skipped in the TUI' }),
  failed: async () => ({ decision: 'fail', by: 'person', note: '' }),
};

/** `flaky` fails once, then passes: its marker file lives in `dir`. */
const runbookIn = (dir: string) => `
name: attempts
steps:
  - { id: flaky, run: "test -f ${dir}/again || { touch ${dir}/again; exit 1; }", retries: 2, retry_delay: 0s }
  - { id: gated, confirm: "Go?", run: "echo acted" }
`;

/** The summary table's row for `id`: status, duration and attempts columns. */
function row(consoleText: string, id: string): string[] {
  const line = consoleText.split('\n').find((l) => new RegExp(`^\\s+\\S+\\s+${id}\\s`).test(l));
  return (line ?? '')
    .trim()
    .split(/\s{2,}/)
    .slice(2);
}

describe('attempts count actions that ran', () => {
  it('a refused gate is 0 attempts; a retried step counts each try', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attempts-'));
    const r = await drill(await yamlRunbook(runbookIn(dir)));
    const reports = await reportsOf(r.events);
    const step = (id: string) => reports.json.steps.find((s) => s.id === id);
    expect(step('flaky')).toMatchObject({ status: 'passed', attempts: 2 });
    expect(step('gated')).toMatchObject({ status: 'failed', attempts: 0 });
    expect(row(reports.console, 'gated')[0]).toBe('failed');
    expect(row(reports.console, 'gated').at(-1)).toBe('0');
    expect(row(reports.console, 'flaky').at(-1)).toBe('2');
  });

  it('a skipped gate is 0 attempts', async () => {
    const r = await drill(await yamlRunbook(runbookIn(mkdtempSync(join(tmpdir(), 'attempts-')))), {
      gate: skipsEverything,
      only: ['gated'],
    });
    const reports = await reportsOf(r.events);
    expect(reports.json.steps.find((s) => s.id === 'gated')).toMatchObject({
      status: 'skipped',
      attempts: 0,
    });
  });

  it('a dry run shows every step as not run, with no duration or attempts', async () => {
    const r = await drill(await yamlRunbook(runbookIn(mkdtempSync(join(tmpdir(), 'attempts-')))), {
      dryRun: true,
    });
    const reports = await reportsOf(r.events);
    for (const id of ['flaky', 'gated']) {
      expect(
        reports.json.steps.find((s) => s.id === id),
        id,
      ).toMatchObject({ status: 'skipped', attempts: 0 });
      expect(row(reports.console, id), id).toEqual(['not run', '-', '-']);
    }
    expect(reports.console).toContain('Drill passed (dry run: nothing was run)');
  });
});
