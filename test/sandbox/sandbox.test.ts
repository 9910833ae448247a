import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';
import { control } from '../support/aws-context.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ alarmDelayMs: 200, healthIntervalMs: 100 });
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.reset());

const get = async (url: string) => {
  const res = await fetch(url);
  return {
    status: res.status,
    colour: res.headers.get('x-sandbox-colour'),
    body: (await res.json()) as Record<string, unknown>,
  };
};

describe('sandbox services', () => {
  it('runs blue and green Bookstore APIs that say which colour they are', async () => {
    expect(await get(`${sandbox.endpoints.blue}/`)).toMatchObject({
      status: 200,
      body: { service: 'bookstore-api', colour: 'blue', host: '54.213.54.171' },
    });
    expect(await get(`${sandbox.endpoints.green}/health`)).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
  });

  it('stops a colour (connection refused) and starts it again on the same port', async () => {
    await control(sandbox.endpoints.control, '/control/blue/stop');
    await expect(fetch(`${sandbox.endpoints.blue}/health`)).rejects.toThrow();
    await control(sandbox.endpoints.control, '/control/blue/start');
    expect((await get(`${sandbox.endpoints.blue}/health`)).status).toBe(200);
  });

  it('a blackholed colour fails /health naming its unreachable dependencies', async () => {
    await control(sandbox.endpoints.control, '/control/green/blackhole');
    const health = await get(`${sandbox.endpoints.green}/health`);
    expect(health.status).toBe(503);
    expect(health.body['reason']).toContain('db.bookstore.pingpublications.com');
  });

  it('the front serves blue while blue is healthy and green otherwise', async () => {
    expect(await get(`${sandbox.endpoints.front}/`)).toMatchObject({
      colour: 'blue',
      body: { colour: 'blue' },
    });
    await control(sandbox.endpoints.control, '/control/blue/unhealthy');
    expect(await get(`${sandbox.endpoints.front}/`)).toMatchObject({
      colour: 'green',
      body: { colour: 'green' },
    });
    await control(sandbox.endpoints.control, '/control/blue/healthy');
    expect(await get(`${sandbox.endpoints.front}/`)).toMatchObject({ colour: 'blue' });
  });

  it('the front answers 502 naming green when both colours are down', async () => {
    await control(sandbox.endpoints.control, '/control/blue/stop');
    await control(sandbox.endpoints.control, '/control/green/stop');
    const res = await get(`${sandbox.endpoints.front}/`);
    expect(res.status).toBe(502);
    expect(res.body['error']).toMatch(/^green is unreachable/);
  });
});

describe('sandbox control API', () => {
  it('GET /state shows colours, who is serving and every alarm', async () => {
    await control(sandbox.endpoints.control, '/control/blue/stop');
    const state = (await get(`${sandbox.endpoints.control}/state`)).body as {
      serving: string;
      colours: { blue: { running: boolean; health: string } };
      alarms: { name: string; state: string }[];
    };
    expect(state.serving).toBe('green');
    expect(state.colours.blue).toMatchObject({ running: false, health: 'Failure: Connection refused' });
    expect(state.alarms.map((a) => a.name)).toContain('bookstore-api-blue-StatusCheckFailed');
  });

  it('explains its routes on a wrong path or method', async () => {
    const wrong = await fetch(`${sandbox.endpoints.control}/control/purple/stop`, { method: 'POST' });
    expect(wrong.status).toBe(404);
    expect(((await wrong.json()) as { usage: string }).usage).toContain(
      'POST /control/{blue|green}/{stop|start',
    );
    const get = await fetch(`${sandbox.endpoints.control}/control/blue/stop`);
    expect(get.status).toBe(405);
  });

  it('reset restores both colours and settles the alarms at once', async () => {
    await control(sandbox.endpoints.control, '/control/blue/blackhole');
    await control(sandbox.endpoints.control, '/control/reset');
    const state = sandbox.state();
    expect(state.colours.blue.blackholed).toBe(false);
    expect(state.alarms.every((a) => a.state === 'OK')).toBe(true);
  });
});

describe('sandbox alarms follow the world', () => {
  const stateOf = (name: string) => sandbox.state().alarms.find((a) => a.name === name)?.state;
  const until = async (ok: () => boolean) => {
    const deadline = Date.now() + 10_000;
    while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return ok();
  };

  it('a stopped colour fails its status check and its connectivity metrics go missing', async () => {
    await control(sandbox.endpoints.control, '/control/green/stop');
    expect(await until(() => stateOf('bookstore-api-green-StatusCheckFailed') === 'ALARM')).toBe(true);
    expect(stateOf('bookstore-api-green-db-connectivity-failed')).toBe('INSUFFICIENT_DATA');
    expect(stateOf('bookstore-api-blue-StatusCheckFailed')).toBe('OK');
  });

  it('blackholing fires the connectivity alarms; restoring clears them', async () => {
    await control(sandbox.endpoints.control, '/control/blue/blackhole');
    expect(await until(() => stateOf('bookstore-api-blue-cdn-connectivity-failed') === 'ALARM')).toBe(true);
    expect(stateOf('bookstore-api-blue-StatusCheckFailed')).toBe('OK');
    await control(sandbox.endpoints.control, '/control/blue/restore');
    expect(await until(() => stateOf('bookstore-api-blue-cdn-connectivity-failed') === 'OK')).toBe(true);
  });

  it("the database's failover alarm fires while either colour's database is blackholed, through the real SDK", async () => {
    const client = new CloudWatchClient({
      region: 'us-west-2',
      endpoint: sandbox.endpoints.aws,
      credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' },
    });
    const rds = async () =>
      (await client.send(new DescribeAlarmsCommand({ AlarmNames: ['bookstore-rds-failover'] })))
        .MetricAlarms?.[0];
    expect(await rds()).toMatchObject({
      StateValue: 'OK',
      Namespace: 'Bookstore',
      MetricName: 'RdsFailoverEvents',
      Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'bookstore-db' }],
    });
    await control(sandbox.endpoints.control, '/control/green/blackhole');
    expect(await until(() => stateOf('bookstore-rds-failover') === 'ALARM')).toBe(true);
    expect((await rds())?.StateReason).toContain(
      'green cannot reach the database, so bookstore-db failed over',
    );
    await control(sandbox.endpoints.control, '/control/green/restore');
    expect(await until(() => stateOf('bookstore-rds-failover') === 'OK')).toBe(true);
    client.destroy();
  });
});
