import type { Server } from 'node:http';
import { type AlarmState, AlarmStore } from './alarms.js';
import { AppServer } from './app-server.js';
import { createAwsServer } from './aws-server.js';
import { createControlServer } from './control-server.js';
import { createFrontServer } from './front-server.js';
import { HealthMonitor } from './health-monitor.js';
import { closeServer, listen } from './http-util.js';
import { HEALTH_CHECK_ID, RECORD_NAME, ZONE_ID, zoneRecords } from './route53-zone.js';
import { commandStatus, DEFAULT_FLEET, type FleetInstance, SsmFleet } from './ssm-fleet.js';
import { COLOUR_IP, COLOURS, type Colour, type ColourState, World, type WorldAction } from './world.js';

export interface SandboxOptions {
  /** Region in alarm ARNs and the suggested client config. */
  region?: string;
  /** Fixed ports from this base (blue, green, front, aws, control = base..base+4); 0 = free ports. */
  basePort?: number;
  /** How long a broken condition holds before its alarm fires (and a fix before it clears). */
  alarmDelayMs?: number;
  /** How long a SetAlarmState state stands before the next evaluation may revert it. */
  setStateHoldMs?: number;
  /** How often the Route 53 style health checker probes /health. */
  healthIntervalMs?: number;
  /** The SSM managed instances (default: blue and green, see DEFAULT_FLEET). */
  ssmInstances?: readonly FleetInstance[];
  /** Called when someone POSTs /control/shutdown (the detached daemon exits). */
  onShutdown?: () => void;
}

export interface SandboxEndpoints {
  blue: string;
  green: string;
  /** Failover front: blue while blue is healthy, green otherwise. */
  front: string;
  /** CloudWatch, Route 53 and SSM Run Command (use as `aws: { endpoint }` or AWS_ENDPOINT_URL). */
  aws: string;
  /** Control API: POST /control/{colour}/{action}, GET /state. */
  control: string;
}

export interface SandboxInfo {
  endpoints: SandboxEndpoints;
  region: string;
  zoneId: string;
  record: string;
  healthChecks: Record<Colour, string>;
  ips: Record<Colour, string>;
  /** SSM managed instances: their commands run on this machine, each in a directory of its own. */
  ssmInstances: FleetInstance[];
}

export interface Sandbox extends SandboxInfo {
  control(colour: Colour, action: WorldAction): Promise<ColourState>;
  reset(): Promise<void>;
  state(): SandboxState;
  /** Every SSM command sent so far, as the sandbox saw it (for tests and the curious). */
  ssmCommands(): SsmCommandRecord[];
  close(): Promise<void>;
}

export interface SsmCommandRecord {
  id: string;
  /** Whether someone called CancelCommand for it. */
  cancelled: boolean;
  status: string;
  maxConcurrency: string;
  maxErrors: string;
  lines: string[];
  invocations: Array<{ instanceId: string; status: string; responseCode: number }>;
}

export interface SandboxState {
  colours: Record<Colour, ColourState & { health: string }>;
  /** Who the failover front and the Route 53 failover record serve right now. */
  serving: Colour;
  alarms: { name: string; state: AlarmState; reason: string; updated: string }[];
}

const TICK_MS = 100;

/** The plain-data part of a running sandbox (what the state file and the printout carry). */
export function sandboxInfo(s: SandboxInfo): SandboxInfo {
  return {
    endpoints: s.endpoints,
    region: s.region,
    zoneId: s.zoneId,
    record: s.record,
    healthChecks: s.healthChecks,
    ips: s.ips,
    ssmInstances: s.ssmInstances,
  };
}

