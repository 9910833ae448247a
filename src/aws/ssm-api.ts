import type { SSMClient } from '@aws-sdk/client-ssm';
import { type AwsCall, rethrowAws } from './errors.js';
import type { SsmTargets } from './ssm-spec.js';

/** Invocation states after which nothing changes any more (SSM's terminal states). */
const TERMINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

export function isTerminal(status: string): boolean {
  return TERMINAL.has(status);
}

export interface SendRequest {
  targets: SsmTargets;
  document: string;
  parameters: Record<string, string[]>;
  maxConcurrency?: string;
  maxErrors?: string;
  comment?: string;
}

export interface InvocationState {
  instanceId: string;
  status: string;
  statusDetails: string;
}

export interface InvocationResult extends InvocationState {
  /** -1 when the instance never ran it (cancelled before start, undeliverable). */
  responseCode: number;
  stdout: string;
  stderr: string;
  /** ms the command ran on the instance; 0 when it never started. */
  elapsedMs: number;
}

type Call = (permission: string) => AwsCall;

export async function sendCommand(
  client: SSMClient,
  req: SendRequest,
  call: Call,
  signal: AbortSignal,
): Promise<{ commandId: string }> {
  const { SendCommandCommand } = await import('@aws-sdk/client-ssm');
  const targets =
    req.targets.kind === 'instances'
      ? { InstanceIds: req.targets.instanceIds }
      : { Targets: Object.entries(req.targets.tags).map(([k, v]) => ({ Key: `tag:${k}`, Values: [v] })) };
  const out = await client
    .send(
      new SendCommandCommand({
        ...targets,
        DocumentName: req.document,
        Parameters: req.parameters,
        ...(req.maxConcurrency ? { MaxConcurrency: req.maxConcurrency } : {}),
        ...(req.maxErrors ? { MaxErrors: req.maxErrors } : {}),
        ...(req.comment ? { Comment: req.comment } : {}),
      }),
      { abortSignal: signal },
    )
    .catch((error: unknown) => rethrowAws(error, call('ssm:SendCommand')));
  const commandId = out.Command?.CommandId;
  if (!commandId) throw new Error('SSM SendCommand answered without a CommandId');
  return { commandId };
}

/** The command's own status (Pending, InProgress, Success, Failed, Cancelled, TimedOut...). */
export async function commandStatus(
  client: SSMClient,
  commandId: string,
  call: Call,
  signal: AbortSignal,
): Promise<{ status: string; targetCount: number }> {
  const { ListCommandsCommand } = await import('@aws-sdk/client-ssm');
  const out = await client
    .send(new ListCommandsCommand({ CommandId: commandId }), { abortSignal: signal })
    .catch((error: unknown) => rethrowAws(error, call('ssm:ListCommands')));
  const command = out.Commands?.[0];
  return { status: command?.Status ?? 'Pending', targetCount: command?.TargetCount ?? 0 };
}

/** Every invocation of the command so far, all pages. */
export async function listInvocations(
  client: SSMClient,
  commandId: string,
  call: Call,
  signal: AbortSignal,
): Promise<InvocationState[]> {
  const { ListCommandInvocationsCommand } = await import('@aws-sdk/client-ssm');
  const states: InvocationState[] = [];
  let token: string | undefined;
  do {
    const out = await client
      .send(
        new ListCommandInvocationsCommand({
          CommandId: commandId,
          MaxResults: 50,
          ...(token ? { NextToken: token } : {}),
        }),
        { abortSignal: signal },
      )
      .catch((error: unknown) => rethrowAws(error, call('ssm:ListCommandInvocations')));
    for (const i of out.CommandInvocations ?? []) {
      if (!i.InstanceId) continue;
      states.push({
        instanceId: i.InstanceId,
        status: i.Status ?? 'Pending',
        statusDetails: i.StatusDetails ?? '',
      });
    }
    token = out.NextToken;
  } while (token);
  return states;
}

/** One instance's result: status, exit code, and the output SSM keeps (24,000/8,000 chars). */
export async function getInvocation(
  client: SSMClient,
  commandId: string,
  instanceId: string,
  call: Call,
  signal: AbortSignal,
): Promise<InvocationResult> {
  const { GetCommandInvocationCommand } = await import('@aws-sdk/client-ssm');
  const out = await client
    .send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }), {
      abortSignal: signal,
    })
    .catch((error: unknown) => rethrowAws(error, call('ssm:GetCommandInvocation')));
  const start = Date.parse(out.ExecutionStartDateTime ?? '');
  const end = Date.parse(out.ExecutionEndDateTime ?? '');
  return {
    instanceId,
    status: out.Status ?? 'Pending',
    statusDetails: out.StatusDetails ?? '',
    responseCode: out.ResponseCode ?? -1,
    stdout: out.StandardOutputContent ?? '',
    stderr: out.StandardErrorContent ?? '',
    elapsedMs: Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, end - start) : 0,
  };
}

export async function cancelCommand(
  client: SSMClient,
  commandId: string,
  call: Call,
  signal: AbortSignal,
): Promise<void> {
  const { CancelCommandCommand } = await import('@aws-sdk/client-ssm');
  await client
    .send(new CancelCommandCommand({ CommandId: commandId }), { abortSignal: signal })
    .catch((error: unknown) => rethrowAws(error, call('ssm:CancelCommand')));
}
