import type { ActionContext, ActionPart, ActionResult } from '../plugin/contract.js';
import { type Duration, formatDuration } from '../runbook/duration.js';
import { type AlarmSelection, type AlarmView, describeAlarms, formatAlarm, setAlarmState } from './alarms.js';
import { awsSpec } from './block.js';
import { cloudWatchClient } from './clients.js';
import { callTarget } from './errors.js';
import { FatalCheck, pollAws } from './poll.js';

/** The states a CloudWatch alarm can be in. */
export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/** The `cloudwatch_alarm` action's parsed config (its schema is in actions/cloudwatch-alarm.ts). */
export interface CloudWatchAlarmConfig {
  select: AlarmSelection;
  state: AlarmState;
  /** ms; undefined = assert once. */
  within?: Duration;
  interval: Duration;
  setState?: { state: AlarmState; reason?: string };
}

/** The `cloudwatch_alarm` action's run: optional SetAlarmState, then assert or wait. */
export async function runAlarmCheck(
  config: CloudWatchAlarmConfig,
  ctx: ActionContext,
): Promise<ActionResult> {
  const started = Date.now();
  const subject =
    'names' in config.select
      ? `alarm${config.select.names.length > 1 ? 's' : ''} ${config.select.names.join(', ')}`
      : `alarms starting with "${config.select.prefix}"`;
  const call = (permission: string) => ({
    service: 'CloudWatch' as const,
    permission,
    subject,
    ...callTarget(awsSpec(ctx)),
  });
  let client: Awaited<ReturnType<typeof cloudWatchClient>>;
  try {
    client = await cloudWatchClient(ctx);
    if (config.setState) {
      const targets =
        'names' in config.select
          ? config.select.names
          : (await describeAlarms(client, config.select, call('cloudwatch:DescribeAlarms'), ctx.signal)).map(
              (a) => a.name,
            );
      const reason = config.setState.reason ?? `drillbook: ${ctx.runbookName}, step ${ctx.stepId}`;
      for (const name of targets) {
        await setAlarmState(
          client,
          { name, state: config.setState.state, reason },
          call('cloudwatch:SetAlarmState'),
          ctx.signal,
        );
        ctx.output('info', `set ${name} to ${config.setState.state}: ${reason}\n`);
      }
    }
  } catch (error) {
    if (ctx.signal.aborted)
      return { ok: false as const, reason: `stopped: ${String(ctx.signal.reason ?? 'aborted')}` };
    return { ok: false as const, reason: error instanceof Error ? error.message : String(error) };
  }

  if (config.within)
    ctx.output(
      'info',
      `waiting up to ${formatDuration(config.within)} for ${subject} to be ${config.state}\n`,
    );
  const reachedAt = new Map<string, number>();
  const shown = new Map<string, string>();
  let last: AlarmView[] = [];
  const result = await pollAws(
    async () => {
      const alarms = await describeAlarms(
        client,
        config.select,
        call('cloudwatch:DescribeAlarms'),
        ctx.signal,
      );
      if ('names' in config.select) {
        const found = new Set(alarms.map((a) => a.name));
        const missing = config.select.names.filter((n) => !found.has(n));
        if (missing.length > 0) {
          throw new FatalCheck(
            `no CloudWatch alarm named ${missing.join(', ')}${regionNote(ctx)}; names are case-sensitive`,
          );
        }
      } else if (alarms.length === 0) {
        throw new FatalCheck(`no CloudWatch alarms start with "${config.select.prefix}"${regionNote(ctx)}`);
      }
      last = alarms;
      for (const a of alarms) {
        if (shown.get(a.name) !== a.state) ctx.output('info', `${formatAlarm(a)}\n`);
        shown.set(a.name, a.state);
        if (a.state === config.state && !reachedAt.has(a.name)) reachedAt.set(a.name, Date.now() - started);
        if (a.state !== config.state) reachedAt.delete(a.name);
      }
      const off = alarms.filter((a) => a.state !== config.state);
      return { ok: off.length === 0, detail: off.map((a) => `${a.name} is ${a.state}`).join('; ') };
    },
    {
      ...(config.within ? { within: config.within } : {}),
      interval: config.interval,
      signal: ctx.signal,
      observed: ctx.observed,
    },
  );

  const elapsed = Date.now() - started;
  const parts: ActionPart[] = last.map((a) =>
    a.state === config.state
      ? { label: a.name, ok: true, durationMs: reachedAt.get(a.name) ?? elapsed }
      : { label: a.name, ok: false, durationMs: elapsed, reason: `${a.state}, wanted ${config.state}` },
  );
  const output =
    last.length === 1 ? (last[0]?.state ?? '') : last.map((a) => `${a.name} ${a.state}`).join('\n');
  if (result.status === 'ok') return { ok: true as const, output, parts };
  if (result.status === 'fatal') return { ok: false as const, reason: result.detail, parts };
  if (result.status === 'stopped') {
    return {
      ok: false as const,
      reason: `stopped while waiting for ${subject}: ${String(ctx.signal.reason ?? 'aborted')}`,
      output,
      parts,
    };
  }
  return { ok: false as const, reason: failureReason(config, last, result.detail, elapsed), output, parts };
}

/** "alarm X still OK after 5m (wanted ALARM); last reason: ..." or the error that kept us from knowing. */
function failureReason(
  config: CloudWatchAlarmConfig,
  last: AlarmView[],
  detail: string,
  elapsed: number,
): string {
  const off = last.filter((a) => a.state !== config.state);
  if (off.length === 0) return detail; // never got an answer: detail is the last error
  const after = config.within ? ` after ${formatDuration(elapsed)}` : '';
  if (last.length === 1 && off[0]) {
    const a = off[0];
    const verb = config.within ? `still ${a.state}${after}` : `is ${a.state}`;
    return `alarm ${a.name} ${verb} (wanted ${config.state}); last reason: ${a.reason || 'none given'}`;
  }
  const each = off.map((a) => `${a.name} is ${a.state} (${a.reason || 'no reason given'})`).join('; ');
  return `${off.length} of ${last.length} alarms not ${config.state}${after}: ${each}`;
}

function regionNote(ctx: ActionContext): string {
  const { region, endpoint } = awsSpec(ctx);
  const where = [region && `region ${region}`, endpoint && `endpoint ${endpoint}`].filter(Boolean).join(', ');
  return where ? ` (${where})` : '';
}
