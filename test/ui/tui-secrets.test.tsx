import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDrill } from '../../src/engine/runner.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { App } from '../../src/ui/App.js';
import { TuiSession } from '../../src/ui/session.js';
import { type Rendered, render } from '../support/render.js';

const PW = "it's-a-s3cret";
const TOKEN = 'Zq9SECRETh4nter2Xy';

/** The gate shows the step's command (shell-quoted secret) and its message; output splits a secret with an escape. */
const runbookYaml = `drillbook: 1
name: tui-secrets
secrets: [PW, TOKEN]
steps:
  - id: gated
    name: Gated
    confirm: "Use {{ secrets.PW }} now?"
    run: echo {{ secrets.PW }}
  - id: ansi
    name: Split by an escape
    run: "printf 'Zq9SECRET\\\\033[1mh4nter2Xy\\\\n'"
`;

let dir: string | undefined;
let ui: Rendered | undefined;
afterEach(async () => {
  ui?.unmount();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('TUI and secrets', () => {
  it('never shows a secret: not split by an escape, not shell-quoted in a gate, not in a message', async () => {
    dir = await mkdtemp(join(tmpdir(), 'drillbook-tui-'));
    const file = join(dir, 'drill.yaml');
    await writeFile(file, runbookYaml);
    const runbook = await loadRunbook(file);
    const frames: string[] = [];
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
          env: { ...process.env, PW, TOKEN },
        }),
      finish: async () => [],
    });
    ui = render(<App session={session} />);
    const done = session.run();
    const gate = await ui.waitForFrame('Use *** now?', 15_000);
    frames.push(gate);
    expect(gate).toContain('will run: sh: echo');
    await ui.press('a');
    const end = await done;
    expect(end.exitCode).toBe(0);
    const last = await ui.waitForFrame('Drill passed');
    // The last step's output is on screen: masked, the escape stripped around nothing.
    expect(last).toMatch(/\*\*\*/);
    frames.push(last);
    for (const frame of frames)
      for (const form of [PW, `'it'\\''s-a-s3cret'`, 's3cret', TOKEN, 'h4nter2Xy'])
        expect(frame).not.toContain(form);
  });
});
