import { createServer, type Server } from 'node:http';
import type { AlarmStore } from './alarms.js';
import { CLOUDWATCH_TARGET_PREFIX, handleCloudWatch } from './cloudwatch-handler.js';
import type { HealthMonitor } from './health-monitor.js';
import { guarded, sendJson } from './http-util.js';
import { handleRoute53, ROUTE53_PREFIX } from './route53-handler.js';
import type { RecordSet } from './route53-zone.js';
import type { SsmFleet } from './ssm-fleet.js';
import { handleSsm, SSM_TARGET_PREFIX } from './ssm-handler.js';

/**
 * One endpoint for every service, so a runbook's single `aws: { endpoint }` reaches them all:
 * CloudWatch and SSM requests are recognised by their `x-amz-target`, Route 53 by its
 * `/2013-04-01/` paths.
 */
export function createAwsServer(ctx: {
  alarms: AlarmStore;
  monitor: HealthMonitor;
  records: RecordSet[];
  region: string;
  fleet: SsmFleet;
}): Server {
  const server = createServer(
    guarded((req, res) => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (req.method === 'POST' && target.startsWith(CLOUDWATCH_TARGET_PREFIX)) {
        handleCloudWatch(req, res, ctx.alarms, ctx.region).catch((error: unknown) => {
          if (!res.headersSent) sendJson(res, 500, { __type: 'InternalFailure', message: String(error) });
        });
      } else if (req.method === 'POST' && target.startsWith(SSM_TARGET_PREFIX)) {
        return handleSsm(req, res, ctx.fleet);
      } else if ((req.url ?? '').startsWith(ROUTE53_PREFIX)) {
        handleRoute53(req, res, ctx);
      } else {
        sendJson(res, 404, {
          message:
            'drillbook sandbox AWS endpoint: CloudWatch (AWS JSON 1.0), SSM Run Command (AWS JSON 1.1) and Route 53 (REST-XML) only',
        });
      }
    }),
  );
  server.keepAliveTimeout = 5000;
  return server;
}
