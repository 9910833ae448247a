import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { route53Action } from '../../src/actions/route53.js';
import type { RawConfigOf } from '../../src/plugin/contract.js';
import { ConfigProblem } from '../../src/plugin/contract.js';
import { DENIED_ACCESS_KEY_PREFIX } from '../../src/sandbox/aws-auth.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';
import type { ActionHarness } from '../support/action-context.js';
import { awsHarness, control, isolateAwsEnv, runAction } from '../support/aws-context.js';

const BLUE_IP = '54.213.54.171';
const GREEN_IP = '52.11.79.9';
const RECORD = 'bookstore.pingpublications.com';
let sandbox: Sandbox;
let restoreEnv: () => void;
let h: ActionHarness;

beforeAll(async () => {
  sandbox = await startSandbox({ alarmDelayMs: 200, healthIntervalMs: 100 });
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

const route53 = (raw: Record<string, unknown>) =>
  runAction(h, 'route53', { zone_id: sandbox.zoneId, record: RECORD, ...raw });

describe('route53 against the sandbox through the real SDK', () => {
  it('flips the failover answer to green when blue turns unhealthy', async () => {
    expect(await route53({ expect: BLUE_IP })).toMatchObject({ ok: true, output: BLUE_IP });
    const pending = route53({ expect: GREEN_IP, within: '15s', interval: '100ms' });
    setTimeout(() => void control(sandbox.endpoints.control, '/control/blue/unhealthy'), 300);
    expect(await pending).toMatchObject({ ok: true, output: GREEN_IP });
    expect(h.lines('info')).toContain(`${RECORD} A -> ${BLUE_IP}`);
    expect(h.lines('info')).toContain(`${RECORD} A -> ${GREEN_IP}`);
  });

  it('tells which failover record serves: PRIMARY while blue is up, SECONDARY once it stops', async () => {
    expect(await route53({ failover: 'PRIMARY' })).toMatchObject({ ok: true });
    const wrong = await route53({ failover: 'SECONDARY' });
    expect(!wrong.ok && wrong.reason).toBe(
      `${RECORD} A is served by PRIMARY (bookstore-api-blue, ${BLUE_IP}), expected SECONDARY`,
    );
    await control(sandbox.endpoints.control, '/control/blue/stop');
    const failed = await route53({
      failover: 'SECONDARY',
      expect: [GREEN_IP],
      within: '10s',
      interval: '100ms',
    });
    expect(failed).toMatchObject({ ok: true, output: GREEN_IP });
    expect(h.lines('info')).toContain(`${RECORD} A -> ${GREEN_IP} (SECONDARY bookstore-api-green)`);
  });

  it('reports the answer it got when the expected value is not answered, after waiting', async () => {
    const result = await route53({ expect: GREEN_IP, within: '500ms', interval: '100ms' });
    expect(!result.ok && result.reason).toMatch(
      new RegExp(`^${RECORD} A answers ${BLUE_IP}, expected ${GREEN_IP} after \\d`),
    );
  });

  it('checks health check status the way Route 53 sums its checkers', async () => {
    const id = sandbox.healthChecks.blue;
    const healthy = await runAction(h, 'route53', { health_check: { id, status: 'Healthy' } });
    expect(healthy).toMatchObject({ ok: true, output: 'Healthy' });
    const wrong = await runAction(h, 'route53', { health_check: { id, status: 'Unhealthy' } });
    expect(!wrong.ok && wrong.reason).toBe(
      `health check ${id} is Healthy, expected Unhealthy (3 of 3 checkers report success: Success: HTTP Status Code 200, OK)`,
    );
    await control(sandbox.endpoints.control, '/control/blue/blackhole');
    const unhealthy = await runAction(h, 'route53', {
      health_check: { id, status: 'Unhealthy' },
      within: '10s',
      interval: '100ms',
    });
    expect(unhealthy).toMatchObject({ ok: true, output: 'Unhealthy' });
    expect(h.text('info')).toContain('0 of 3 checkers report success: Failure: HTTP Status Code 503');
  });

  it('fails at once on an unknown zone or health check, naming it', async () => {
    const started = Date.now();
    const zone = await runAction(h, 'route53', { zone_id: 'Z9999', record: RECORD, within: '30s' });
    expect(!zone.ok && zone.reason).toBe(
      `Route 53 TestDNSAnswer failed for zone Z9999, ${RECORD} A: NoSuchHostedZone: No hosted zone found with ID: Z9999`,
    );
    const check = await runAction(h, 'route53', {
      health_check: { id: 'nope', status: 'Healthy' },
      within: '30s',
    });
    expect(!check.ok && check.reason).toContain(
      'NoSuchHealthCheck: A health check with id nope does not exist.',
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('fails for a name the zone does not have', async () => {
    const result = await route53({ record: 'shop.pingpublications.com' });
    expect(!result.ok && result.reason).toBe('shop.pingpublications.com A answers NXDOMAIN');
  });

  it('names the zone and the IAM permission on AccessDenied', async () => {
    process.env['AWS_ACCESS_KEY_ID'] = `${DENIED_ACCESS_KEY_PREFIX}EXAMPLE`;
    const result = await route53({ failover: 'PRIMARY', within: '30s' });
    expect(!result.ok && result.reason).toMatch(
      new RegExp(
        `^access denied to Route 53 \\(zone Z0000000000, ${RECORD} A\\): the credentials need the IAM permission route53:TestDNSAnswer \\(AWS said: .*not authorized to perform: route53:TestDNSAnswer`,
      ),
    );
  });

  it('says how to provide credentials when there are none (non-loopback endpoint)', async () => {
    delete process.env['AWS_ACCESS_KEY_ID'];
    delete process.env['AWS_SECRET_ACCESS_KEY'];
    // Credentials are resolved before any request, so nothing is sent to this address.
    const hp = awsHarness({ endpoint: 'http://route53.invalid' });
    try {
      const result = await runAction(hp, 'route53', { zone_id: 'Z1', record: RECORD, within: '30s' });
      expect(!result.ok && result.reason).toMatch(
        /^no AWS credentials for Route 53 \(zone Z1, bookstore.pingpublications.com A\): Could not load credentials from any providers\. Set AWS_ACCESS_KEY_ID/,
      );
    } finally {
      await hp.close();
    }
  });
});

describe('route53 config', () => {
  const problem = (raw: RawConfigOf<typeof route53Action>) => {
    try {
      route53Action.parse(raw);
    } catch (error) {
      return error instanceof ConfigProblem ? `${error.path}: ${error.message}` : String(error);
    }
    return 'no problem';
  };

  it('defaults type A, takes one expected value or a list', () => {
    expect(route53Action.parse({ zone_id: 'Z', record: 'r', expect: '1.2.3.4', within: '5m' })).toEqual({
      zoneId: 'Z',
      record: 'r',
      type: 'A',
      expect: ['1.2.3.4'],
      within: 300_000,
      interval: 5000,
    });
  });

  it('refuses half a record, nothing to check, and record options without a record', () => {
    expect(problem({ zone_id: 'Z' })).toBe('record: record is required with zone_id');
    expect(problem({ within: '1m' })).toBe(': say what to check: zone_id and record, and/or health_check');
    expect(problem({ health_check: { id: 'x', status: 'Healthy' }, failover: 'PRIMARY' })).toBe(
      'failover: failover needs zone_id and record',
    );
  });
});
