import { setTimeout as sleep } from 'node:timers/promises';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { formatDuration } from '../runbook/duration.js';
import { type AwsCall, callTarget, describeAwsError } from './errors.js';
import { FatalCheck } from './poll.js';
import {
  cancelCommand,
  commandStatus,
  getInvocation,
  type InvocationResult,
  type InvocationState,
  isTerminal,
  listInvocations,
  sendCommand,
} from './ssm-api.js';
import { type SsmStepContext, ssmClient } from './ssm-client.js';
import { commandsWithValues } from './ssm-script.js';
import { describeTargets, type SsmCommandSpec } from './ssm-spec.js';

/** One instance's verdict; the same shape as an action's part (one JUnit testcase each). */
export interface SsmPart {
  label: string;
  ok: boolean;
  durationMs: number;
  reason?: string;
}

export type SsmOutcome = { ok: true; parts: SsmPart[] } | { ok: false; reason: string; parts: SsmPart[] };

export interface SsmRunContext extends SsmStepContext {
  /** Values of the templates in `commands`, by the variable name the lines refer to. */
  shellValues: Readonly<Record<string, string>>;
}

/** How long SendCommand and then CancelCommand may take once the step is stopped (the engine waits 5 s in all). */
const SEND_GRACE_MS = 2000;
const CANCEL_ON_ABORT_MS = 2500;
/** After a `within` cancel: how long to wait for the instances to report Cancelled. */
const SETTLE_AFTER_CANCEL_MS = 10_000;
/** GetCommandInvocation returns at most this much standard output. */
const SSM_STDOUT_LIMIT = 24_000;

/** What one run of the poll loop has learnt: every invocation seen, finished ones in full. */
interface Progress {
  commandId: string;
  states: Map<string, InvocationState>;
  results: Map<string, InvocationResult>;
}

/**
 * The `ssm` action: SendCommand, then ListCommandInvocations until every invocation is
 * terminal, GetCommandInvocation for each finished one (its status, exit code and output,
 * labelled with the instance id). The step passes only when every instance succeeded:
 * MaxErrors lets SSM go on past failures, it never makes a failed instance pass. A step that
 * is stopped (timeout, abort, signal) or passes `within` cancels the command.
 */
export async function runSsmCommand(spec: SsmCommandSpec, ctx: SsmRunContext): Promise<SsmOutcome> {
  const call = (permission: string): AwsCall => ({
    service: 'SSM',
    permission,
    subject: `command to ${describeTargets(spec.targets)}`,
    ...callTarget(ctx.aws),
  });
  let client: SSMClient;
  let parameters: Record<string, string[]>;
  try {
    parameters = { ...spec.parameters };
    if (spec.commands) parameters['commands'] = commandsWithValues(spec.commands, ctx.shellValues);
    client = await ssmClient(ctx);
  } catch (error) {
    return { ok: false, reason: messageOf(error), parts: [] };
  }
  const deadline = spec.within === undefined ? undefined : AbortSignal.timeout(spec.within);
  const stop = deadline ? AbortSignal.any([ctx.signal, deadline]) : ctx.signal;
  let commandId: string;
  try {
    // A stop during SendCommand must not drop its answer: SSM may have accepted the command
    // already, and only its id lets drillbook cancel it. So the request gets a moment more.
    ({ commandId } = await sendCommand(
      client,
      { ...spec, parameters },
      call,
      graceAfter(stop, SEND_GRACE_MS),
    ));
  } catch (error) {
    if (stop.aborted) {
      const what = `SSM did not answer SendCommand within ${SEND_GRACE_MS / 1000}s of the stop; a command it accepted is not cancelled`;
      return ctx.signal.aborted ? stopped(ctx, what, []) : { ok: false, reason: what, parts: [] };
    }
    return { ok: false, reason: messageOf(error), parts: [] };
  }
  ctx.output('info', `SSM command ${commandId}: ${spec.document} to ${describeTargets(spec.targets)}\n`);
  const progress: Progress = { commandId, states: new Map(), results: new Map() };
  const problem = await pollUntilDone(client, spec, ctx, progress, call, stop);
  if (problem !== undefined) {
    await cancel(client, ctx, progress, call, AbortSignal.any([ctx.signal, timeout(SETTLE_AFTER_CANCEL_MS)]));
    return verdict(progress, `${problem}; cancelled command ${commandId}`);
  }
  if (!stop.aborted) return verdict(progress);
  await cancel(client, ctx, progress, call, timeout(CANCEL_ON_ABORT_MS));
  if (ctx.signal.aborted) return stopped(ctx, `cancelled command ${commandId}`, parts(progress));
  // `within` passed: give the instances a moment to report Cancelled, so each part says so.
  await settle(client, ctx, progress, call, AbortSignal.any([ctx.signal, timeout(SETTLE_AFTER_CANCEL_MS)]));
  const waited = formatDuration(spec.within ?? 0);
  return verdict(progress, `did not finish within ${waited}: cancelled command ${commandId}`);
}

/**
 * Looks at the invocations every `interval` until the command and all of them are terminal.
 * Returns a problem when asking again cannot help (permissions, unknown command); returns
 * undefined when done or when `stop` aborted. Transient errors are retried.
 */
