import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutNodeVersionWarning } from '../../src/aws/clients.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';

/** The sandbox's SSM endpoint as the real SDK client sees it (AWS JSON 1.1). */
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const FLEET = ['a', 'b', 'c', 'd'].map((n) => ({
  id: `i-0000000000000000${n}`,
  tags: { Role: 'web', Name: `web-${n}` },
}));
let sandbox: Sandbox;
let ssm: SSMClient;

beforeAll(async () => {
  sandbox = await startSandbox({ ssmInstances: FLEET, healthIntervalMs: 500 });
  ssm = withoutNodeVersionWarning(
    () => new SSMClient({ endpoint: sandbox.endpoints.aws, region: 'us-west-2', credentials }),
  );
});
afterAll(async () => {
  ssm?.destroy();
  await sandbox?.close();
});

async function finished(commandId: string): Promise<string> {
  for (;;) {
    const out = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
    const status = out.Commands?.[0]?.Status ?? '';
    if (['Success', 'Failed', 'Cancelled', 'TimedOut'].includes(status)) return status;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('SSM endpoint', () => {
  it('speaks AWS JSON 1.1 and runs the commands on each targeted instance', async () => {
    let headers: Record<string, string> = {};
    ssm.middlewareStack.add(
      (next) => async (args) => {
        headers = (args.request as { headers: Record<string, string> }).headers;
        return next(args);
      },
      { step: 'finalizeRequest', name: 'captureHeaders' },
    );
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        Targets: [{ Key: 'tag:Name', Values: ['web-a', 'web-c'] }],
        Parameters: { commands: ['echo "hi from $AWS_SSM_INSTANCE_ID"', 'echo oops >&2'] },
        Comment: 'protocol',
      }),
    );
    ssm.middlewareStack.remove('captureHeaders');
    expect(headers).toMatchObject({
      'x-amz-target': 'AmazonSSM.SendCommand',
      'content-type': 'application/x-amz-json-1.1',
    });
    const id = sent.Command?.CommandId ?? '';
    expect(sent.Command).toMatchObject({
      TargetCount: 2,
      MaxConcurrency: '50',
      MaxErrors: '0',
      Comment: 'protocol',
    });
    expect(sent.Command?.RequestedDateTime).toBeInstanceOf(Date);
    expect(await finished(id)).toBe('Success');
    const page1 = await ssm.send(
      new ListCommandInvocationsCommand({ CommandId: id, MaxResults: 1, Details: true }),
    );
    expect(page1.CommandInvocations?.map((i) => i.InstanceId)).toEqual(['i-0000000000000000a']);
    expect(page1.CommandInvocations?.[0]?.CommandPlugins?.[0]).toMatchObject({
      Name: 'aws:runShellScript',
      ResponseCode: 0,
      Output: 'hi from i-0000000000000000a\n\n----------ERROR-------\noops\n',
    });
    const page2 = await ssm.send(
      new ListCommandInvocationsCommand({ CommandId: id, MaxResults: 1, NextToken: page1.NextToken }),
    );
    expect(page2.CommandInvocations?.map((i) => i.InstanceId)).toEqual(['i-0000000000000000c']);
    expect(page2.NextToken).toBeUndefined();
    const got = await ssm.send(
      new GetCommandInvocationCommand({ CommandId: id, InstanceId: 'i-0000000000000000c' }),
    );
    expect(got).toMatchObject({
      Status: 'Success',
      ResponseCode: 0,
      StandardOutputContent: 'hi from i-0000000000000000c\n',
      StandardErrorContent: 'oops\n',
    });
    expect(Date.parse(got.ExecutionEndDateTime ?? '')).toBeGreaterThanOrEqual(
      Date.parse(got.ExecutionStartDateTime ?? ''),
    );
  });

  it('starts at most MaxConcurrency instances at once', async () => {
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        Targets: [{ Key: 'tag:Role', Values: ['web'] }],
        MaxConcurrency: '50%',
        Parameters: { commands: ['date +%s%N; sleep 0.3; date +%s%N'] },
      }),
    );
    const id = sent.Command?.CommandId ?? '';
    expect(await finished(id)).toBe('Success');
    const spans = await Promise.all(
      FLEET.map(async (i) => {
        const out = await ssm.send(new GetCommandInvocationCommand({ CommandId: id, InstanceId: i.id }));
        const [start, end] = (out.StandardOutputContent ?? '').trim().split('\n').map(Number);
        return { start: start ?? 0, end: end ?? 0 };
      }),
    );
    const most = Math.max(
      ...spans.map((s) => spans.filter((o) => o.start <= s.start && s.start < o.end).length),
    );
    expect(most).toBe(2);
  });

  it('answers errors as {__type, message} with HTTP 400, which the SDK turns into named exceptions', async () => {
    const error = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode: number } },
      );
    const unknown = await error(
      ssm.send(new GetCommandInvocationCommand({ CommandId: 'nope', InstanceId: 'i-0000000000000000a' })),
    );
    expect(unknown).toMatchObject({ name: 'InvalidCommandId', $metadata: { httpStatusCode: 400 } });
    const doc = await error(
      ssm.send(new SendCommandCommand({ DocumentName: 'AWS-Nope', InstanceIds: ['i-0000000000000000a'] })),
    );
    expect(doc).toMatchObject({
      name: 'InvalidDocument',
      message: 'Document with name AWS-Nope does not exist.',
    });
    const instance = await error(
      ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: ['i-1'],
          Parameters: { commands: ['true'] },
        }),
      ),
    );
    expect(instance).toMatchObject({ name: 'InvalidInstanceId' });
    const unsigned = await fetch(sandbox.endpoints.aws, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonSSM.ListCommands', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toMatchObject({ __type: 'MissingAuthenticationToken' });
  });

  it('cancels: running scripts are killed, the rest never start', async () => {
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        Targets: [{ Key: 'tag:Role', Values: ['web'] }],
        MaxConcurrency: '1',
        Parameters: { commands: ['sleep 30'] },
      }),
    );
    const id = sent.Command?.CommandId ?? '';
    await ssm.send(new CancelCommandCommand({ CommandId: id }));
    expect(await finished(id)).toBe('Cancelled');
    const all = await ssm.send(new ListCommandInvocationsCommand({ CommandId: id }));
    expect(all.CommandInvocations?.map((i) => i.Status)).toEqual([
      'Cancelled',
      'Cancelled',
      'Cancelled',
      'Cancelled',
    ]);
  });
});
