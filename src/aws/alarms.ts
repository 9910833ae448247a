import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { type AwsCall, rethrowAws } from './errors.js';

export interface AlarmView {
  name: string;
  state: string;
  reason: string;
  updated?: Date;
}

export type AlarmSelection = { names: string[] } | { prefix: string };

/** DescribeAlarms rejects more names than this in one call. */
const NAMES_PER_CALL = 100;

/** Every metric alarm the selection names, following NextToken pages. */
export async function describeAlarms(
  client: CloudWatchClient,
  select: AlarmSelection,
  call: AwsCall,
  signal: AbortSignal,
): Promise<AlarmView[]> {
  const { DescribeAlarmsCommand } = await import('@aws-sdk/client-cloudwatch');
  const filters =
    'names' in select
      ? chunks(select.names, NAMES_PER_CALL).map((AlarmNames) => ({ AlarmNames }))
      : [{ AlarmNamePrefix: select.prefix }];
  const found: AlarmView[] = [];
  for (const filter of filters) {
    let NextToken: string | undefined;
    do {
      const page = await client
        .send(new DescribeAlarmsCommand({ ...filter, NextToken }), { abortSignal: signal })
        .catch((error: unknown) => rethrowAws(error, call));
      for (const a of page.MetricAlarms ?? []) {
        found.push({
          name: a.AlarmName ?? '?',
          state: a.StateValue ?? '?',
          reason: a.StateReason ?? '',
          ...(a.StateUpdatedTimestamp ? { updated: a.StateUpdatedTimestamp } : {}),
        });
      }
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return found;
}

export async function setAlarmState(
  client: CloudWatchClient,
  input: { name: string; state: string; reason: string },
  call: AwsCall,
  signal: AbortSignal,
): Promise<void> {
  const { SetAlarmStateCommand } = await import('@aws-sdk/client-cloudwatch');
  await client
    .send(
      new SetAlarmStateCommand({
        AlarmName: input.name,
        StateValue: input.state as 'OK' | 'ALARM' | 'INSUFFICIENT_DATA',
        StateReason: input.reason,
      }),
      { abortSignal: signal },
    )
    .catch((error: unknown) => rethrowAws(error, call));
}

/** `name: ALARM since 2026-11-29T04:41:04Z: Threshold Crossed: ...` */
export function formatAlarm(a: AlarmView): string {
  const since = a.updated ? ` since ${a.updated.toISOString().replace(/\.\d{3}Z$/, 'Z')}` : '';
  return `${a.name}: ${a.state}${since}${a.reason ? `: ${a.reason}` : ''}`;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
