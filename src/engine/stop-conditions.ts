import { setTimeout as sleep } from 'node:timers/promises';
import { actions } from '../actions/registry.js';
import type { ActionContext } from '../actions/types.js';
import { formatDuration } from '../runbook/duration.js';
import type { Step } from '../runbook/model.js';
import { ShellValues } from '../runbook/shell-values.js';
import { renderDeep } from '../runbook/template.js';
import { linkedController } from './abort.js';
import type { RunContext } from './run-context.js';
import type { DrillControl } from './step-runner.js';
import { errorText, withAwsFilled } from './step-runner.js';

/**
 * Polls `stop_when` probes while the drill's steps run (after AWS FIS stop conditions).
 * The first probe that fails trips: the drill is aborted with the probe's reason, which
 * stops the running step, skips the rest, and lets rollback and finally run.
 */
export function watchStopConditions(
  ctx: RunContext,
  probes: Step[],
  interval: number,
  drill: DrillControl,
): () => Promise<void> {
  const { controller, dispose } = linkedController(drill.signal);
  const loop = (async () => {
    while (!controller.signal.aborted) {
      try {
        await sleep(interval, undefined, { signal: controller.signal });
      } catch {
        return;
      }
      for (const probe of probes) {
        if (controller.signal.aborted) return;
        const failure = await checkProbe(ctx, probe, controller.signal);
        if (failure === undefined || controller.signal.aborted) continue;
        // The probe's name first: reports show this sentence on its own.
        const reason = ctx.redact(`${probe.name}: ${failure}`);
        ctx.emit({ type: 'stop-tripped', time: Date.now(), probeId: probe.id, reason });
        drill.abort(`stop condition: ${reason}`);
        return;
      }
    }
  })();
  return async () => {
    controller.abort('drill finished');
    await loop;
    dispose();
  };
}

/** Runs one probe quietly; returns why it failed, or undefined when it holds. */
async function checkProbe(ctx: RunContext, probe: Step, parent: AbortSignal): Promise<string | undefined> {
  if (probe.kind !== 'action') return undefined;
  const def = actions.get(probe.action.type);
  if (!def) return undefined;
  const { controller, dispose } = linkedController(parent);
  const timer = setTimeout(() => controller.abort('probe timed out'), probe.timeout);
  const context: ActionContext = {
    signal: controller.signal,
    output: () => {},
    runbook: withAwsFilled(ctx),
    stepId: probe.id,
    hosts: ctx.runbook.hosts,
    env: ctx.env,
    shellValues: {},
    cwd: ctx.cwd,
    resources: ctx.resources,
    options: { acceptNewHostKeys: ctx.acceptNewHostKeys },
    probe: async () => ({ ok: false, reason: 'nested probes are not supported in stop_when' }),
  };
  try {
    const values = new ShellValues();
    const config = renderDeep(probe.action.config, ctx.scope, def.shellKeys ?? [], values);
    const result = await def.run(config, { ...context, shellValues: values.env });
    if (parent.aborted) return undefined;
    if (controller.signal.aborted) return `probe timed out after ${formatDuration(probe.timeout)}`;
    return result.ok ? undefined : result.reason;
  } catch (error) {
    return parent.aborted ? undefined : errorText(error);
  } finally {
    clearTimeout(timer);
    dispose();
  }
}
