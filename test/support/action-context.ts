import { tmpdir } from 'node:os';
import type { ActionContext, ActionResult } from '../../src/plugin/contract.js';
import type { HostSpec } from '../../src/runbook/model.js';
import { actions } from './registry.js';

export interface OutputChunk {
  stream: 'stdout' | 'stderr' | 'info';
  text: string;
  label: string | undefined;
}

export interface ActionHarness {
  ctx: ActionContext;
  /** Aborts `ctx.signal`, as the engine does on timeout, stop condition or Ctrl-C. */
  controller: AbortController;
  chunks: OutputChunk[];
  /** Every nested call made through `ctx.probe`, in order. */
  probes: Array<{ type: string; config: unknown }>;
  /** Concatenated output of one stream (all streams when omitted). */
  text(stream?: OutputChunk['stream']): string;
  /** Output of one stream split into lines, without empty ones. */
  lines(stream?: OutputChunk['stream']): string[];
  /** Disposes run resources the way the engine does at the end of a run. */
  close(): Promise<void>;
}

/**
 * A real ActionContext for driving one action without the engine: an output collector, an
 * AbortController, a resources map, and a `probe` that dispatches nested calls through the
 * action registry with the same context (configs as `parse` returns them, templates filled).
 */
export function makeActionContext(
  options: {
    env?: Record<string, string>;
    hosts?: Record<string, Omit<HostSpec, 'name'>>;
    cwd?: string;
    stepId?: string;
    acceptNewHostKeys?: boolean;
    /** The action's settings block (`aws:`), as filled for the step. */
    settings?: Record<string, string>;
    /** Values the action's shell text refers to (see ActionContext.shellValues). */
    shellValues?: Record<string, string>;
  } = {},
): ActionHarness {
  const controller = new AbortController();
  const chunks: OutputChunk[] = [];
  const probes: ActionHarness['probes'] = [];
  const resources = new Map<string, { value: unknown; dispose?: (value: never) => Promise<void> | void }>();
  const hosts = Object.fromEntries(
    Object.entries(options.hosts ?? {}).map(([name, h]) => [name, { ...h, name }]),
  );
  const ctx: ActionContext = {
    signal: controller.signal,
    output(stream, text, label) {
      chunks.push({ stream, text, label });
    },
    runbookName: 'test',
    settings: options.settings ?? {},
    stepId: options.stepId ?? 'test-step',
    hosts,
    hostGroups: {},
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...options.env },
    shellValues: options.shellValues ?? {},
    cwd: options.cwd ?? tmpdir(),
    resources: {
      get<T>(key: string, create: () => T, dispose?: (value: T) => Promise<void> | void): T {
        const existing = resources.get(key);
        if (existing) return existing.value as T;
        const value = create();
        resources.set(key, dispose ? { value, dispose: dispose as (value: never) => void } : { value });
        return value;
      },
    },
    flags: { 'accept-new-host-keys': options.acceptNewHostKeys ?? false },
    async probe(call): Promise<ActionResult> {
      probes.push(call);
      const def = actions.get(call.type);
      if (!def) return { ok: false, reason: `unknown action "${call.type}"` };
      return def.run(call.config, ctx);
    },
  };
  const pick = (stream?: OutputChunk['stream']) =>
    chunks
      .filter((c) => stream === undefined || c.stream === stream)
      .map((c) => c.text)
      .join('');
  return {
    ctx,
    controller,
    chunks,
    probes,
    text: pick,
    lines: (stream) => pick(stream).split('\n').filter(Boolean),
    async close() {
      for (const { value, dispose } of [...resources.values()].reverse()) await dispose?.(value as never);
      resources.clear();
    },
  };
}
