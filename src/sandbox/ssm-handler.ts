import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorize } from './aws-auth.js';
import { readBody, sendText } from './http-util.js';
import {
  commandStatus,
  type FleetInstance,
  type Invocation,
  type SsmCommand,
  type SsmFleet,
} from './ssm-fleet.js';

export const SSM_TARGET_PREFIX = 'AmazonSSM.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const DOCUMENT = 'AWS-RunShellScript';
const DOCUMENT_PARAMETERS = new Set(['commands', 'workingDirectory', 'executionTimeout']);
/** The plugin output ListCommandInvocations shows (Details: true) is cut at this many characters. */
const PLUGIN_OUTPUT_KEEP = 2500;

type Refusal = { status: number; code: string; message: string };
type Reply = { status: 200; body: unknown } | Refusal;
type Input = Record<string, unknown>;

/**
 * Systems Manager Run Command in AWS JSON 1.1 (`POST /`, `x-amz-target: AmazonSSM.<Operation>`,
 * `application/x-amz-json-1.1`; errors `{"__type": code, "message": ...}`): SendCommand,
 * ListCommands, ListCommandInvocations, GetCommandInvocation and CancelCommand, with the one
 * document AWS-RunShellScript. Timestamps are epoch seconds, as the protocol has them.
 */
export async function handleSsm(req: IncomingMessage, res: ServerResponse, fleet: SsmFleet): Promise<void> {
  send(res, await reply(req, fleet));
}

async function reply(req: IncomingMessage, fleet: SsmFleet): Promise<Reply> {
  const operation = String(req.headers['x-amz-target'] ?? '').slice(SSM_TARGET_PREFIX.length);
  const auth = authorize(req.headers, `ssm:${operation}`);
  if (!auth.ok) return { ...auth, code: auth.code === 'AccessDenied' ? 'AccessDeniedException' : auth.code };
  let input: Input;
  try {
    const text = await readBody(req);
    const parsed: unknown = text.trim() === '' ? {} : JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    input = parsed as Input;
  } catch {
    return { status: 400, code: 'SerializationException', message: 'Request body is not a JSON object' };
  }
  switch (operation) {
    case 'SendCommand':
      return sendCommand(input, fleet);
    case 'ListCommands':
      return withCommand(input, fleet, (c) => ({ status: 200, body: { Commands: [commandView(c)] } }));
    case 'ListCommandInvocations':
      return withCommand(input, fleet, (c) => listInvocations(c, input));
    case 'GetCommandInvocation':
      return withCommand(input, fleet, (c) => getInvocation(c, input));
    case 'CancelCommand':
      return withCommand(input, fleet, (c) => {
        fleet.cancel(c);
        return { status: 200, body: {} };
      });
    default:
      return {
        status: 400,
        code: 'UnknownOperationException',
        message: `The sandbox does not implement ${operation || 'this operation'}`,
      };
  }
}

function sendCommand(input: Input, fleet: SsmFleet): Reply {
  if (input['DocumentName'] !== DOCUMENT) {
    return {
      status: 400,
      code: 'InvalidDocument',
      message: `Document with name ${String(input['DocumentName'])} does not exist.`,
    };
  }
  const parameters = stringLists(input['Parameters']);
  if (!parameters) return invalidParameters('Parameters must map names to lists of strings.');
  const unknown = Object.keys(parameters).find((k) => !DOCUMENT_PARAMETERS.has(k));
  if (unknown) return invalidParameters(`Parameter "${unknown}" is not defined in ${DOCUMENT}.`);
  const lines = parameters['commands'];
  if (!lines || lines.length === 0) return invalidParameters('Parameter "commands" is required.');
  const timeout = Number(parameters['executionTimeout']?.[0] ?? '3600');
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 172_800) {
    return invalidParameters('executionTimeout must be a whole number of seconds from 1 to 172800.');
  }
  const chosen = selectInstances(input, fleet);
  if ('code' in chosen) return chosen;
  const concurrency = stringOr(input['MaxConcurrency'], '50');
  const errors = stringOr(input['MaxErrors'], '0');
  if (!/^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/.test(concurrency))
    return validation('MaxConcurrency', concurrency);
  if (!/^([1-9][0-9]*|0|[1-9][0-9]%|[0-9]%|100%)$/.test(errors)) return validation('MaxErrors', errors);
  const workingDirectory = parameters['workingDirectory']?.[0];
  const command = fleet.send({
    documentName: DOCUMENT,
    lines,
    parameters,
    ...(workingDirectory ? { workingDirectory } : {}),
    executionTimeoutS: timeout,
    instances: chosen.instances,
    instanceIds: chosen.instanceIds,
    targets: chosen.targets,
    maxConcurrency: concurrency,
    maxErrors: errors,
    comment: stringOr(input['Comment'], ''),
  });
  return { status: 200, body: { Command: commandView(command) } };
}

