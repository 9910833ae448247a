import { AWS_SETTINGS } from '../aws/block.js';
import { type FailoverRole, type Route53Config, runRoute53Check } from '../aws/route53-check.js';
import { AWS_SECRET_VARS } from '../aws/settings.js';
import { type ActionDefinition, ConfigProblem, type RawDuration } from '../plugin/contract.js';
import { DURATION_SCHEMA, formatDuration, POLL_INTERVAL, toDuration } from '../runbook/duration.js';
import { durationAt } from './duration-field.js';

const duration = DURATION_SCHEMA;
const DEFAULT_INTERVAL = toDuration(5000);

/** `route53:` as written; the one type its schema below describes. */
export interface RawRoute53Config {
  zone_id?: string;
  record?: string;
  type?: string;
  expect?: string | string[];
  health_check?: { id: string; status: 'Healthy' | 'Unhealthy' };
  failover?: FailoverRole;
  within?: RawDuration;
  interval?: RawDuration;
}

/**
 * `route53:` what Route 53 answers for a record (TestDNSAnswer: health checks applied, no
 * resolver caches), which failover record serves, and health check status; `within` waits.
 */
export const route53Action: ActionDefinition<Route53Config, RawRoute53Config> = {
  name: 'route53',
  description: 'Change or check a Route 53 record (failover, weights).',
  secrets: AWS_SECRET_VARS,
  settings: AWS_SETTINGS,
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      zone_id: { type: 'string', minLength: 1 },
      record: { type: 'string', minLength: 1 },
      type: { type: 'string', minLength: 1 },
      expect: {
        oneOf: [
          { type: 'string', minLength: 1 },
          { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        ],
      },
      health_check: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'status'],
        properties: { id: { type: 'string', minLength: 1 }, status: { enum: ['Healthy', 'Unhealthy'] } },
      },
      failover: { enum: ['PRIMARY', 'SECONDARY'] },
      within: duration,
      interval: duration,
    },
  },
  parse(r) {
    if ((r.zone_id === undefined) !== (r.record === undefined)) {
      const missing = r.zone_id === undefined ? 'zone_id' : 'record';
      throw new ConfigProblem(
        missing,
        `${missing} is required with ${missing === 'zone_id' ? 'record' : 'zone_id'}`,
      );
    }
    if (r.record === undefined && r.health_check === undefined) {
      throw new ConfigProblem('', 'say what to check: zone_id and record, and/or health_check');
    }
    for (const key of ['expect', 'failover', 'type'] as const) {
      if (r[key] !== undefined && r.record === undefined)
        throw new ConfigProblem(key, `${key} needs zone_id and record`);
    }
    const config: Route53Config = {
      type: (r.type ?? 'A').toUpperCase(),
      interval: durationAt(r.interval, 'interval', POLL_INTERVAL) ?? DEFAULT_INTERVAL,
    };
    if (r.zone_id !== undefined) config.zoneId = r.zone_id;
    if (r.record !== undefined) config.record = r.record;
    if (r.expect !== undefined) config.expect = typeof r.expect === 'string' ? [r.expect] : [...r.expect];
    if (r.health_check) config.healthCheck = { ...r.health_check };
    if (r.failover) config.failover = r.failover;
    const within = durationAt(r.within, 'within');
    if (within !== undefined) config.within = within;
    return config;
  },
  polls: (c) => c.within !== undefined,
  summary(c) {
    const parts: string[] = [];
    if (c.record) {
      const what = c.expect ? `answers ${c.expect.join(', ')}` : 'answers';
      parts.push(`${c.record} ${c.type} ${what}${c.failover ? ` from ${c.failover}` : ''}`);
    }
    if (c.healthCheck) parts.push(`health check ${c.healthCheck.id} is ${c.healthCheck.status}`);
    return `route53: ${parts.join('; ')}${c.within ? ` within ${formatDuration(c.within)}` : ''}`;
  },
  run: runRoute53Check,
};
