import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';
import { awsHarness, isolateAwsEnv, runAction } from '../support/aws-context.js';
import { alive, drill, yamlRunbook } from '../support/drill.js';
import { caseCalled, reportsOf } from '../support/reports-of.js';

/**
 * The `ssm` action in whole drills (runDrill), against the sandbox's SSM endpoint through
 * the real @aws-sdk/client-ssm: the sandbox's "instances" run each command with a real
 * /bin/sh. One runbook holds most cases, so the SDK and the sandbox start once.
 */
const BLUE = 'i-0b1e000000000b1e0';
const GREEN = 'i-06ee000000000ee60';
let sandbox: Sandbox;
let restoreEnv: () => void;
let dir: string;

beforeAll(async () => {
  restoreEnv = isolateAwsEnv();
  sandbox = await startSandbox({ alarmDelayMs: 200, healthIntervalMs: 200 });
  dir = mkdtempSync(join(tmpdir(), 'drillbook-ssm-'));
});
afterAll(async () => {
  await sandbox?.close();
  restoreEnv?.();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ PATH: process.env['PATH'] ?? '/usr/bin:/bin' });
const commandFor = (line: string) => sandbox.ssmCommands().find((c) => c.lines.some((l) => l.includes(line)));

describe('ssm steps in a whole drill against the sandbox', () => {
  it('runs on every instance, one result per instance; failures, max_errors, within and timeouts fail the step; undo and finally run', async () => {
    const runbook = await yamlRunbook(`
name: ssm-drill
aws: { endpoint: ${sandbox.endpoints.aws}, region: us-west-2 }
vars: { release: "2.0; touch ${dir}/CANARY" }
steps:
  - id: deploy
    ssm:
      tags: { App: bookstore-api }
      commands:
        - echo "deploying {{ vars.release }} to $AWS_SSM_INSTANCE_ID"
        - echo "a warning on $AWS_SSM_INSTANCE_ID" >&2
      comment: deploy the release
      interval: 100ms
    undo:
      ssm: { tags: { App: bookstore-api }, commands: ["touch ${dir}/undone-$AWS_SSM_INSTANCE_ID"], interval: 100ms }
  - id: blue-only
    ssm: { instance_ids: [${BLUE}], commands: ["echo colour $DRILLBOOK_SANDBOX_COLOUR"], interval: 100ms }
    save: blue_says
  - id: green-fails
    ssm:
      instance_ids: [${BLUE}, ${GREEN}]
      commands: ['test "$DRILLBOOK_SANDBOX_COLOUR" = blue || { echo "green is broken" >&2; exit 3; }']
      max_errors: 1
      interval: 100ms
    continue_on_error: true
  - id: max-errors-stops
    ssm:
      instance_ids: [${BLUE}, ${GREEN}]
      commands: ["echo max-errors-case; exit 4"]
      max_concurrency: 1
      max_errors: 0
      interval: 100ms
    continue_on_error: true
  - id: step-timeout
    ssm: { instance_ids: [${GREEN}], commands: ["echo $$ > ${dir}/timeout.pid; exec sleep 60"], interval: 100ms }
    timeout: 1500ms
    continue_on_error: true
  - id: too-slow
    ssm: { tags: { App: bookstore-api }, commands: ["echo $$ > ${dir}/slow-$AWS_SSM_INSTANCE_ID.pid; exec sleep 60"], within: 1s, interval: 100ms }
  - id: never-reached
    ssm: { tags: { App: bookstore-api }, commands: ["touch ${dir}/never"], interval: 100ms }
finally:
  - id: tidy
    ssm: { tags: { Colour: green }, commands: ["echo tidy on $AWS_SSM_INSTANCE_ID"], interval: 100ms }
`);
    const r = await drill(runbook, { env: env() });
    const end = (id: string) =>
      r.events.find((e) => e.type === 'step-end' && e.stepId === id && e.phase !== 'undo');

    expect(r.end).toMatchObject({ status: 'failed', exitCode: 1 });
    // Success on all instances, each output labelled with its instance; the value is text, not script.
    expect(end('deploy')).toMatchObject({
      status: 'passed',
      parts: [
        { label: BLUE, status: 'passed' },
        { label: GREEN, status: 'passed' },
      ],
    });
    const deployOut = r.events.filter((e) => e.type === 'output' && e.stepId === 'deploy');
    expect(deployOut).toContainEqual(
      expect.objectContaining({
        stream: 'stdout',
        label: BLUE,
        text: `deploying 2.0; touch ${dir}/CANARY to ${BLUE}\n`,
      }),
    );
    expect(deployOut).toContainEqual(
      expect.objectContaining({ stream: 'stderr', label: GREEN, text: `a warning on ${GREEN}\n` }),
    );
    expect(existsSync(join(dir, 'CANARY'))).toBe(false);
    expect(commandFor('deploying')?.lines.join('\n')).not.toContain('touch');

    // Targets by id; the only instance's output is the step's value.
    expect(end('blue-only')).toMatchObject({
      status: 'passed',
      saved: { name: 'blue_says', value: 'colour blue' },
    });

    // One instance failing fails the step, naming the instance, its exit code and stderr.
    const greenFails = end('green-fails');
    expect(greenFails).toMatchObject({
      status: 'failed',
      tolerated: true,
      parts: [
        { label: BLUE, status: 'passed' },
        { label: GREEN, status: 'failed' },
      ],
    });
    expect(greenFails?.type === 'step-end' && greenFails.reason).toMatch(
      new RegExp(`^1 of 2 instances did not succeed: ${GREEN}: Failed \\(exit 3\\)`),
    );
    expect(r.output('green-fails')).toContain('green is broken');

    // max_errors 0 with one at a time: SSM starts nothing after the first failure.
    const stopped = commandFor('max-errors-case');
    expect(stopped?.invocations.map((i) => i.status)).toEqual(['Failed', 'Cancelled']);
    const maxErrors = end('max-errors-stops');
    expect(maxErrors).toMatchObject({ status: 'failed', tolerated: true });
    expect(maxErrors?.type === 'step-end' && maxErrors.reason).toMatch(
      new RegExp(`^2 of 2 instances did not succeed: ${BLUE}: Failed \\(exit 4\\).*; ${GREEN}: Cancelled`),
    );

    // The step's timeout stops it: CancelCommand reaches the sandbox, the script is killed.
    expect(end('step-timeout')).toMatchObject({ status: 'failed', tolerated: true });
    expect(commandFor('timeout.pid')?.cancelled).toBe(true);
    await expect
      .poll(() => alive(Number(readFileSync(join(dir, 'timeout.pid'), 'utf8'))), { timeout: 10_000 })
      .toBe(false);

    // within: cancelled after 1 s, every instance reported Cancelled, the drill fails here.
    const slow = end('too-slow');
    expect(slow).toMatchObject({
      status: 'failed',
      parts: [
        { label: BLUE, status: 'failed' },
        { label: GREEN, status: 'failed' },
      ],
    });
    expect(slow?.type === 'step-end' && slow.reason).toMatch(
      /^did not finish within 1\.0s: cancelled command [0-9a-f-]+; 2 of 2 instances did not succeed: .*Cancelled/,
    );
    expect(commandFor('slow-')).toMatchObject({ cancelled: true, status: 'Cancelled' });
    for (const id of [BLUE, GREEN]) {
      const pid = Number(readFileSync(join(dir, `slow-${id}.pid`), 'utf8'));
      await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
    }
    expect(existsSync(join(dir, 'never'))).toBe(false);

    // The drill failed after deploy: its undo ran on every instance; finally ran too.
    expect(existsSync(join(dir, `undone-${BLUE}`))).toBe(true);
    expect(existsSync(join(dir, `undone-${GREEN}`))).toBe(true);
    expect(r.events.find((e) => e.type === 'step-end' && e.stepId === 'tidy')).toMatchObject({
      status: 'passed',
      parts: [{ label: GREEN, status: 'passed' }],
    });

    // JUnit (valid for Jenkins' schema): one testcase per instance.
    const reports = await reportsOf(r.events);
    expect(caseCalled(reports, `deploy [${BLUE}]`).failure).toBeUndefined();
    expect(caseCalled(reports, `deploy [${GREEN}]`).failure).toBeUndefined();
    expect(caseCalled(reports, `green-fails [${GREEN}]`).failure).toMatchObject({ type: 'tolerated' });
    expect(caseCalled(reports, `too-slow [${BLUE}]`).failure?.message).toContain('Cancelled');
  }, 120_000);
});

