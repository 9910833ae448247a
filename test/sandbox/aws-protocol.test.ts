import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  paginateDescribeAlarms,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { ListResourceRecordSetsCommand, Route53Client, TestDNSAnswerCommand } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutNodeVersionWarning } from '../../src/aws/clients.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let sandbox: Sandbox;
let cw: CloudWatchClient;
let r53: Route53Client;

beforeAll(async () => {
  sandbox = await startSandbox({ alarmDelayMs: 200, healthIntervalMs: 100, setStateHoldMs: 60_000 });
  const config = { endpoint: sandbox.endpoints.aws, region: 'us-west-2', credentials };
  cw = withoutNodeVersionWarning(() => new CloudWatchClient(config));
  r53 = withoutNodeVersionWarning(() => new Route53Client(config));
});
afterAll(async () => {
  cw.destroy();
  r53.destroy();
  await sandbox.close();
});

describe('CloudWatch endpoint', () => {
  it('speaks the protocol the installed SDK sends: AWS JSON 1.0, query-compatible', async () => {
    let headers: Record<string, string> = {};
    cw.middlewareStack.add(
      (next) => async (args) => {
        headers = (args.request as { headers: Record<string, string> }).headers;
        return next(args);
      },
      { step: 'finalizeRequest', name: 'captureHeaders' },
    );
    const out = await cw.send(
      new DescribeAlarmsCommand({ AlarmNames: ['bookstore-api-blue-StatusCheckFailed'] }),
    );
    cw.middlewareStack.remove('captureHeaders');
    expect(headers).toMatchObject({
      'x-amz-target': 'GraniteServiceVersion20100801.DescribeAlarms',
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-query-mode': 'true',
    });
    const a = out.MetricAlarms?.[0];
    expect(a).toMatchObject({ AlarmName: 'bookstore-api-blue-StatusCheckFailed', StateValue: 'OK' });
    expect(a?.StateUpdatedTimestamp).toBeInstanceOf(Date);
    expect(Math.abs((a?.StateUpdatedTimestamp?.getTime() ?? 0) - Date.now())).toBeLessThan(600_000);
  });

  it('filters by StateValue and pages with MaxRecords and NextToken', async () => {
    await cw.send(
      new SetAlarmStateCommand({
        AlarmName: 'bookstore-api-green-db-connectivity-failed',
        StateValue: 'ALARM',
        StateReason: 'test',
      }),
    );
    const alarming = await cw.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
    expect(alarming.MetricAlarms?.map((a) => [a.AlarmName, a.StateReason])).toEqual([
      ['bookstore-api-green-db-connectivity-failed', 'test'],
    ]);
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeAlarms({ client: cw, pageSize: 4 }, {})) {
      pages++;
      names.push(...(page.MetricAlarms ?? []).map((a) => a.AlarmName ?? ''));
    }
    expect(pages).toBe(2);
    expect(names).toHaveLength(7);
  });

  it('returns errors the SDK turns into named exceptions', async () => {
    await expect(
      cw.send(new DescribeAlarmsCommand({ AlarmNames: ['a'], AlarmNamePrefix: 'b' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterCombinationException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      cw.send(new SetAlarmStateCommand({ AlarmName: 'missing', StateValue: 'OK', StateReason: 'x' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFound', message: 'Alarm missing not found' });
  });

  it('refuses unsigned requests like AWS', async () => {
    const res = await fetch(sandbox.endpoints.aws, {
      method: 'POST',
      headers: {
        'x-amz-target': 'GraniteServiceVersion20100801.DescribeAlarms',
        'content-type': 'application/x-amz-json-1.0',
      },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-query-error')).toBe('MissingAuthenticationToken;Sender');
  });
});

describe('Route 53 endpoint', () => {
  it('lists the failover pair in Route 53 order and pages with StartRecordName', async () => {
    const first = await r53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: '/hostedzone/Z0000000000', MaxItems: 3 }),
    );
    expect(first.ResourceRecordSets?.map((r) => [r.Name, r.Type, r.Failover])).toEqual([
      ['pingpublications.com.', 'NS', undefined],
      ['pingpublications.com.', 'SOA', undefined],
      ['bookstore.pingpublications.com.', 'A', 'PRIMARY'],
    ]);
    expect(first).toMatchObject({
      IsTruncated: true,
      NextRecordType: 'A',
      NextRecordIdentifier: 'bookstore-api-green',
    });
    const next = await r53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: 'Z0000000000',
        StartRecordName: first.NextRecordName,
        StartRecordType: first.NextRecordType,
        StartRecordIdentifier: first.NextRecordIdentifier,
        MaxItems: 1,
      }),
    );
    expect(next.ResourceRecordSets?.[0]).toMatchObject({
      Failover: 'SECONDARY',
      ResourceRecords: [{ Value: '52.11.79.9' }],
      HealthCheckId: sandbox.healthChecks.green,
    });
  });

  it('answers NXDOMAIN for names the zone does not have', async () => {
    const out = await r53.send(
      new TestDNSAnswerCommand({
        HostedZoneId: 'Z0000000000',
        RecordName: 'nope.pingpublications.com',
        RecordType: 'A',
      }),
    );
    expect(out).toMatchObject({ ResponseCode: 'NXDOMAIN', RecordData: [] });
  });

  it('writes errors in the Route 53 XML shape and namespace', async () => {
    const res = await fetch(`${sandbox.endpoints.aws}/2013-04-01/healthcheck/x/status`, {
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/route53/aws4_request' },
    });
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ErrorResponse xmlns="https:\/\/route53.amazonaws.com\/doc\/2013-04-01\/"><Error><Type>Sender<\/Type><Code>NoSuchHealthCheck<\/Code><Message>A health check with id x does not exist.<\/Message><\/Error><RequestId>[0-9a-f-]+<\/RequestId><\/ErrorResponse>$/,
    );
  });
});
