import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 that plays a service in every broken way a drill must
 * notice. Routes:
 * - `/ok` 200 "ok"; `/500` 500; `/503` 503 (a service that never recovers)
 * - `/body` 200 "maintenance page"; `/json` 200 `{"status":{"db":"down"},"ok":false}`
 * - `/hang` never answers; `/slow/<ms>` answers 200 after ms
 * - `/redirect-500` 302 to `/500`
 * - `/flaky/<key>/<n>` 500 for the first n requests of that key, then 200
 * - `/state/<key>` 200 "healthy" until `POST /break/<key>`, 500 "broken" after it
 * `hits(path)` counts requests per path (without the query).
 */
export interface BrokenService {
  url: string;
  hits(path: string): number;
  close(): Promise<void>;
}

export async function startBrokenService(): Promise<BrokenService> {
  const hits = new Map<string, number>();
  const broken = new Set<string>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const count = (hits.get(path) ?? 0) + 1;
    hits.set(path, count);
    // Drain the body, then answer.
    req.resume();
    req.on('end', () => answer(req, res, path, count, broken));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: (path) => hits.get(path) ?? 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function answer(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  count: number,
  broken: Set<string>,
): unknown {
  const send = (status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(body);
  };
  const [, route, a, b] = path.split('/');
  switch (route) {
    case 'ok':
      return send(200, 'ok');
    case '500':
      return send(500, 'internal server error');
    case '503':
      return send(503, 'service unavailable');
    case 'body':
      return send(200, 'maintenance page');
    case 'json':
      return send(200, JSON.stringify({ status: { db: 'down' }, ok: false }), {
        'content-type': 'application/json',
      });
    case 'hang':
      return; // never answers
    case 'slow': {
      const timer = setTimeout(() => send(200, 'late'), Number(a));
      res.on('close', () => clearTimeout(timer));
      return;
    }
    case 'redirect-500':
      return send(302, '', { location: '/500' });
    case 'flaky':
      return count <= Number(b) ? send(500, `failure ${count}`) : send(200, 'recovered');
    case 'break':
      if (a) broken.add(a);
      return send(200, 'broken now');
    case 'state':
      return a && broken.has(a) ? send(500, 'broken') : send(200, 'healthy');
    default:
      return send(404, `no route ${req.method} ${path}`);
  }
}