describe('ssm steps: what SSM refuses or cannot show', () => {
  it('fails on an unknown instance, on tags no instance has, and says when SSM cut the output; secrets stay masked', async () => {
    const runbook = await yamlRunbook(
      `
name: ssm-edges
aws: { endpoint: ${sandbox.endpoints.aws}, region: us-west-2 }
secrets: [DEPLOY_TOKEN]
steps:
  - id: unknown-instance
    ssm: { instance_ids: [i-0123456789abcdef0], commands: [uptime], interval: 100ms }
    continue_on_error: true
  - id: no-match
    ssm: { tags: { Colour: purple }, commands: [uptime], interval: 100ms }
    continue_on_error: true
  - id: long-output
    ssm: { instance_ids: [${BLUE}], commands: ["head -c 30000 /dev/zero | tr '\\\\0' x"], interval: 100ms }
  - id: prints-token
    ssm: { instance_ids: [${BLUE}], commands: ["echo token is tok-3a9f-secret"], interval: 100ms }
`,
      { DEPLOY_TOKEN: 'tok-3a9f-secret' },
    );
    const r = await drill(runbook, { env: { ...env(), DEPLOY_TOKEN: 'tok-3a9f-secret' } });
    const end = (id: string) => r.ends.get(id);
    expect(end('unknown-instance')).toMatchObject({ status: 'failed', tolerated: true });
    expect(end('unknown-instance')?.reason).toMatch(
      /SendCommand failed .*InvalidInstanceId: Instances \[\[i-0123456789abcdef0\]\]/,
    );
    expect(end('no-match')).toMatchObject({ status: 'failed', tolerated: true });
    expect(end('no-match')?.reason).toBe('SSM ran the command on no instance (no target matched)');
    expect(end('long-output')).toMatchObject({ status: 'passed' });
    const long = r.events.find(
      (e) => e.type === 'output' && e.stepId === 'long-output' && e.stream === 'stdout',
    );
    expect(long?.type === 'output' && long.text).toBe(`${'x'.repeat(24_000)}\n`);
    expect(r.output('long-output')).toContain(
      `${BLUE}: SSM returns only the first 24,000 characters of output`,
    );
    expect(r.output('prints-token')).toContain('token is ***');
    expect(JSON.stringify(r.events)).not.toContain('tok-3a9f-secret');
    expect(r.end.status).toBe('passed');
  }, 60_000);

  it('names the permission when AWS denies it', async () => {
    const restore = isolateAwsEnv({ AWS_ACCESS_KEY_ID: 'AKIADENIED0000000000', AWS_SECRET_ACCESS_KEY: 'x' });
    try {
      const runbook = await yamlRunbook(`
name: ssm-denied
aws: { endpoint: ${sandbox.endpoints.aws}, region: us-west-2 }
steps:
  - id: denied
    ssm: { instance_ids: [${BLUE}], commands: [uptime] }
`);
      const r = await drill(runbook, { env: env() });
      expect(r.ends.get('denied')?.reason).toMatch(
        /^access denied to SSM \(command to i-0b1e000000000b1e0\): the credentials need the IAM permission ssm:SendCommand/,
      );
      expect(JSON.stringify(r.events)).not.toContain('AKIADENIED0000000000');
    } finally {
      restore();
    }
  }, 60_000);
});

describe('ssm: a person aborting', () => {
  it('cancels the command at once and reports the step stopped', async () => {
    const h = awsHarness({ endpoint: sandbox.endpoints.aws, region: 'us-west-2' });
    try {
      const pending = runAction(h, 'ssm', {
        instance_ids: [BLUE],
        commands: [`echo $$ > ${dir}/abort.pid; exec sleep 60`],
        interval: '100ms',
      });
      // Aborted while the script runs on the instance (it has written its pid).
      await expect.poll(() => existsSync(join(dir, 'abort.pid')), { timeout: 10_000 }).toBe(true);
      h.controller.abort('aborted by a person (q)');
      const result = await pending;
      expect(!result.ok && result.reason).toMatch(
        /^stopped: aborted by a person \(q\); cancelled command [0-9a-f-]+$/,
      );
      expect(commandFor('abort.pid')?.cancelled).toBe(true);
      const pid = Number(readFileSync(join(dir, 'abort.pid'), 'utf8'));
      await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
    } finally {
      await h.close();
    }
  }, 30_000);
});
