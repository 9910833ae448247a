import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDrill } from '../../src/engine/runner.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { App } from '../../src/ui/App.js';
import { TuiSession } from '../../src/ui/session.js';
import { type Rendered, render } from '../support/render.js';

const runbookYaml = `drillbook: 1
name: tui-verdict
steps:
  - { id: optional, name: Optional check, run: "exit 3", continue_on_error: true }
  - { id: blackhole, name: Blackhole blue, confirm: "Blackhole blue?", run: echo attacked }
`;

let dir: string | undefined;
let ui: Rendered | undefined;
afterEach(async () => {
  ui?.unmount();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('TUI end screen', () => {
  it('a pass with a tolerated failure and a skipped gate says so and names both', async () => {
    dir = await mkdtemp(join(tmpdir(), 'drillbook-tui-'));
    const file = join(dir, 'drill.yaml');
    await writeFile(file, runbookYaml);
    const runbook = await loadRunbook(file);
    const session = new TuiSession({
      title: runbook.title,
      start: (gate, onEvent, signal, forceSignal) =>
        runDrill({
          runbook,
          gate,
          signal,
          forceSignal,
          onEvent,
          rollback: 'on-failure',
          acceptNewHostKeys: false,
          env: process.env,
        }),
      finish: async () => [join(dir!, 'report.json')],
    });
    ui = render(<App session={session} />);
    const done = session.run();
    await ui.waitForFrame('a/Enter approve', 15_000);
    await ui.press('s');
    expect((await done).exitCode).toBe(0);
    const frame = await ui.waitForFrame('report.json');
    expect(frame).toContain('Drill passed with 1 tolerated failure and 1 skipped gate');
    expect(frame).toContain('tolerated failure: Optional check: command exited with status 3');
    expect(frame).toContain('skipped at its gate, never ran: Blackhole blue');
  });
});
