import { COLOURS, type Colour, type World } from './world.js';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export const ALARM_STATES: readonly AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

export type AlarmDefinition = ColourAlarm | RdsFailoverAlarm;

interface AlarmBase {
  name: string;
  namespace: string;
  metricName: string;
  dimensions: { Name: string; Value: string }[];
}

export interface ColourAlarm extends AlarmBase {
  colour: Colour;
  /** What the alarm watches: the instance itself, or one of the app's dependencies. */
  watches: 'instance' | 'db' | 'cdn';
}

/**
 * The database cluster both colours share: its Multi-AZ failover, counted from RDS's failover
 * events (RDS-EVENT-0049/0071) by an EventBridge rule into a metric. The seed expects the
 * failover to engage when the database path breaks, so the sandbox raises it while either
 * colour's database is blackholed (a simplification: the sandbox has no database).
 */
export interface RdsFailoverAlarm extends AlarmBase {
  colour?: undefined;
  watches: 'rds-failover';
}

export const RDS_FAILOVER_ALARM = 'bookstore-rds-failover';
export const RDS_CLUSTER = 'bookstore-db';

export interface AlarmRecord {
  def: AlarmDefinition;
  state: AlarmState;
  reason: string;
  reasonData?: string;
  updatedAt: Date;
  /** Set by SetAlarmState: evaluations leave the state alone until then. */
  heldUntil?: number;
}

export interface AlarmOptions {
  /** How long the world must be in a condition before an alarm follows (datapoints to alarm). */
  alarmDelayMs: number;
  /** How long a SetAlarmState state stands before the next evaluation may replace it. */
  setStateHoldMs: number;
}

export const INSTANCE_ID: Record<Colour, string> = {
  blue: 'i-0b1e000000000b1e0',
  green: 'i-06e000000000006e0',
};

export function alarmDefinitions(): AlarmDefinition[] {
  const rds: RdsFailoverAlarm = {
    name: RDS_FAILOVER_ALARM,
    watches: 'rds-failover',
    namespace: 'Bookstore',
    metricName: 'RdsFailoverEvents',
    dimensions: [{ Name: 'DBClusterIdentifier', Value: RDS_CLUSTER }],
  };
  return [rds, ...colourAlarms()];
}

function colourAlarms(): ColourAlarm[] {
  return COLOURS.flatMap((colour): ColourAlarm[] => [
    {
      name: `bookstore-api-${colour}-StatusCheckFailed`,
      colour,
      watches: 'instance',
      namespace: 'AWS/EC2',
      metricName: 'StatusCheckFailed',
      dimensions: [{ Name: 'InstanceId', Value: INSTANCE_ID[colour] }],
    },
    ...(['db', 'cdn'] as const).map((dep) => ({
      name: `bookstore-api-${colour}-${dep}-connectivity-failed`,
      colour,
      watches: dep,
      namespace: 'Bookstore',
      metricName: `${dep === 'db' ? 'Db' : 'Cdn'}ConnectivityFailed`,
      dimensions: [{ Name: 'Colour', Value: colour }],
    })),
  ]);
}

/**
 * The alarm a world condition implies right now. A stopped instance fails its status check;
 * its connectivity metrics stop arriving (INSUFFICIENT_DATA, like a real agent that is down).
 */
export function impliedState(def: AlarmDefinition, world: World): { state: AlarmState; why: string } {
  if (def.watches === 'rds-failover') {
    const cut = COLOURS.filter((c) => world.colours[c].blackholed && world.colours[c].running);
    return cut.length > 0
      ? {
          state: 'ALARM',
          why: `${cut.join(' and ')} cannot reach the database, so ${RDS_CLUSTER} failed over`,
        }
      : { state: 'OK', why: `both colours reach ${RDS_CLUSTER}` };
  }
  const s = world.colours[def.colour];
  if (def.watches === 'instance') {
    return s.running
      ? { state: 'OK', why: `${def.colour} is running` }
      : { state: 'ALARM', why: `${def.colour} is stopped` };
  }
  if (!s.running) return { state: 'INSUFFICIENT_DATA', why: `${def.colour} is stopped, no datapoints` };
  return s.blackholed
    ? { state: 'ALARM', why: `${def.colour}'s ${def.watches} is blackholed` }
    : { state: 'OK', why: `${def.colour} reaches ${def.watches}` };
}

