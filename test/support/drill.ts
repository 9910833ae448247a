import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent, RunEndEvent, StepEndEvent } from '../../src/engine/events.js';
import type { Gate } from '../../src/engine/gate.js';
import { createPolicyGate } from '../../src/engine/policy-gate.js';
import type { RunSettings } from '../../src/engine/run-settings.js';
import { type DrillOptions, runDrill } from '../../src/engine/runner.js';
import { loadRunbook } from '../../src/runbook/load.js';
import type { Runbook } from '../../src/runbook/model.js';
import { actions } from './registry.js';

/** Writes a YAML runbook into a fresh temp dir and loads it. */
export async function yamlRunbook(text: string, env: Record<string, string> = {}): Promise<Runbook> {
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-test-'));
  const file = join(dir, 'runbook.yaml');
  writeFileSync(file, text);
  return loadRunbook(actions, file, { env: { ...process.env, ...env } });
}

export interface DrillResult {
  end: RunEndEvent;
  events: EngineEvent[];
  /** step-end events by step id. */
  ends: Map<string, StepEndEvent>;
  /** All stdout/stderr/info text of a step. */
  output(stepId: string): string;
}

/** The engine's options with the run's settings flat and optional (defaults: on-failure, no flags). */
export type DrillTestOptions = Partial<Omit<DrillOptions, 'runbook' | 'settings'>> &
  Partial<RunSettings> & { gate?: Gate; onEvent?: (e: EngineEvent) => void };

/** Runs a drill headless-style and collects its events. */
export async function drill(runbook: Runbook, options: DrillTestOptions = {}): Promise<DrillResult> {
  const events: EngineEvent[] = [];
  const { rollback, acceptNewHostKeys, only, from, skip, dryRun, failOnSkip, ...rest } = options;
  const end = await runDrill({
    runbook,
    gate: options.gate ?? createPolicyGate({ yes: false, approve: [] }),
    signal: options.signal ?? new AbortController().signal,
    ...rest,
    actions: options.actions ?? actions,
    settings: {
      rollback: rollback ?? 'on-failure',
      acceptNewHostKeys: acceptNewHostKeys ?? false,
      only,
      from,
      skip,
      dryRun: dryRun ?? false,
      failOnSkip: failOnSkip ?? false,
    },
    onEvent: (e) => {
      events.push(e);
      options.onEvent?.(e);
    },
  });
  const ends = new Map<string, StepEndEvent>();
  for (const e of events) if (e.type === 'step-end') ends.set(e.stepId, e);
  return {
    end,
    events,
    ends,
    output: (id) =>
      events
        .filter((e) => e.type === 'output' && e.stepId === id)
        .map((e) => (e.type === 'output' ? e.text : ''))
        .join(''),
  };
}

/**
 * True while a process with this pid runs. A zombie (killed, not yet reaped: orphans in a
 * container whose init does not reap) counts as dead: it holds no resources and runs nothing.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
