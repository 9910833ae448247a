import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent, RunEndEvent } from '../../src/engine/events.js';
import { runDrill } from '../../src/engine/runner.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { App } from '../../src/ui/App.js';
import { TuiSession } from '../../src/ui/session.js';
import { actions } from './registry.js';
import { type Rendered, render } from './render.js';

/** The TUI (ink-testing-library) driving the real engine over a runbook written to a temp dir. */
export interface RealTui {
  ui: Rendered;
  /** Every engine event, in order. */
  events: EngineEvent[];
  /** The run's end, once the drill (rollback and finally included) is over. */
  done: Promise<RunEndEvent>;
  dir: string;
}

export interface RealTuiOptions {
  /** The engine's environment (secrets come from here); default process.env. */
  env?: Record<string, string | undefined>;
  /** --var values for loading the runbook. */
  vars?: Record<string, string>;
  /** Report paths the session says it wrote, relative to the temp dir; default report.json. */
  reports?: string[];
}

/** Writes `yaml`, loads it and starts the drill in the TUI; stop it with `stopRealTui`. */
export async function startRealTui(yaml: string, options: RealTuiOptions = {}): Promise<RealTui> {
  const dir = await mkdtemp(join(tmpdir(), 'drillbook-tui-'));
  const file = join(dir, 'drill.yaml');
  await writeFile(file, yaml);
  const runbook = await loadRunbook(
    actions,
    file,
    options.vars ? { vars: options.vars, env: {} } : undefined,
  );
  const events: EngineEvent[] = [];
  const session = new TuiSession({
    title: runbook.title,
    start: (gate, onEvent, signal, forceSignal) =>
      runDrill({
        runbook,
        actions,
        gate,
        signal,
        forceSignal,
        onEvent: (e) => {
          events.push(e);
          onEvent(e);
        },
        settings: { rollback: 'on-failure', acceptNewHostKeys: false, dryRun: false, failOnSkip: false },
        env: options.env ?? process.env,
      }),
    finish: async () => (options.reports ?? ['report.json']).map((r) => join(dir, r)),
  });
  const ui = render(<App session={session} />);
  return { ui, events, done: session.run(), dir };
}

/** Unmounts the TUI and removes the temp dir; safe to call with nothing started. */
export async function stopRealTui(tui: RealTui | undefined): Promise<void> {
  tui?.ui.unmount();
  if (tui) await rm(tui.dir, { recursive: true, force: true });
}
