import type { ActionContext, ActionResult } from '../plugin/contract.js';
import type { CheckOutcome } from '../plugin/poll.js';
import { type Duration, formatDuration } from '../runbook/duration.js';
import { awsSpec } from './block.js';
import { route53Client } from './clients.js';
import { type AwsCall, callTarget } from './errors.js';
import { FatalCheck, pollAws } from './poll.js';
import {
  dnsName,
  type FailoverRecord,
  failoverRecords,
  healthCheckStatus,
  testDnsAnswer,
} from './route53.js';

export type FailoverRole = 'PRIMARY' | 'SECONDARY';

/** The `route53` action's parsed config (its schema is in actions/route53.ts). */
export interface Route53Config {
  /** Set together with `record`. */
  zoneId?: string;
  record?: string;
  type: string;
  /** Values Route 53 must answer for the record. */
  expect?: string[];
  healthCheck?: { id: string; status: 'Healthy' | 'Unhealthy' };
  /** Which record of a failover pair must be serving. */
  failover?: FailoverRole;
  within?: Duration;
  interval: Duration;
}

/** The `route53` action's run: every configured check must hold in the same poll. */
export async function runRoute53Check(config: Route53Config, ctx: ActionContext): Promise<ActionResult> {
  const started = Date.now();
  const call = (permission: string, subject: string): AwsCall => ({
    service: 'Route 53',
    permission,
    subject,
    ...callTarget(awsSpec(ctx)),
  });
  let client: Awaited<ReturnType<typeof route53Client>>;
  try {
    client = await route53Client(ctx);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const record =
    config.record && config.zoneId
      ? { zoneId: config.zoneId, record: config.record, type: config.type }
      : undefined;
  const recordSubject = record ? `zone ${record.zoneId}, ${record.record} ${record.type}` : '';
  let pair: FailoverRecord[] | undefined;
  let output = '';
  // Print what Route 53 says when it changes, not on every poll.
  const shown = new Map<string, string>();
  const show = (key: string, line: string) => {
    if (shown.get(key) !== line) ctx.output('info', `${line}\n`);
    shown.set(key, line);
  };

  const check = async (): Promise<CheckOutcome> => {
    const problems: string[] = [];
    if (record) {
      const answer = await testDnsAnswer(
        client,
        record,
        call('route53:TestDNSAnswer', recordSubject),
        ctx.signal,
      );
      const values = answer.values.map(dnsName);
      output = answer.values.join(',');
      let serving: FailoverRecord | undefined;
      if (config.failover) {
        pair ??= await failoverRecords(
          client,
          record,
          call('route53:ListResourceRecordSets', recordSubject),
          ctx.signal,
        );
        if (pair.length === 0) {
          throw new FatalCheck(
            `${record.record} ${record.type} in zone ${record.zoneId} has no failover records (PRIMARY/SECONDARY)`,
          );
        }
        serving = pair.find((r) => r.values.length > 0 && r.values.every((v) => values.includes(dnsName(v))));
      }
      const answered = answer.code === 'NOERROR' ? answer.values.join(', ') || '(no values)' : answer.code;
      show(
        'record',
        `${record.record} ${record.type} -> ${answered}${serving ? ` (${serving.role} ${serving.setIdentifier})` : ''}`,
      );
      if (answer.code !== 'NOERROR' || values.length === 0) {
        problems.push(`${record.record} ${record.type} answers ${answered}`);
      } else {
        const missing = (config.expect ?? []).filter((v) => !values.includes(dnsName(v)));
        if (missing.length > 0)
          problems.push(
            `${record.record} ${record.type} answers ${answered}, expected ${config.expect?.join(', ')}`,
          );
        if (config.failover && serving?.role !== config.failover) {
          const now = serving
            ? `${serving.role} (${serving.setIdentifier}, ${serving.values.join(', ')})`
            : `neither failover record (${answered})`;
          problems.push(`${record.record} ${record.type} is served by ${now}, expected ${config.failover}`);
        }
      }
    }
    if (config.healthCheck) {
      const { id, status: want } = config.healthCheck;
      const status = await healthCheckStatus(
        client,
        id,
        call('route53:GetHealthCheckStatus', `health check ${id}`),
        ctx.signal,
      );
      const is = status.healthy ? 'Healthy' : 'Unhealthy';
      show('health', `health check ${id}: ${is} (${status.summary})`);
      if (!record) output = is;
      if (is !== want) problems.push(`health check ${id} is ${is}, expected ${want} (${status.summary})`);
    }
    return { ok: problems.length === 0, detail: problems.join('; ') };
  };

  if (config.within) ctx.output('info', `waiting up to ${formatDuration(config.within)}\n`);
  const result = await pollAws(check, {
    ...(config.within ? { within: config.within } : {}),
    interval: config.interval,
    signal: ctx.signal,
    observed: ctx.observed,
  });
  if (result.status === 'ok') return { ok: true, output };
  if (result.status === 'fatal') return { ok: false, reason: result.detail };
  if (result.status === 'stopped')
    return { ok: false, reason: `stopped: ${String(ctx.signal.reason ?? 'aborted')}`, output };
  const after = config.within ? ` after ${formatDuration(Date.now() - started)}` : '';
  return { ok: false, reason: `${result.detail}${after}`, output };
}
