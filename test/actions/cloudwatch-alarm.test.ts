import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cloudWatchAlarmAction } from '../../src/actions/cloudwatch-alarm.js';
import type { RawConfigOf } from '../../src/plugin/contract.js';
import { ConfigProblem } from '../../src/plugin/contract.js';
import { DENIED_ACCESS_KEY_PREFIX } from '../../src/sandbox/aws-auth.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';
import type { ActionHarness } from '../support/action-context.js';
import { awsHarness, control, isolateAwsEnv, runAction } from '../support/aws-context.js';

const BLUE_STATUS = 'bookstore-api-blue-StatusCheckFailed';
let sandbox: Sandbox;
let restoreEnv: () => void;
let h: ActionHarness;

beforeAll(async () => {
  sandbox = await startSandbox({ alarmDelayMs: 200, healthIntervalMs: 100, setStateHoldMs: 1500 });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  restoreEnv = isolateAwsEnv({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  h = awsHarness({ endpoint: sandbox.endpoints.aws, region: 'us-west-2' });
});
afterEach(async () => {
  await h.close();
  restoreEnv();
  await sandbox.reset();
});

const alarm = (raw: Record<string, unknown>) => runAction(h, 'cloudwatch_alarm', raw);

describe('cloudwatch_alarm against the sandbox through the real SDK', () => {
  it('waits within for the status check alarm to fire after blue is stopped', async () => {
    const pending = alarm({ names: [BLUE_STATUS], state: 'ALARM', within: '15s', interval: '100ms' });
    setTimeout(() => void control(sandbox.endpoints.control, '/control/blue/stop'), 300);
    const result = await pending;
    expect(result).toMatchObject({ ok: true, output: 'ALARM' });
    const info = h.text('info');
    expect(info).toContain(`${BLUE_STATUS}: OK since`);
    expect(info).toMatch(
      /bookstore-api-blue-StatusCheckFailed: ALARM since \S+Z: Threshold Crossed: .*blue is stopped/,
    );
    expect(result.parts).toEqual([expect.objectContaining({ label: BLUE_STATUS, ok: true })]);
  });

  it('fails an assertion with a reason naming the alarm, its state and its reason', async () => {
    const result = await alarm({ names: [BLUE_STATUS], state: 'ALARM' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(
      /^alarm bookstore-api-blue-StatusCheckFailed is OK \(wanted ALARM\); last reason: Threshold Crossed: .*blue is running/,
    );
    expect(result.parts).toEqual([
      expect.objectContaining({ label: BLUE_STATUS, ok: false, reason: 'OK, wanted ALARM' }),
    ]);
  });

  it('says "still" and how long it waited when within runs out', async () => {
    const result = await alarm({ names: [BLUE_STATUS], state: 'ALARM', within: '600ms', interval: '100ms' });
    expect(!result.ok && result.reason).toMatch(
      /^alarm bookstore-api-blue-StatusCheckFailed still OK after \d/,
    );
  });

  it('selects alarms by prefix and lists each one that is off', async () => {
    await control(sandbox.endpoints.control, '/control/green/blackhole');
    const waited = await alarm({
      names: ['bookstore-api-green-db-connectivity-failed', 'bookstore-api-green-cdn-connectivity-failed'],
      state: 'ALARM',
      within: '10s',
      interval: '100ms',
    });
    expect(waited.ok).toBe(true);
    const result = await alarm({ prefix: 'bookstore-api-green-', state: 'ALARM' });
    expect(result.parts?.map((p) => [p.label, p.ok])).toEqual([
      ['bookstore-api-green-cdn-connectivity-failed', true],
      ['bookstore-api-green-db-connectivity-failed', true],
      ['bookstore-api-green-StatusCheckFailed', false],
    ]);
    expect(!result.ok && result.reason).toMatch(
      /^1 of 3 alarms not ALARM: bookstore-api-green-StatusCheckFailed is OK \(Threshold Crossed/,
    );
    expect(result.output).toContain('bookstore-api-green-db-connectivity-failed ALARM');
  });

  it('set_state sets the alarm first, and the next evaluation puts it back like CloudWatch', async () => {
    const set = await alarm({
      names: [BLUE_STATUS],
      state: 'ALARM',
      set_state: { state: 'ALARM', reason: 'drill: testing the paging path' },
    });
    expect(set).toMatchObject({ ok: true, output: 'ALARM' });
    expect(h.text('info')).toContain(`set ${BLUE_STATUS} to ALARM: drill: testing the paging path`);
    expect(h.text('info')).toContain(`${BLUE_STATUS}: ALARM since`);
    // Blue is healthy, so the sandbox's next evaluation (1.5s hold here) returns it to OK.
    const back = await alarm({ names: [BLUE_STATUS], state: 'OK', within: '10s', interval: '100ms' });
    expect(back.ok).toBe(true);
  });

  it('fails at once, without waiting out within, when a named alarm does not exist', async () => {
    const started = Date.now();
    const result = await alarm({
      names: [BLUE_STATUS, 'bookstore-api-purple-StatusCheckFailed'],
      state: 'OK',
      within: '30s',
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(!result.ok && result.reason).toBe(
      `no CloudWatch alarm named bookstore-api-purple-StatusCheckFailed (region us-west-2, endpoint ${sandbox.endpoints.aws}); names are case-sensitive`,
    );
  });

  it('fails when a prefix matches no alarm', async () => {
    const result = await alarm({ prefix: 'bookstore-web-', state: 'OK' });
    expect(!result.ok && result.reason).toMatch(/^no CloudWatch alarms start with "bookstore-web-"/);
  });

  it('set_state on a missing alarm reports CloudWatch ResourceNotFound for that alarm', async () => {
    const result = await alarm({ names: ['nope'], state: 'ALARM', set_state: { state: 'ALARM' } });
    expect(!result.ok && result.reason).toBe(
      'CloudWatch SetAlarmState failed for alarm nope: ResourceNotFound: Alarm nope not found',
    );
  });

  it('names the alarm and the IAM permission on AccessDenied, and does not retry it', async () => {
    process.env['AWS_ACCESS_KEY_ID'] = `${DENIED_ACCESS_KEY_PREFIX}EXAMPLE`;
    const started = Date.now();
    const result = await alarm({ names: [BLUE_STATUS], state: 'ALARM', within: '30s' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(!result.ok && result.reason).toMatch(
      /^access denied to CloudWatch \(alarm bookstore-api-blue-StatusCheckFailed\): the credentials need the IAM permission cloudwatch:DescribeAlarms \(AWS said: User: .* is not authorized to perform: cloudwatch:DescribeAlarms/,
    );
    const set = await alarm({ names: [BLUE_STATUS], state: 'ALARM', set_state: { state: 'ALARM' } });
    expect(!set.ok && set.reason).toContain(
      'the credentials need the IAM permission cloudwatch:SetAlarmState',
    );
  });

  it('says how to provide credentials when the configured profile has none', async () => {
    const hp = awsHarness({
      endpoint: sandbox.endpoints.aws,
      region: 'us-west-2',
      profile: 'drillbook-no-such-profile',
    });
    try {
      const result = await runAction(hp, 'cloudwatch_alarm', {
        names: [BLUE_STATUS],
        state: 'OK',
        within: '30s',
      });
      expect(!result.ok && result.reason).toMatch(
        /^no AWS credentials for CloudWatch \(alarm bookstore-api-blue-StatusCheckFailed\) with profile "drillbook-no-such-profile": .*Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or aws.profile in the runbook$/,
      );
      // AWS_ACCESS_KEY_ID is set too: the SDK's console.warn about it goes to the step, not the terminal.
      expect(hp.text('stderr')).toContain(
        'AWS SDK: @aws-sdk/credential-provider-node - defaultProvider::fromEnv WARNING',
      );
    } finally {
      await hp.close();
    }
  });

  it('needs no credentials or region for a loopback endpoint (the sandbox)', async () => {
    delete process.env['AWS_ACCESS_KEY_ID'];
    delete process.env['AWS_SECRET_ACCESS_KEY'];
    const hp = awsHarness({ endpoint: sandbox.endpoints.aws });
    try {
      expect(await runAction(hp, 'cloudwatch_alarm', { names: [BLUE_STATUS], state: 'OK' })).toMatchObject({
        ok: true,
      });
    } finally {
      await hp.close();
    }
  });

  it('keeps trying an unreachable endpoint until within, then says where it tried', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    const hp = awsHarness({ endpoint });
    try {
      const result = await runAction(hp, 'cloudwatch_alarm', {
        names: [BLUE_STATUS],
        state: 'OK',
        within: '1s',
        interval: '200ms',
      });
      expect(!result.ok && result.reason).toMatch(
        new RegExp(`^cannot reach CloudWatch at ${endpoint}: connect ECONNREFUSED`),
      );
    } finally {
      await hp.close();
    }
  });

  it('stops promptly when the step is aborted while waiting', async () => {
    const pending = alarm({ names: [BLUE_STATUS], state: 'ALARM', within: '60s', interval: '200ms' });
    setTimeout(() => h.controller.abort('step timed out'), 300);
    const started = Date.now();
    const result = await pending;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(!result.ok && result.reason).toContain(
      'stopped while waiting for alarm bookstore-api-blue-StatusCheckFailed: step timed out',
    );
  });
});

describe('cloudwatch_alarm config', () => {
  it('parses durations and defaults the interval to 5s', () => {
    expect(cloudWatchAlarmAction.parse({ names: ['a', 'a'], state: 'ALARM', within: '5m' })).toEqual({
      select: { names: ['a'] },
      state: 'ALARM',
      within: 300_000,
      interval: 5000,
    });
  });

  it('refuses names with prefix, no selection, and bad durations with the key at fault', () => {
    const problem = (raw: RawConfigOf<typeof cloudWatchAlarmAction>) => {
      try {
        cloudWatchAlarmAction.parse(raw);
      } catch (error) {
        return error instanceof ConfigProblem ? `${error.path}: ${error.message}` : String(error);
      }
      return 'no problem';
    };
    expect(problem({ names: ['a'], prefix: 'b', state: 'OK' })).toBe(
      'prefix: give either names or prefix, not both',
    );
    expect(problem({ state: 'OK' })).toBe(': say which alarms: names: [...] or prefix: ...');
    expect(problem({ names: ['a'], state: 'OK', within: 'soon' })).toBe('within: "soon" is not a duration');
  });

  it('summarises for plans and gates', () => {
    const c = cloudWatchAlarmAction.parse({ names: [BLUE_STATUS], state: 'ALARM', within: '5m' });
    expect(cloudWatchAlarmAction.summary(c)).toBe(`cloudwatch: ${BLUE_STATUS} is ALARM within 5m00s`);
  });
});

describe('the AWS SDK Node-version warning', () => {
  const probe = (...args: string[]) =>
    spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('../support/aws-warning-probe.ts', import.meta.url)),
        ...args,
      ],
      {
        encoding: 'utf8',
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        timeout: 60_000,
      },
    );

  it('is not printed when drillbook runs the AWS actions', () => {
    const run = probe();
    // Also: loading the actions (as validate and plan do) loads no SDK module; running them does.
    expect(run.stdout).toBe('{"alarm":true,"dns":true,"sdkBefore":0,"sdkAfter":true}');
    expect(run.stderr).not.toContain('NodeVersionSupportWarning');
    expect(run.stderr).not.toContain('AWS SDK for JavaScript');
  });

  it.runIf(Number(process.versions.node.split('.')[0]) < 22)(
    'is printed by a plain SDK client on this Node',
    () => {
      // The control for the test above: without drillbook's switch the warning does appear.
      expect(probe('raw').stderr).toContain('NodeVersionSupportWarning');
    },
  );
});