function reasonFor(state: AlarmState, why: string, at: Date): string {
  const when = at.toISOString().slice(0, 19).replace('T', ' ');
  if (state === 'INSUFFICIENT_DATA') return `Insufficient Data: 1 datapoint was unknown (sandbox: ${why}).`;
  const [value, cmp] = state === 'ALARM' ? ['1.0', 'was'] : ['0.0', 'was not'];
  return `Threshold Crossed: 1 datapoint [${value} (${when})] ${cmp} greater than or equal to the threshold (1.0) (sandbox: ${why}).`;
}

/**
 * Alarms evaluated against the world. An alarm follows its implied state once that has held
 * for `alarmDelayMs`. SetAlarmState works like real CloudWatch: it changes the state at once,
 * and the next evaluation puts it back if the metric disagrees; in the sandbox the next
 * evaluation that may do so comes `setStateHoldMs` after the call.
 */
export class AlarmStore {
  private readonly records = new Map<string, AlarmRecord>();
  private readonly pending = new Map<string, { state: AlarmState; since: number }>();
  private readonly world: World;
  private readonly options: AlarmOptions;

  constructor(world: World, options: AlarmOptions) {
    this.world = world;
    this.options = options;
    const now = new Date();
    for (const def of alarmDefinitions()) {
      const implied = impliedState(def, world);
      this.records.set(def.name, {
        def,
        state: implied.state,
        reason: reasonFor(implied.state, implied.why, now),
        updatedAt: now,
      });
    }
  }

  /** All alarms, sorted by name (the order DescribeAlarms returns). */
  list(): AlarmRecord[] {
    return [...this.records.values()].sort((a, b) => a.def.name.localeCompare(b.def.name));
  }

  get(name: string): AlarmRecord | undefined {
    return this.records.get(name);
  }

  setState(name: string, state: AlarmState, reason: string, reasonData?: string): boolean {
    const record = this.records.get(name);
    if (!record) return false;
    record.state = state;
    record.reason = reason;
    if (reasonData === undefined) delete record.reasonData;
    else record.reasonData = reasonData;
    record.updatedAt = new Date();
    record.heldUntil = Date.now() + this.options.setStateHoldMs;
    return true;
  }

  /** Puts every alarm in the state the world implies, now (the sandbox's "start over"). */
  resetAll(): void {
    const now = new Date();
    this.pending.clear();
    for (const record of this.records.values()) {
      const implied = impliedState(record.def, this.world);
      delete record.heldUntil;
      delete record.reasonData;
      if (record.state === implied.state) continue;
      Object.assign(record, {
        state: implied.state,
        reason: reasonFor(implied.state, implied.why, now),
        updatedAt: now,
      });
    }
  }

  /** One evaluation of every alarm; the sandbox calls this on a timer and after world changes. */
  evaluate(now = Date.now()): void {
    for (const record of this.records.values()) {
      const implied = impliedState(record.def, this.world);
      const pending = this.pending.get(record.def.name);
      const since = pending?.state === implied.state ? pending.since : now;
      this.pending.set(record.def.name, { state: implied.state, since });
      if (record.heldUntil !== undefined && now < record.heldUntil) continue;
      delete record.heldUntil;
      if (record.state === implied.state || now - since < this.options.alarmDelayMs) continue;
      const at = new Date(now);
      record.state = implied.state;
      record.reason = reasonFor(implied.state, implied.why, at);
      delete record.reasonData;
      record.updatedAt = at;
    }
  }
}