type Selection = {
  instances: FleetInstance[];
  instanceIds: string[];
  targets: Array<{ Key: string; Values: string[] }>;
};

/** InstanceIds (each must exist and be reachable), or Targets by `tag:Key` / `InstanceIds`. */
function selectInstances(input: Input, fleet: SsmFleet): Selection | Refusal {
  const ids = input['InstanceIds'];
  const targets = input['Targets'];
  if ((ids === undefined) === (targets === undefined)) {
    return invalidParameters('Specify either InstanceIds or Targets, not both or neither.');
  }
  if (ids !== undefined) {
    if (
      !Array.isArray(ids) ||
      ids.length === 0 ||
      ids.length > 50 ||
      !ids.every((i) => typeof i === 'string')
    ) {
      return invalidParameters('InstanceIds must list 1 to 50 instance ids.');
    }
    const known = ids.map((id) => fleet.instances.find((i) => i.id === id));
    if (known.some((i) => i === undefined)) {
      return {
        status: 400,
        code: 'InvalidInstanceId',
        message: `Instances [[${ids.filter((_, n) => !known[n]).join(', ')}]] not in a valid state for account 000000000000`,
      };
    }
    return { instances: known as FleetInstance[], instanceIds: ids as string[], targets: [] };
  }
  if (!Array.isArray(targets) || targets.length === 0 || targets.length > 5) {
    return invalidParameters('Targets must hold 1 to 5 key/values pairs.');
  }
  let chosen = [...fleet.instances];
  const echo: Selection['targets'] = [];
  for (const t of targets as Array<{ Key?: unknown; Values?: unknown }>) {
    const values = Array.isArray(t.Values) ? t.Values.filter((v): v is string => typeof v === 'string') : [];
    if (typeof t.Key !== 'string' || values.length === 0)
      return invalidParameters('Each target needs a Key and Values.');
    const key = t.Key;
    if (key === 'InstanceIds') chosen = chosen.filter((i) => values.includes(i.id));
    else if (key.startsWith('tag:'))
      chosen = chosen.filter((i) => values.includes(i.tags[key.slice(4)] ?? '\u0000'));
    else if (key === 'tag-key') chosen = chosen.filter((i) => values.some((v) => Object.hasOwn(i.tags, v)));
    else
      return {
        status: 400,
        code: 'InvalidTarget',
        message: `Target key ${key} is not supported by the sandbox.`,
      };
    echo.push({ Key: key, Values: values });
  }
  return { instances: chosen, instanceIds: [], targets: echo };
}

function withCommand(input: Input, fleet: SsmFleet, then: (c: SsmCommand) => Reply): Reply {
  const id = input['CommandId'];
  const command = typeof id === 'string' ? fleet.commands.get(id) : undefined;
  if (!command)
    return { status: 400, code: 'InvalidCommandId', message: 'The specified command ID is not valid.' };
  return then(command);
}

function listInvocations(c: SsmCommand, input: Input): Reply {
  const max = typeof input['MaxResults'] === 'number' ? input['MaxResults'] : 50;
  if (!Number.isInteger(max) || max < 1 || max > 50) return validation('MaxResults', String(max));
  const start = typeof input['NextToken'] === 'string' ? Number(input['NextToken']) : 0;
  if (!Number.isInteger(start) || start < 0)
    return { status: 400, code: 'InvalidNextToken', message: 'The specified token is not valid.' };
  const wanted =
    typeof input['InstanceId'] === 'string'
      ? c.invocations.filter((i) => i.instance.id === input['InstanceId'])
      : c.invocations;
  const page = wanted.slice(start, start + max).map((i) => invocationView(c, i, input['Details'] === true));
  const more = start + max < wanted.length;
  return {
    status: 200,
    body: { CommandInvocations: page, ...(more ? { NextToken: String(start + max) } : {}) },
  };
}