/** Starts the whole practice world on 127.0.0.1; ready when the promise resolves. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const region = options.region ?? 'us-west-2';
  const world = new World();
  const apps = { blue: new AppServer('blue', world), green: new AppServer('green', world) };
  const urls = { blue: () => apps.blue.url, green: () => apps.green.url };
  const monitor = new HealthMonitor(urls, options.healthIntervalMs ?? 500);
  const alarms = new AlarmStore(world, {
    alarmDelayMs: options.alarmDelayMs ?? 1000,
    setStateHoldMs: options.setStateHoldMs ?? 10_000,
  });
  const servers: Server[] = [];
  const port = (i: number) => (options.basePort ? options.basePort + i : 0);
  let controlUrl = '';
  const fleet = new SsmFleet(options.ssmInstances ?? DEFAULT_FLEET, {
    reachable: (i) => i.colour === undefined || world.colours[i.colour].running,
    env: (i) => instanceEnv(i, region, controlUrl),
  });
  const tick = setInterval(() => alarms.evaluate(), TICK_MS);
  tick.unref();
  const closeAll = async () => {
    clearInterval(tick);
    await monitor.stop();
    fleet.close();
    await Promise.all([apps.blue.stop(), apps.green.stop(), ...servers.map(closeServer)]);
  };

  const apply = async (colour: Colour, action: WorldAction): Promise<ColourState> => {
    const state = world.apply(colour, action);
    if (state.running) await apps[colour].start();
    else await apps[colour].stop();
    await monitor.checkNow();
    alarms.evaluate();
    return state;
  };
  // Start over: restore both colours and settle alarms at once instead of after the delay.
  const reset = async () => {
    for (const c of COLOURS) await apply(c, 'restore');
    alarms.resetAll();
  };
  const state = (): SandboxState => ({
    colours: {
      blue: { ...world.colours.blue, health: monitor.observation('blue').status },
      green: { ...world.colours.green, health: monitor.observation('green').status },
    },
    serving: monitor.observation('blue').healthy ? 'blue' : 'green',
    alarms: alarms.list().map((a) => ({
      name: a.def.name,
      state: a.state,
      reason: a.reason,
      updated: a.updatedAt.toISOString(),
    })),
  });

  try {
    const bluePort = await apps.blue.start(port(0));
    const greenPort = await apps.green.start(port(1));
    const front = createFrontServer(monitor, urls);
    const aws = createAwsServer({ alarms, monitor, records: zoneRecords(), region, fleet });
    const control = createControlServer({
      apply,
      reset,
      state,
      shutdown: () => options.onShutdown?.(),
    });
    servers.push(front, aws, control);
    const [frontPort, awsPort, controlPort] = [
      await listen(front, port(2)),
      await listen(aws, port(3)),
      await listen(control, port(4)),
    ];
    await monitor.start();
    const at = (p: number) => `http://127.0.0.1:${p}`;
    controlUrl = at(controlPort);
    return {
      endpoints: {
        blue: at(bluePort),
        green: at(greenPort),
        front: at(frontPort),
        aws: at(awsPort),
        control: at(controlPort),
      },
      region,
      zoneId: ZONE_ID,
      record: RECORD_NAME.slice(0, -1),
      healthChecks: { ...HEALTH_CHECK_ID },
      ips: { ...COLOUR_IP },
      ssmInstances: fleet.instances.map((i) => ({ ...i, tags: { ...i.tags } })),
      control: apply,
      reset,
      state,
      ssmCommands: () =>
        [...fleet.commands.values()].map((c) => ({
          id: c.id,
          cancelled: c.cancelled,
          status: commandStatus(c).status,
          maxConcurrency: c.maxConcurrency,
          maxErrors: c.maxErrors,
          lines: [...c.lines],
          invocations: c.invocations.map((i) => ({
            instanceId: i.instance.id,
            status: i.status,
            responseCode: i.responseCode,
          })),
        })),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * The environment an instance's commands get: what the SSM agent sets (AWS_SSM_INSTANCE_ID,
 * AWS_SSM_REGION_NAME) plus where the sandbox's control API is, so a stand-in program on the
 * "instance" (a fake gremlin) can break its colour. Nothing of the sandbox's own environment
 * (credentials included) is passed on.
 */
function instanceEnv(i: FleetInstance, region: string, controlUrl: string): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    AWS_SSM_INSTANCE_ID: i.id,
    AWS_SSM_REGION_NAME: region,
    DRILLBOOK_SANDBOX_CONTROL: controlUrl,
    ...(i.colour ? { DRILLBOOK_SANDBOX_COLOUR: i.colour } : {}),
  };
}
