import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorize } from './aws-auth.js';
import type { HealthMonitor } from './health-monitor.js';
import { sendText } from './http-util.js';
import {
  answer,
  compareKeys,
  healthCheckColour,
  listingKey,
  type RecordSet,
  ZONE_ID,
} from './route53-zone.js';
import { type XmlElement, xmlDocument } from './xml.js';

export const ROUTE53_PREFIX = '/2013-04-01/';
const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';
/** Regions Route 53 health checkers report from (real checks have 8 or more). */
const CHECKER_REGIONS = [
  ['us-east-1', '15.177.2.21'],
  ['us-west-2', '15.177.62.21'],
  ['eu-west-1', '15.177.10.21'],
] as const;

interface Route53Context {
  records: RecordSet[];
  monitor: HealthMonitor;
}

type Reply = { root: string; body: XmlElement } | { status: number; code: string; message: string };
type Query = (key: string) => string | undefined;

/**
 * Route 53 in its REST-XML protocol, for the three read operations drillbook uses:
 * ListResourceRecordSets, TestDNSAnswer and GetHealthCheckStatus. Errors use Route 53's
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */
export function handleRoute53(req: IncomingMessage, res: ServerResponse, ctx: Route53Context): void {
  send(res, reply(req, ctx));
}

function reply(req: IncomingMessage, ctx: Route53Context): Reply {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const path = url.pathname.slice(ROUTE53_PREFIX.length).split('/').map(decodeURIComponent);
  const q: Query = (k) => url.searchParams.get(k) ?? undefined;
  const operation = operationOf(req.method ?? 'GET', path);
  if (!operation) {
    return {
      status: 404,
      code: 'UnknownOperation',
      message: `The sandbox does not implement ${req.method} ${url.pathname}`,
    };
  }
  const auth = authorize(req.headers, `route53:${operation}`);
  if (!auth.ok) return auth;
  if (operation === 'ListResourceRecordSets') return listRecords(ctx, path[1] ?? '', q);
  if (operation === 'TestDNSAnswer') return testDnsAnswer(ctx, q);
  return healthCheckStatus(ctx, path[1] ?? '');
}

function operationOf(method: string, path: string[]): string | undefined {
  if (method !== 'GET') return undefined;
  if (path.length === 3 && path[0] === 'hostedzone' && path[2] === 'rrset') return 'ListResourceRecordSets';
  if (path.length === 1 && path[0] === 'testdnsanswer') return 'TestDNSAnswer';
  if (path.length === 3 && path[0] === 'healthcheck' && path[2] === 'status') return 'GetHealthCheckStatus';
  return undefined;
}

function listRecords(ctx: Route53Context, zoneId: string, q: Query): Reply {
  if (zoneId !== ZONE_ID) return noSuchZone(zoneId);
  const [name, type, identifier, maxItems] = [q('name'), q('type'), q('identifier'), q('maxitems')];
  if (type !== undefined && name === undefined) return invalid('The input is not valid: type requires name');
  const max = maxItems === undefined ? 300 : Number(maxItems);
  if (!Number.isInteger(max) || max < 1) return invalid('maxitems must be a positive integer');
  const key = (r: RecordSet) => listingKey(r.name, r.type, r.setIdentifier);
  const sorted = [...ctx.records].sort((a, b) => compareKeys(key(a), key(b)));
  const from = name === undefined ? [] : listingKey(name, type, identifier);
  const start = sorted.filter((r) => compareKeys(key(r), from) >= 0);
  const page = start.slice(0, max);
  const next = start[max];
  return {
    root: 'ListResourceRecordSetsResponse',
    body: {
      ResourceRecordSets: { ResourceRecordSet: page.map(recordXml) },
      IsTruncated: next !== undefined,
      ...(next
        ? { NextRecordName: next.name, NextRecordType: next.type, NextRecordIdentifier: next.setIdentifier }
        : {}),
      MaxItems: max,
    },
  };
}

function recordXml(r: RecordSet): XmlElement {
  return {
    Name: r.name,
    Type: r.type,
    SetIdentifier: r.setIdentifier,
    Failover: r.failover,
    TTL: r.ttl,
    ResourceRecords: { ResourceRecord: r.values.map((Value) => ({ Value })) },
    HealthCheckId: r.healthCheckId,
  };
}

function testDnsAnswer(ctx: Route53Context, q: Query): Reply {
  const [zoneId, name, type] = [q('hostedzoneid'), q('recordname'), q('recordtype')];
  if (!zoneId || !name || !type) return invalid('hostedzoneid, recordname and recordtype are required');
  if (zoneId !== ZONE_ID) return noSuchZone(zoneId);
  const result = answer(ctx.records, ctx.monitor, name, type);
  return {
    root: 'TestDNSAnswerResponse',
    body: {
      Nameserver: 'ns-1.awsdns-sandbox.com',
      RecordName: name,
      RecordType: type,
      RecordData: { RecordDataEntry: result.values },
      ResponseCode: result.code,
      Protocol: 'UDP',
    },
  };
}

function healthCheckStatus(ctx: Route53Context, id: string): Reply {
  const colour = healthCheckColour(id);
  if (!colour)
    return {
      status: 404,
      code: 'NoSuchHealthCheck',
      message: `A health check with id ${id} does not exist.`,
    };
  const seen = ctx.monitor.observation(colour);
  return {
    root: 'GetHealthCheckStatusResponse',
    body: {
      HealthCheckObservations: {
        HealthCheckObservation: CHECKER_REGIONS.map(([Region, IPAddress]) => ({
          Region,
          IPAddress,
          StatusReport: { Status: seen.status, CheckedTime: seen.checkedAt.toISOString() },
        })),
      },
    },
  };
}

function noSuchZone(zoneId: string): Reply {
  return { status: 404, code: 'NoSuchHostedZone', message: `No hosted zone found with ID: ${zoneId}` };
}

function invalid(message: string): Reply {
  return { status: 400, code: 'InvalidInput', message };
}

function send(res: ServerResponse, r: Reply): void {
  const requestId = randomUUID();
  const headers = { 'x-amzn-requestid': requestId };
  if ('root' in r) {
    sendText(res, 200, 'text/xml', xmlDocument(r.root, NS, r.body), headers);
    return;
  }
  const body = xmlDocument('ErrorResponse', NS, {
    Error: { Type: r.status >= 500 ? 'Receiver' : 'Sender', Code: r.code, Message: r.message },
    RequestId: requestId,
  });
  sendText(res, r.status, 'text/xml', body, headers);
}
