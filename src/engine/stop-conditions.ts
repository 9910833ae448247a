import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionContext } from '../plugin/contract.js';
import { formatDuration } from '../runbook/duration.js';
import type { Step } from '../runbook/model.js';
import { ShellValues } from '../runbook/shell-values.js';
import { renderDeep } from '../runbook/template.js';
import { linkedController } from './abort.js';
import { settingsFor } from './action-settings.js';
import type { RunContext } from './run-context.js';
import { errorText } from './step-runner.js';
import type { DrillControl } from './step-types.js';

/** Ends the watch. `final: true` when the steps ended normally: the last check then runs. */
export type StopWatching = (how: { final: boolean }) => Promise<void>;

/**
 * Watches `stop_when` probes while the drill's steps run (after AWS FIS stop conditions).
 *
 * Every probe is checked once as the steps start, then every `interval`, and once more after
 * the last step: a drill shorter than the interval is still judged. A probe in flight when the
 * steps end is awaited (its timeout bounds that), because throwing its answer away would let
 * a broken system pass. A probe that cannot answer within its timeout trips, like a failing one.
 * The first probe that trips aborts the drill with the probe's reason, which stops the running
 * step, skips the rest, and lets rollback and finally run.
 */
export function watchStopConditions(
  ctx: RunContext,
  probes: Step[],
  interval: number,
  drill: DrillControl,
): StopWatching {
  // Ends the wait between rounds; the probes themselves answer to the drill and to `halt`.
  const wake = new AbortController();
  const halt = linkedController(drill.signal);
  const judged = new Set<string>();
  let finishing = false;

  const trip = (probe: Pick<Step, 'id' | 'name'>, failure: string) => {
    // The probe's name first: reports show this sentence on its own.
    const reason = ctx.redact(`${probe.name}: ${failure}`);
    ctx.emit({ type: 'stop-tripped', time: Date.now(), probeId: probe.id, reason });
    drill.abort(`stop condition: ${reason}`);
  };

  /** Checks every probe once; true when one tripped or the drill stopped meanwhile. */
  const round = async (): Promise<boolean> => {
    for (const probe of probes) {
      if (halt.controller.signal.aborted) return true;
      const failure = await checkProbe(ctx, probe, halt.controller.signal);
      if (halt.controller.signal.aborted) return true;
      judged.add(probe.id);
      if (failure !== undefined) {
        trip(probe, failure);
        return true;
      }
    }
    return false;
  };

  const loop = (async () => {
    while (!finishing) {
      if (await round()) return;
      try {
        await sleep(interval, undefined, { signal: wake.signal });
      } catch {
        return;
      }
    }
  })();

  return async ({ final }) => {
    finishing = true;
    wake.abort();
    // A failed or aborted drill needs no more answers: stop the probe in flight.
    if (!final) halt.controller.abort('drill finished');
    await loop;
    if (final && !drill.signal.aborted && !(await round())) {
      // Unreachable unless a round was cut short without a reason; never pass unjudged.
      const unjudged = probes.find((p) => !judged.has(p.id));
      if (unjudged) trip(unjudged, 'the probe was never checked');
    }
    halt.dispose();
  };
}

/** Runs one probe quietly; returns why it failed, or undefined when it holds. */
async function checkProbe(ctx: RunContext, probe: Step, parent: AbortSignal): Promise<string | undefined> {
  if (probe.kind !== 'action') return 'a parallel group cannot be checked as a stop condition';
  const def = ctx.actions.get(probe.action.type);
  if (!def) return `unknown action ${probe.action.type}`;
  const { controller, dispose } = linkedController(parent);
  const timedOut = `no answer within ${formatDuration(probe.timeout)} (the probe's timeout)`;
  const timer = setTimeout(() => controller.abort(timedOut), probe.timeout);
  const context: ActionContext = {
    signal: controller.signal,
    output: () => {},
    runbookName: ctx.runbook.name,
    stepId: probe.id,
    settings: settingsFor(ctx, def),
    hosts: ctx.runbook.hosts,
    hostGroups: ctx.runbook.hostGroups,
    env: ctx.env,
    shellValues: {},
    cwd: ctx.cwd,
    resources: ctx.resources,
    flags: ctx.flags,
    probe: async () => ({ ok: false, reason: 'nested probes are not supported in stop_when' }),
  };
  try {
    const values = new ShellValues();
    const config = renderDeep(probe.action.config, ctx.scope, def.shellKeys ?? [], values);
    const result = await answerWithin(
      def.run(config, { ...context, shellValues: values.env }),
      controller.signal,
    );
    if (parent.aborted) return undefined;
    if (controller.signal.aborted) return timedOut;
    return result.ok ? undefined : result.reason;
  } catch (error) {
    return parent.aborted ? undefined : errorText(error);
  } finally {
    clearTimeout(timer);
    dispose();
  }
}

/**
 * The action's answer, or a failure as soon as `signal` aborts: a probe that ignores its
 * signal (a hung connection) must not hold the drill past its timeout.
 */
function answerWithin<T extends { ok: boolean }>(
  run: Promise<T>,
  signal: AbortSignal,
): Promise<T | { ok: false; reason: string }> {
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve({ ok: false, reason: 'aborted' });
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    run.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