async function pollUntilDone(
  client: SSMClient,
  spec: SsmCommandSpec,
  ctx: SsmRunContext,
  progress: Progress,
  call: (permission: string) => AwsCall,
  stop: AbortSignal,
): Promise<string | undefined> {
  let lastError = '';
  while (!stop.aborted) {
    try {
      if (await lookOnce(client, ctx, progress, call, stop)) return undefined;
      lastError = '';
    } catch (error) {
      if (stop.aborted) return undefined;
      if (error instanceof FatalCheck) return error.message;
      const said = messageOf(error);
      if (said !== lastError) ctx.output('info', `SSM did not answer, asking again: ${said}\n`);
      lastError = said;
    }
    await sleep(spec.interval, undefined, { signal: stop }).catch(() => undefined);
  }
  return undefined;
}

/** One look: list, fetch what finished, and say whether everything is over. */
async function lookOnce(
  client: SSMClient,
  ctx: SsmRunContext,
  progress: Progress,
  call: (permission: string) => AwsCall,
  signal: AbortSignal,
): Promise<boolean> {
  const states = await listInvocations(client, progress.commandId, call, signal);
  for (const state of states) {
    progress.states.set(state.instanceId, state);
    if (!isTerminal(state.status) || progress.results.has(state.instanceId)) continue;
    const result = await getInvocation(client, progress.commandId, state.instanceId, call, signal);
    // ListCommandInvocations and GetCommandInvocation may briefly disagree; wait for both.
    if (!isTerminal(result.status)) continue;
    progress.results.set(state.instanceId, result);
    report(ctx, result);
  }
  const command = await commandStatus(client, progress.commandId, call, signal);
  return isTerminal(command.status) && states.every((s) => progress.results.has(s.instanceId));
}

/** After a cancel: keep looking until every invocation is terminal or `signal` aborts. */
async function settle(
  client: SSMClient,
  ctx: SsmRunContext,
  progress: Progress,
  call: (permission: string) => AwsCall,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    const done = await lookOnce(client, ctx, progress, call, signal).catch(() => false);
    if (done) return;
    await sleep(250, undefined, { signal }).catch(() => undefined);
  }
}

async function cancel(
  client: SSMClient,
  ctx: SsmRunContext,
  progress: Progress,
  call: (permission: string) => AwsCall,
  signal: AbortSignal,
): Promise<void> {
  try {
    await cancelCommand(client, progress.commandId, call, signal);
    ctx.output('info', `SSM command ${progress.commandId}: cancel requested\n`);
  } catch (error) {
    ctx.output('stderr', `could not cancel SSM command ${progress.commandId}: ${messageOf(error)}\n`);
  }
}

/** An instance's output as the console shows it, labelled with the instance id, then its verdict. */
function report(ctx: SsmRunContext, r: InvocationResult): void {
  if (r.stdout) ctx.output('stdout', withNewline(r.stdout), r.instanceId);
  if (r.stderr) ctx.output('stderr', withNewline(r.stderr), r.instanceId);
  if (r.stdout.length >= SSM_STDOUT_LIMIT) {
    ctx.output(
      'info',
      `${r.instanceId}: SSM returns only the first 24,000 characters of output; the rest is not shown\n`,
    );
  }
  ctx.output('info', `${r.instanceId}: ${describeResult(r)}\n`);
}

export function describeResult(r: InvocationResult): string {
  const code = r.responseCode >= 0 ? ` (exit ${r.responseCode})` : '';
  const details = r.statusDetails && r.statusDetails !== r.status ? `: ${r.statusDetails}` : '';
  const took = r.elapsedMs > 0 ? ` in ${formatDuration(r.elapsedMs)}` : '';
  return `${r.status}${code}${details}${took}`;
}

function parts(progress: Progress): SsmPart[] {
  return [...progress.states.values()].map((state): SsmPart => {
    const result = progress.results.get(state.instanceId);
    if (result?.status === 'Success')
      return { label: state.instanceId, ok: true, durationMs: result.elapsedMs };
    const reason = result
      ? describeResult(result)
      : `${state.status}${state.statusDetails && state.statusDetails !== state.status ? `: ${state.statusDetails}` : ''} (no result)`;
    return { label: state.instanceId, ok: false, durationMs: result?.elapsedMs ?? 0, reason };
  });
}

/** Passes only when at least one instance ran and every instance succeeded. */
function verdict(progress: Progress, problem?: string): SsmOutcome {
  const all = parts(progress);
  const failed = all.filter((p) => !p.ok);
  const reasons: string[] = problem ? [problem] : [];
  if (all.length === 0) reasons.push('SSM ran the command on no instance (no target matched)');
  if (failed.length > 0) {
    const each = failed.map((p) => `${p.label}: ${p.reason}`).join('; ');
    reasons.push(
      all.length === 1 ? each : `${failed.length} of ${all.length} instances did not succeed: ${each}`,
    );
  }
  return reasons.length === 0
    ? { ok: true, parts: all }
    : { ok: false, reason: reasons.join('; '), parts: all };
}

function stopped(ctx: SsmRunContext, what: string, done: SsmPart[]): SsmOutcome {
  return { ok: false, reason: `stopped: ${String(ctx.signal.reason ?? 'aborted')}; ${what}`, parts: done };
}

/** Aborts `ms` after `signal` does. */
function graceAfter(signal: AbortSignal, ms: number): AbortSignal {
  const later = new AbortController();
  const start = () => setTimeout(() => later.abort(signal.reason), ms).unref();
  if (signal.aborted) start();
  else signal.addEventListener('abort', start, { once: true });
  return later.signal;
}

function timeout(ms: number): AbortSignal {
  return AbortSignal.timeout(ms);
}

function messageOf(error: unknown): string {
  if (error instanceof Error && !('$metadata' in error)) return error.message;
  return describeAwsError(error, {
    service: 'SSM',
    permission: 'ssm:SendCommand',
    subject: 'the command',
  }).message;
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
