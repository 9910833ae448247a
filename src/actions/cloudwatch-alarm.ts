import {
  type AlarmState,
  type CloudWatchAlarmConfig,
  runAlarmCheck,
  ALARM_STATES as STATES,
} from '../aws/alarm-check.js';
import { AWS_SETTINGS } from '../aws/block.js';
import { AWS_SECRET_VARS } from '../aws/settings.js';
import { type ActionDefinition, ConfigProblem, type RawDuration } from '../plugin/contract.js';
import { DURATION_SCHEMA, formatDuration, POLL_INTERVAL, toDuration } from '../runbook/duration.js';
import { durationAt } from './duration-field.js';

const duration = DURATION_SCHEMA;
const DEFAULT_INTERVAL = toDuration(5000);

/** `cloudwatch_alarm:` as written; the one type its schema below describes. */
export interface RawCloudWatchAlarmConfig {
  names?: string[];
  prefix?: string;
  state: AlarmState;
  within?: RawDuration;
  interval?: RawDuration;
  set_state?: { state: AlarmState; reason?: string };
}

/**
 * `cloudwatch_alarm:` asserts, or waits `within` for, every selected alarm to be in `state`.
 * `set_state` first calls SetAlarmState, to exercise the alarm path without breaking anything.
 */
export const cloudWatchAlarmAction: ActionDefinition<CloudWatchAlarmConfig, RawCloudWatchAlarmConfig> = {
  name: 'cloudwatch_alarm',
  description: 'Check or wait for the state of a CloudWatch alarm.',
  secrets: AWS_SECRET_VARS,
  settings: AWS_SETTINGS,
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['state'],
    properties: {
      names: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      prefix: { type: 'string', minLength: 1 },
      state: { enum: STATES },
      within: duration,
      interval: duration,
      set_state: {
        type: 'object',
        additionalProperties: false,
        required: ['state'],
        properties: { state: { enum: STATES }, reason: { type: 'string', minLength: 1 } },
      },
    },
  },
  parse(r) {
    if (r.names !== undefined && r.prefix !== undefined) {
      throw new ConfigProblem(
        'prefix',
        'give either names or prefix, not both',
        'CloudWatch cannot filter by both',
      );
    }
    if (r.names === undefined && r.prefix === undefined) {
      throw new ConfigProblem('', 'say which alarms: names: [...] or prefix: ...');
    }
    const config: CloudWatchAlarmConfig = {
      select: r.names ? { names: [...new Set(r.names)] } : { prefix: r.prefix ?? '' },
      state: r.state,
      interval: durationAt(r.interval, 'interval', POLL_INTERVAL) ?? DEFAULT_INTERVAL,
    };
    const within = durationAt(r.within, 'within');
    if (within !== undefined) config.within = within;
    if (r.set_state) config.setState = { ...r.set_state };
    return config;
  },
  polls: (c) => c.within !== undefined,
  summary(c) {
    const which = 'names' in c.select ? c.select.names.join(', ') : `${c.select.prefix}*`;
    const set = c.setState ? `set ${c.setState.state}, then ` : '';
    const within = c.within ? ` within ${formatDuration(c.within)}` : '';
    return `cloudwatch: ${set}${which} ${'names' in c.select && c.select.names.length === 1 ? 'is' : 'are'} ${c.state}${within}`;
  },
  run: runAlarmCheck,
};
