import type { HealthMonitor } from './health-monitor.js';
import { COLOUR_IP, type Colour } from './world.js';

export const ZONE_ID = 'Z0000000000';
export const ZONE_NAME = 'pingpublications.com.';
export const RECORD_NAME = 'bookstore.pingpublications.com.';
/** Health check ids of the failover pair (real ones are UUIDs too). */
export const HEALTH_CHECK_ID: Record<Colour, string> = {
  blue: '0b1e0b1e-0000-4000-8000-000000000001',
  green: '06e006e0-0000-4000-8000-000000000002',
};

export interface RecordSet {
  name: string;
  type: string;
  ttl: number;
  values: string[];
  setIdentifier?: string;
  failover?: 'PRIMARY' | 'SECONDARY';
  healthCheckId?: string;
}

/** The Bookstore zone: a failover pair for the API name plus per-colour names. */
export function zoneRecords(): RecordSet[] {
  return [
    {
      name: ZONE_NAME,
      type: 'NS',
      ttl: 172800,
      values: ['ns-1.awsdns-sandbox.com.', 'ns-2.awsdns-sandbox.net.'],
    },
    {
      name: ZONE_NAME,
      type: 'SOA',
      ttl: 900,
      values: ['ns-1.awsdns-sandbox.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400'],
    },
    { name: 'blue.bookstore.pingpublications.com.', type: 'A', ttl: 60, values: [COLOUR_IP.blue] },
    {
      name: RECORD_NAME,
      type: 'A',
      ttl: 60,
      values: [COLOUR_IP.blue],
      setIdentifier: 'bookstore-api-blue',
      failover: 'PRIMARY',
      healthCheckId: HEALTH_CHECK_ID.blue,
    },
    {
      name: RECORD_NAME,
      type: 'A',
      ttl: 60,
      values: [COLOUR_IP.green],
      setIdentifier: 'bookstore-api-green',
      failover: 'SECONDARY',
      healthCheckId: HEALTH_CHECK_ID.green,
    },
    { name: 'green.bookstore.pingpublications.com.', type: 'A', ttl: 60, values: [COLOUR_IP.green] },
  ];
}

/** `Bookstore.PingPublications.com` -> `bookstore.pingpublications.com.` */
export function normaliseName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/**
 * Route 53's listing order: by name with labels reversed, then type, then set identifier.
 * Empty parts sort first, so a partial key is where a listing starts.
 */
export function listingKey(name: string, type = '', setIdentifier = ''): string[] {
  return [normaliseName(name).split('.').reverse().join('.'), type, setIdentifier];
}

export function compareKeys(a: string[], b: string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export function healthCheckColour(id: string): Colour | undefined {
  return (Object.keys(HEALTH_CHECK_ID) as Colour[]).find((c) => HEALTH_CHECK_ID[c] === id);
}

/**
 * What Route 53 answers for a name and type: a failover pair answers its PRIMARY while the
 * primary's health check passes, else the SECONDARY when healthy; with both unhealthy Route 53
 * answers the primary.
 */
export function answer(
  records: RecordSet[],
  monitor: HealthMonitor,
  name: string,
  type: string,
): { code: 'NOERROR' | 'NXDOMAIN'; values: string[] } {
  const key = normaliseName(name);
  const sameName = records.filter((r) => r.name === key);
  if (sameName.length === 0) return { code: 'NXDOMAIN', values: [] };
  const matching = sameName.filter((r) => r.type === type.toUpperCase());
  const healthy = (r: RecordSet) => {
    const colour = r.healthCheckId ? healthCheckColour(r.healthCheckId) : undefined;
    return colour === undefined || monitor.observation(colour).healthy;
  };
  const primary = matching.find((r) => r.failover === 'PRIMARY');
  const secondary = matching.find((r) => r.failover === 'SECONDARY');
  if (primary && secondary) {
    const chosen = healthy(primary) || !healthy(secondary) ? primary : secondary;
    return { code: 'NOERROR', values: chosen.values };
  }
  return { code: 'NOERROR', values: matching.flatMap((r) => r.values) };
}