function getInvocation(c: SsmCommand, input: Input): Reply {
  const i = c.invocations.find((x) => x.instance.id === input['InstanceId']);
  if (!i)
    return {
      status: 400,
      code: 'InvocationDoesNotExist',
      message: 'An invocation does not exist for the command and instance.',
    };
  return {
    status: 200,
    body: {
      CommandId: c.id,
      InstanceId: i.instance.id,
      Comment: c.comment,
      DocumentName: c.documentName,
      DocumentVersion: '$DEFAULT',
      PluginName: 'aws:runShellScript',
      ResponseCode: i.responseCode,
      ExecutionStartDateTime: i.startedAt?.toISOString() ?? '',
      ExecutionElapsedTime: elapsed(i),
      ExecutionEndDateTime: i.endedAt && i.startedAt ? i.endedAt.toISOString() : '',
      Status: i.status,
      StatusDetails: i.statusDetails,
      StandardOutputContent: i.stdout,
      StandardOutputUrl: '',
      StandardErrorContent: i.stderr,
      StandardErrorUrl: '',
      CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
    },
  };
}

function commandView(c: SsmCommand): Record<string, unknown> {
  const { status, details } = commandStatus(c);
  const done = c.invocations.filter((i) => ['Success', 'Failed', 'TimedOut', 'Cancelled'].includes(i.status));
  return {
    CommandId: c.id,
    DocumentName: c.documentName,
    DocumentVersion: '$DEFAULT',
    Comment: c.comment,
    ExpiresAfter: c.requestedAt.getTime() / 1000 + 3600,
    Parameters: c.parameters,
    InstanceIds: c.instanceIds,
    Targets: c.targets,
    RequestedDateTime: c.requestedAt.getTime() / 1000,
    Status: status,
    StatusDetails: details,
    MaxConcurrency: c.maxConcurrency,
    MaxErrors: c.maxErrors,
    TargetCount: c.invocations.length,
    CompletedCount: done.length,
    ErrorCount: c.errors,
    DeliveryTimedOutCount: 0,
    TimeoutSeconds: 3600,
  };
}

function invocationView(c: SsmCommand, i: Invocation, details: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = {
    CommandId: c.id,
    InstanceId: i.instance.id,
    InstanceName: i.instance.tags['Name'] ?? '',
    Comment: c.comment,
    DocumentName: c.documentName,
    DocumentVersion: '$DEFAULT',
    RequestedDateTime: c.requestedAt.getTime() / 1000,
    Status: i.status,
    StatusDetails: i.statusDetails,
    StandardOutputUrl: '',
    StandardErrorUrl: '',
  };
  if (!details) return view;
  const output = i.stderr ? `${i.stdout}\n----------ERROR-------\n${i.stderr}` : i.stdout;
  view['CommandPlugins'] = [
    {
      Name: 'aws:runShellScript',
      Status: i.status,
      StatusDetails: i.statusDetails,
      ResponseCode: i.responseCode,
      ...(i.startedAt ? { ResponseStartDateTime: i.startedAt.getTime() / 1000 } : {}),
      ...(i.endedAt ? { ResponseFinishDateTime: i.endedAt.getTime() / 1000 } : {}),
      Output: output.slice(0, PLUGIN_OUTPUT_KEEP),
    },
  ];
  return view;
}

function elapsed(i: Invocation): string {
  if (!i.startedAt) return '';
  const ms = (i.endedAt ?? new Date()).getTime() - i.startedAt.getTime();
  return `PT${(ms / 1000).toFixed(3)}S`;
}

function stringLists(value: unknown): Record<string, string[]> | undefined {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) return undefined;
    out[k] = v as string[];
  }
  return out;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function invalidParameters(message: string): Refusal {
  return { status: 400, code: 'InvalidParameters', message };
}

function validation(member: string, value: string): Reply {
  return {
    status: 400,
    code: 'ValidationException',
    message: `1 validation error detected: Value '${value}' at '${member.charAt(0).toLowerCase()}${member.slice(1)}' failed to satisfy constraint`,
  };
}

function send(res: ServerResponse, r: Reply): void {
  const requestId = randomUUID();
  if ('body' in r) {
    sendText(res, 200, CONTENT_TYPE, JSON.stringify(r.body), { 'x-amzn-requestid': requestId });
    return;
  }
  sendText(res, r.status, CONTENT_TYPE, JSON.stringify({ __type: r.code, message: r.message }), {
    'x-amzn-requestid': requestId,
  });
}
