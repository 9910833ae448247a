import { createServer, request, type Server } from 'node:http';
import type { HealthMonitor } from './health-monitor.js';
import { guarded, sendJson } from './http-util.js';
import type { Colour } from './world.js';

/**
 * The failover front: proxies every request to blue while blue's health check passes,
 * to green otherwise (what the Route 53 failover record does for real clients). The
 * `x-sandbox-colour` response header says who served.
 */
export function createFrontServer(monitor: HealthMonitor, urls: Record<Colour, () => string>): Server {
  const server = createServer(
    guarded((req, res) => {
      const colour: Colour = monitor.observation('blue').healthy ? 'blue' : 'green';
      const { host: _host, ...headers } = req.headers;
      const upstream = request(
        `${urls[colour]()}${req.url ?? '/'}`,
        { method: req.method, headers, agent: false, timeout: 5000 },
        (up) => {
          res.writeHead(up.statusCode ?? 502, { ...up.headers, 'x-sandbox-colour': colour });
          up.pipe(res);
        },
      );
      upstream.on('timeout', () => upstream.destroy(new Error('upstream timed out')));
      upstream.on('error', (error) => {
        if (!res.headersSent)
          sendJson(res, 502, { error: `${colour} is unreachable: ${error.message}`, colour });
        else res.destroy();
      });
      req.pipe(upstream);
    }),
  );
  server.keepAliveTimeout = 1000;
  return server;
}
