import { setMaxListeners } from 'node:events';
import type { ActionContext, ActionPart, ActionResult } from '../plugin/contract.js';
import { expandHostNames, shortList } from '../runbook/host-groups.js';
import { type FanOutOptions, fanOut, fanOutLimits } from './fan-out.js';
import { type HostStep, hostConnection, runOnHost } from './host-step.js';
import { IdleConnections } from './idle-connections.js';

/** Failure reasons named in the step's reason; the rest are in each host's own result. */
const REASONS_NAMED = 5;

export interface FanOutStep extends HostStep {
  /** As written: host names, group names, globs; templates already filled. */
  hosts: string[];
  fanOut: FanOutOptions;
}

/** Hosts of each ssh step that were meant to run and that started, so its undo can match them. */
interface Touched {
  planned: Set<string>;
  started: Set<string>;
}

/** Runs an ssh step on its hosts under its fan-out limits: one part per host, skipped ones too. */
export async function runFanOut(step: FanOutStep, ctx: ActionContext): Promise<ActionResult> {
  const hostNames = Object.keys(ctx.hosts);
  const { hosts: planned, problems } = expandHostNames(step.hosts, hostNames, ctx.hostGroups);
  if (problems.length > 0) return { ok: false, reason: problems.map((p) => p.message).join('; ') };
  const hosts = onlyWhereTheStepRan(planned, ctx);
  const touched = touchedBy(ctx, ctx.stepId);
  for (const host of hosts) touched.planned.add(host);
  const limits = fanOutLimits(step.fanOut, hosts.length);
  // Said only when the limits change what happens (hosts wait, or come in waves).
  if (hosts.length > limits.concurrency || limits.waves.length > 1)
    ctx.output(
      'info',
      `${hosts.length} hosts, ${limits.concurrency} at a time${limits.waves.length > 1 ? `, waves of ${limits.waves.join(', ')}` : ''}, stops after ${limits.maxErrors + 1} failed\n`,
    );
  const idle = ctx.resources.get('ssh:idle-connections', () => new IdleConnections());
  // Every host waiting for a handshake slot listens to the step's signal.
  setMaxListeners(hosts.length + 10, ctx.signal);
  const outcomes = await fanOut(
    hosts,
    limits,
    async (host) => {
      touched.started.add(host);
      idle.use(host);
      try {
        const part = await runOnHost(host, step, ctx);
        return { ok: part.ok, result: part };
      } finally {
        idle.done(host, () => closeConnection(host, ctx));
      }
    },
    ctx.signal,
  );
  const parts: ActionPart[] = outcomes.map((o) => {
    if (!o.started) return { label: o.host, ok: false, skipped: true, durationMs: 0, reason: o.reason };
    if (o.ok) return o.result;
    if (o.result !== undefined) return o.result;
    return { label: o.host, ok: false, durationMs: 0, reason: `${o.host}: ${String(o.error)}` };
  });
  return verdict(parts, step.hosts.length === 1 && planned.length === 1);
}

function verdict(parts: ActionPart[], single: boolean): ActionResult {
  const failed = parts.filter((p) => !p.ok && !p.skipped);
  const skipped = parts.filter((p) => p.skipped);
  if (failed.length === 0 && skipped.length === 0) return { ok: true, parts };
  const reasons = failed.map((p) => p.reason ?? `${p.label} failed`);
  if (single) return { ok: false, reason: reasons.join('; '), parts };
  const named = reasons.slice(0, REASONS_NAMED).join('; ');
  const more = reasons.length > REASONS_NAMED ? `; and ${reasons.length - REASONS_NAMED} more` : '';
  const notStarted =
    skipped.length > 0
      ? `, ${skipped.length} not started (${(skipped[0]?.reason ?? '').replace(/^not started: /, '')})`
      : '';
  return {
    ok: false,
    reason: `${failed.length} of ${parts.length} hosts failed${notStarted}${failed.length > 0 ? `: ${named}${more}` : ''}`,
    parts,
  };
}

function touchedBy(ctx: ActionContext, stepId: string): Touched {
  const all = ctx.resources.get('ssh:touched', () => new Map<string, Touched>());
  let entry = all.get(stepId);
  if (!entry) {
    entry = { planned: new Set(), started: new Set() };
    all.set(stepId, entry);
  }
  return entry;
}

/**
 * An undo (step id `undo/ID`, see engine/plan.ts) of an ssh step runs only where that step
 * started: a host the step was meant for but never reached (error budget spent, stopped) has
 * nothing to undo. Hosts the step never named (a load balancer, say) are the undo's own.
 * Without a record (a resumed run), every host: the engine errs on undoing too.
 */
function onlyWhereTheStepRan(hosts: string[], ctx: ActionContext): string[] {
  if (!ctx.stepId.startsWith('undo/')) return hosts;
  const record = ctx.resources
    .get('ssh:touched', () => new Map<string, Touched>())
    .get(ctx.stepId.slice('undo/'.length));
  if (!record) return hosts;
  const kept = hosts.filter((h) => !record.planned.has(h) || record.started.has(h));
  const left = hosts.filter((h) => !kept.includes(h));
  if (left.length > 0)
    ctx.output('info', `not undone on ${left.length} host(s) the step never started: ${shortList(left)}\n`);
  return kept;
}

/** Closes an idle host's connection; a host that never got one (it could not be resolved) has none. */
function closeConnection(host: string, ctx: ActionContext): void {
  try {
    hostConnection(host, ctx).release();
  } catch {
    // Nothing was open.
  }
}
