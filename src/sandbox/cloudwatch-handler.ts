import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ALARM_STATES, type AlarmRecord, type AlarmState, type AlarmStore, RDS_CLUSTER } from './alarms.js';
import { authorize } from './aws-auth.js';
import { readBody, sendText } from './http-util.js';

export const CLOUDWATCH_TARGET_PREFIX = 'GraniteServiceVersion20100801.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';

type Reply =
  | { status: 200; body: unknown }
  | { status: number; code: string; message: string; type?: string };

/** Request members drillbook (and the AWS CLI) send; anything may be missing or mistyped. */
interface CloudWatchInput {
  AlarmNames?: unknown;
  AlarmNamePrefix?: unknown;
  AlarmTypes?: unknown;
  StateValue?: unknown;
  MaxRecords?: unknown;
  NextToken?: unknown;
  AlarmName?: unknown;
  StateReason?: unknown;
  StateReasonData?: unknown;
}

/**
 * CloudWatch as the current SDK speaks it: AWS JSON 1.0 (`POST /`, `x-amz-target:
 * GraniteServiceVersion20100801.<Operation>`, `application/x-amz-json-1.0`), query-compatible
 * (the SDK sends `x-amzn-query-mode: true` and reads error codes from `x-amzn-query-error`).
 * Timestamps are epoch seconds. Only what drillbook uses: DescribeAlarms and SetAlarmState.
 */
export async function handleCloudWatch(
  req: IncomingMessage,
  res: ServerResponse,
  alarms: AlarmStore,
  region: string,
): Promise<void> {
  send(res, await reply(req, alarms, region));
}

async function reply(req: IncomingMessage, alarms: AlarmStore, region: string): Promise<Reply> {
  const operation = String(req.headers['x-amz-target'] ?? '').slice(CLOUDWATCH_TARGET_PREFIX.length);
  const auth = authorize(req.headers, `cloudwatch:${operation}`);
  if (!auth.ok) return { ...auth, type: 'com.amazon.coral.service#AccessDeniedException' };
  let input: CloudWatchInput;
  try {
    const text = await readBody(req);
    input = text.trim() === '' ? {} : (JSON.parse(text) as CloudWatchInput);
  } catch {
    return { status: 400, code: 'SerializationException', message: 'Request body is not valid JSON' };
  }
  if (operation === 'DescribeAlarms') return describeAlarms(input, alarms, region);
  if (operation === 'SetAlarmState') return setAlarmState(input, alarms);
  return {
    status: 400,
    code: 'UnknownOperationException',
    message: `The sandbox does not implement ${operation || 'this operation'}`,
  };
}

function describeAlarms(input: CloudWatchInput, alarms: AlarmStore, region: string): Reply {
  const { AlarmNames: names, AlarmNamePrefix: prefix, StateValue: state, AlarmTypes: types } = input;
  if (names !== undefined && prefix !== undefined) {
    return {
      status: 400,
      code: 'InvalidParameterCombination',
      message: 'AlarmNamePrefix and AlarmNames cannot be specified together',
    };
  }
  if (state !== undefined && !isState(state)) return badState(state);
  const max = typeof input.MaxRecords === 'number' ? input.MaxRecords : 50;
  if (max < 1 || max > 100) return validation('MaxRecords must be between 1 and 100');
  const start =
    typeof input.NextToken === 'string' ? Number(Buffer.from(input.NextToken, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) {
    return { status: 400, code: 'InvalidNextToken', message: 'The service cannot process the NextToken' };
  }
  const wantMetric = !Array.isArray(types) || types.includes('MetricAlarm');
  const matching = alarms
    .list()
    .filter(
      (a) =>
        wantMetric &&
        (!Array.isArray(names) || names.includes(a.def.name)) &&
        (typeof prefix !== 'string' || a.def.name.startsWith(prefix)) &&
        (state === undefined || a.state === state),
    );
  const page = matching.slice(start, start + max);
  const more = start + max < matching.length;
  return {
    status: 200,
    body: {
      MetricAlarms: page.map((a) => metricAlarm(a, region)),
      ...(more ? { NextToken: Buffer.from(String(start + max)).toString('base64url') } : {}),
    },
  };
}

function setAlarmState(input: CloudWatchInput, alarms: AlarmStore): Reply {
  const { AlarmName: name, StateValue: state, StateReason: reason, StateReasonData: data } = input;
  if (typeof name !== 'string' || typeof reason !== 'string' || typeof state !== 'string') {
    return validation('AlarmName, StateValue and StateReason are required');
  }
  if (!isState(state)) return badState(state);
  if (!alarms.setState(name, state, reason, typeof data === 'string' ? data : undefined)) {
    return {
      status: 404,
      code: 'ResourceNotFound',
      message: `Alarm ${name} not found`,
      type: 'com.amazonaws.cloudwatch#ResourceNotFound',
    };
  }
  return { status: 200, body: {} };
}

function metricAlarm(a: AlarmRecord, region: string): Record<string, unknown> {
  const seconds = a.updatedAt.getTime() / 1000;
  const watches =
    a.def.watches === 'instance'
      ? 'instance status check'
      : a.def.watches === 'rds-failover'
        ? `${RDS_CLUSTER} Multi-AZ failover`
        : `${a.def.watches} connectivity`;
  return {
    AlarmName: a.def.name,
    AlarmArn: `arn:aws:cloudwatch:${region}:000000000000:alarm:${a.def.name}`,
    AlarmDescription:
      a.def.colour === undefined ? `Bookstore: ${watches}` : `Bookstore ${a.def.colour}: ${watches}`,
    ActionsEnabled: false,
    StateValue: a.state,
    StateReason: a.reason,
    ...(a.reasonData === undefined ? {} : { StateReasonData: a.reasonData }),
    StateUpdatedTimestamp: seconds,
    StateTransitionedTimestamp: seconds,
    AlarmConfigurationUpdatedTimestamp: 1_700_000_000,
    MetricName: a.def.metricName,
    Namespace: a.def.namespace,
    Statistic: 'Maximum',
    Dimensions: a.def.dimensions,
    Period: 60,
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'missing',
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
  };
}

function isState(value: unknown): value is AlarmState {
  return ALARM_STATES.includes(value as AlarmState);
}

function badState(value: unknown): Reply {
  return validation(
    `Value '${String(value)}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]`,
  );
}

function validation(message: string): Reply {
  return {
    status: 400,
    code: 'ValidationError',
    message,
    type: 'com.amazon.coral.validate#ValidationException',
  };
}

/** Success JSON, or the JSON 1.0 error shape plus the query-compatible header the SDK reads the code from. */
function send(res: ServerResponse, r: Reply): void {
  const requestId = randomUUID();
  if ('body' in r) {
    sendText(res, 200, CONTENT_TYPE, JSON.stringify(r.body), { 'x-amzn-requestid': requestId });
    return;
  }
  const body = JSON.stringify({ __type: r.type ?? `com.amazonaws.cloudwatch#${r.code}`, message: r.message });
  sendText(res, r.status, CONTENT_TYPE, body, {
    'x-amzn-requestid': requestId,
    'x-amzn-query-error': `${r.code};${r.status >= 500 ? 'Receiver' : 'Sender'}`,
  });
}
