import type { Route53Client } from '@aws-sdk/client-route-53';
import { type AwsCall, rethrowAws } from './errors.js';

export interface DnsAnswer {
  code: string;
  values: string[];
}

export interface FailoverRecord {
  role: 'PRIMARY' | 'SECONDARY';
  setIdentifier: string;
  values: string[];
  healthCheckId?: string;
}

export interface HealthStatus {
  healthy: boolean;
  /** e.g. `0 of 3 checkers report success: Failure: Connection refused` */
  summary: string;
}

/** What Route 53 itself would answer right now (TestDNSAnswer), health checks included. */
export async function testDnsAnswer(
  client: Route53Client,
  q: { zoneId: string; record: string; type: string },
  call: AwsCall,
  signal: AbortSignal,
): Promise<DnsAnswer> {
  const { TestDNSAnswerCommand } = await import('@aws-sdk/client-route-53');
  const out = await client
    .send(
      new TestDNSAnswerCommand({ HostedZoneId: q.zoneId, RecordName: q.record, RecordType: q.type as 'A' }),
      {
        abortSignal: signal,
      },
    )
    .catch((error: unknown) => rethrowAws(error, call));
  return { code: out.ResponseCode ?? '?', values: out.RecordData ?? [] };
}

/** The failover record pair (or what exists of it) for one name and type. */
export async function failoverRecords(
  client: Route53Client,
  q: { zoneId: string; record: string; type: string },
  call: AwsCall,
  signal: AbortSignal,
): Promise<FailoverRecord[]> {
  const { ListResourceRecordSetsCommand } = await import('@aws-sdk/client-route-53');
  const out = await client
    .send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: q.zoneId,
        StartRecordName: q.record,
        StartRecordType: q.type as 'A',
        MaxItems: 20,
      }),
      { abortSignal: signal },
    )
    .catch((error: unknown) => rethrowAws(error, call));
  const name = dnsName(q.record);
  return (out.ResourceRecordSets ?? [])
    .filter((r) => dnsName(r.Name ?? '') === name && r.Type === q.type && r.Failover)
    .map((r) => ({
      role: r.Failover as 'PRIMARY' | 'SECONDARY',
      setIdentifier: r.SetIdentifier ?? '',
      values: (r.ResourceRecords ?? []).map((v) => v.Value ?? ''),
      ...(r.HealthCheckId ? { healthCheckId: r.HealthCheckId } : {}),
    }));
}

/**
 * Route 53 considers a health check healthy when more than 18% of its checkers report
 * success; GetHealthCheckStatus gives the per-checker reports.
 */
export async function healthCheckStatus(
  client: Route53Client,
  id: string,
  call: AwsCall,
  signal: AbortSignal,
): Promise<HealthStatus> {
  const { GetHealthCheckStatusCommand } = await import('@aws-sdk/client-route-53');
  const out = await client
    .send(new GetHealthCheckStatusCommand({ HealthCheckId: id }), { abortSignal: signal })
    .catch((error: unknown) => rethrowAws(error, call));
  const reports = (out.HealthCheckObservations ?? []).map((o) => o.StatusReport?.Status ?? '');
  const ok = reports.filter((s) => s.startsWith('Success')).length;
  const healthy = reports.length > 0 && ok / reports.length > 0.18;
  const sample =
    reports.find((s) => s.startsWith(healthy ? 'Success' : 'Failure')) ?? reports[0] ?? 'no reports';
  return { healthy, summary: `${ok} of ${reports.length} checkers report success: ${sample}` };
}

/** Names compare case-insensitively, with or without the final dot. */
export function dnsName(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n.slice(0, -1) : n;
}
