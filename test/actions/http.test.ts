import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { type HttpConfig, httpAction } from '../../src/actions/http.js';
import type { RawConfigOf } from '../../src/plugin/contract.js';
import { ConfigProblem } from '../../src/plugin/contract.js';
import { makeActionContext } from '../support/action-context.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** A real HTTP server on 127.0.0.1 and a random port; returns its base URL. */
async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function reply(status: number, body = '', headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };
}

/** A port that nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function config(raw: RawConfigOf<typeof httpAction>): HttpConfig {
  return httpAction.parse(raw);
}

async function run(raw: RawConfigOf<typeof httpAction>) {
  const h = makeActionContext();
  const result = await httpAction.run(config(raw), h.ctx);
  return { result, info: h.lines('info'), harness: h };
}

describe('http action: expectations', () => {
  it('passes on a 2xx by default, logs the attempt, and outputs the body for save:', async () => {
    const url = await serve(reply(200, '{"status":"ok"}'));
    const { result, info } = await run(`${url}/health`);
    expect(result).toEqual({ ok: true, output: '{"status":"ok"}' });
    expect(info).toEqual([`GET ${url}/health -> 200`]);
  });

  it('fails on a 5xx by default, saying what it saw', async () => {
    const url = await serve(reply(503, 'upstream db unreachable'));
    const { result, info } = await run({ url });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe(
      `GET ${url}: status 503, expected 200-399; body: upstream db unreachable`,
    );
    expect(info).toEqual([`GET ${url} -> 503 (expected 200-399)`]);
  });

  it('matches a single expected status and a list of them', async () => {
    const url = await serve(reply(404, 'gone'));
    expect((await run({ url, expect: { status: 404 } })).result.ok).toBe(true);
    expect((await run({ url, expect: { status: [410, 404] } })).result.ok).toBe(true);
    const { result, info } = await run({ url, expect: { status: 200 } });
    expect(!result.ok && result.reason).toContain('status 404, expected 200');
    expect(info).toEqual([`GET ${url} -> 404 (expected 200)`]);
  });

  it('checks that the body contains a string', async () => {
    const url = await serve(reply(200, 'db=up cache=down'));
    expect((await run({ url, expect: { body_contains: 'db=up' } })).result.ok).toBe(true);
    const { result } = await run({ url, expect: { body_contains: 'cache=up' } });
    expect(!result.ok && result.reason).toBe(
      `GET ${url}: body does not contain "cache=up"; body: db=up cache=down`,
    );
  });

  it('checks JSON values by path, in both path styles', async () => {
    const body = JSON.stringify({
      checks: [
        { name: 'db', state: 'up' },
        { name: 'cdn', state: 'down' },
      ],
      count: 2,
    });
    const url = await serve(reply(200, body, { 'content-type': 'application/json' }));
    const ok = await run({
      url,
      expect: {
        json: [
          { path: '$.checks[0].state', equals: 'up' },
          { path: 'checks.1.name', equals: 'cdn' },
          { path: '$.count', equals: '2' },
          { path: '$.checks[0]', equals: { name: 'db', state: 'up' } },
        ],
      },
    });
    expect(ok.result.ok).toBe(true);
    const bad = await run({ url, expect: { json: { path: '$.checks[1].state', equals: 'up' } } });
    expect(!bad.result.ok && bad.result.reason).toBe(
      `GET ${url}: $.checks[1].state is "down", expected "up"`,
    );
    const missing = await run({ url, expect: { json: { path: '$.checks[5].state', equals: 'up' } } });
    expect(!missing.result.ok && missing.result.reason).toContain(
      '$.checks[5].state is missing, expected "up"',
    );
  });

  it('reports a body that is not JSON when a JSON path is expected', async () => {
    const url = await serve(reply(200, '<html>maintenance</html>'));
    const { result } = await run({ url, expect: { json: { path: '$.a', equals: 1 } } });
    expect(!result.ok && result.reason).toBe(`GET ${url}: body is not JSON; body: <html>maintenance</html>`);
  });

  it('sends method, headers and a JSON body', async () => {
    let seen: { method?: string; type?: string; auth?: string; body?: string } = {};
    const url = await serve((req, res, body) => {
      seen = { method: req.method, type: req.headers['content-type'], auth: req.headers.authorization, body };
      res.writeHead(201).end('created');
    });
    const { result } = await run({
      url,
      method: 'post',
      headers: { Authorization: 'Bearer t0ken' },
      body: { alarm: 'bookstore-api-blue-db-connectivity-failed', state: 'ALARM' },
    });
    expect(result).toEqual({ ok: true, output: 'created' });
    expect(seen).toEqual({
      method: 'POST',
      type: 'application/json',
      auth: 'Bearer t0ken',
      body: '{"alarm":"bookstore-api-blue-db-connectivity-failed","state":"ALARM"}',
    });
  });

  it('sees a redirect itself when a 3xx status is expected, and follows it otherwise', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/old') res.writeHead(301, { location: '/new' }).end();
      else res.writeHead(200).end('new place');
    });
    expect((await run({ url: `${url}/old`, expect: { status: 301 } })).result.ok).toBe(true);
    expect((await run(`${url}/old`)).result).toEqual({ ok: true, output: 'new place' });
  });

  it('keeps at most 64 KiB of the body as output', async () => {
    const url = await serve(reply(200, 'x'.repeat(200_000)));
    const { result } = await run(url);
    expect(result.ok && result.output?.length).toBe(64 * 1024);
  });
});

describe('http action: failures without a response', () => {
  it('names a refused connection', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/health`;
    const { result, info } = await run(url);
    expect(!result.ok && result.reason).toBe(`GET ${url}: connection refused (ECONNREFUSED)`);
    expect(info).toEqual([`GET ${url} -> connection refused (ECONNREFUSED)`]);
  });

  it('gives up on a request after its timeout', async () => {
    const url = await serve(() => {
      // never answers
    });
    const started = Date.now();
    const { result } = await run({ url, timeout: '300ms' });
    expect(!result.ok && result.reason).toBe(`GET ${url}: no response within 300ms`);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('http action: within', () => {
  it('polls until the server turns healthy', async () => {
    let requests = 0;
    const url = await serve((_req, res) => {
      requests++;
      if (requests < 3) res.writeHead(503).end('starting');
      else res.writeHead(200).end('ready');
    });
    const { result, info } = await run({ url, within: '20s', interval: '100ms' });
    expect(result).toEqual({ ok: true, output: 'ready' });
    expect(info).toEqual([
      `GET ${url} -> 503 (expected 200-399)`,
      `GET ${url} -> 503 (expected 200-399)`,
      `GET ${url} -> 200`,
    ]);
  });

  it('fails at the deadline with the last thing seen, how long and how many tries', async () => {
    const url = await serve(reply(503, 'still starting'));
    const started = Date.now();
    const { result, info } = await run({ url, within: '600ms', interval: '100ms' });
    const elapsed = Date.now() - started;
    expect(result.ok).toBe(false);
    const reason = result.ok ? '' : result.reason;
    expect(reason).toMatch(
      new RegExp(
        `^GET ${url}: status 503, expected 200-399; body: still starting; still failing after [\\d.]+m?s and ${info.length} tries$`,
      ),
    );
    expect(info.length).toBeGreaterThanOrEqual(2);
    expect(elapsed).toBeGreaterThanOrEqual(600);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('keeps trying through refused connections and reports the last one', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const { result, info } = await run({ url, within: '300ms', interval: '100ms' });
    expect(!result.ok && result.reason).toMatch(
      /: connection refused \(ECONNREFUSED\); still failing after .* tries$/,
    );
    expect(info.length).toBeGreaterThanOrEqual(2);
  });

  it('stops promptly when aborted during a request and between tries', async () => {
    const hanging = await serve(() => {
      // never answers
    });
    for (const raw of [
      { url: hanging, timeout: '1m' },
      { url: `http://127.0.0.1:${await closedPort()}`, within: '1m', interval: '30s' },
    ]) {
      const h = makeActionContext();
      const started = Date.now();
      setTimeout(() => h.controller.abort('stop condition tripped'), 150);
      const result = await httpAction.run(config(raw), h.ctx);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason).toContain('stopped (stop condition tripped)');
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });
});

describe('http action: config', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(httpAction.schema);

  it('accepts the documented shapes and rejects unknown keys', () => {
    expect(validate('http://127.0.0.1/health')).toBe(true);
    expect(
      validate({
        url: 'http://x',
        method: 'POST',
        headers: { a: 'b', n: 1 },
        body: { a: 1 },
        timeout: '5s',
        expect: { status: [200, 204], body_contains: 'ok', json: [{ path: '$.a', equals: null }] },
        within: '5m',
        interval: '2s',
      }),
    ).toBe(true);
    expect(validate({ url: 'http://x', timout: '5s' })).toBe(false);
    expect(validate({ url: 'http://x', expect: { code: 200 } })).toBe(false);
    expect(validate({ url: 'http://x', expect: { status: 999 } })).toBe(false);
    expect(validate({ url: 'http://x', within: 'soon' })).toBe(false);
    expect(validate({ url: 'http://x', expect: { json: { path: '$.a' } } })).toBe(false);
    expect(validate({ method: 'GET' })).toBe(false);
  });

  it('fills defaults', () => {
    expect(config('http://x/health')).toEqual({
      url: 'http://x/health',
      method: 'GET',
      headers: {},
      timeout: 10_000,
      expect: { json: [] },
      interval: 2000,
    });
  });

  it('names the field of a bad duration or JSON path', () => {
    const problem = (raw: RawConfigOf<typeof httpAction>) => {
      try {
        config(raw);
      } catch (error) {
        if (error instanceof ConfigProblem) return { path: error.path, message: error.message };
        throw error;
      }
      return undefined;
    };
    expect(problem({ url: 'http://x', within: '5 minutes' })).toEqual({
      path: 'within',
      message: '"5 minutes" is not a duration',
    });
    expect(
      problem({
        url: 'http://x',
        expect: {
          json: [
            { path: '$.a', equals: 1 },
            { path: '$.a[x]', equals: 1 },
          ],
        },
      }),
    ).toMatchObject({ path: 'expect.json[1].path' });
  });

  it('rejects a URL that cannot work, unless a template fills it at run time', () => {
    const problem = (raw: RawConfigOf<typeof httpAction>) => {
      try {
        config(raw);
      } catch (error) {
        if (error instanceof ConfigProblem) return error.path;
        throw error;
      }
      return undefined;
    };
    expect(problem({ url: '127.0.0.1:8080/health' })).toBe('url');
    expect(problem({ url: 'ftp://example.com/x' })).toBe('url');
    expect(problem('not a url')).toBe('');
    expect(problem({ url: 'http://{{ hosts.blue.host }}:8080/health' })).toBeUndefined();
  });

  it('summarises the request and what it expects', () => {
    expect(
      httpAction.summary(config({ url: 'http://x/h', expect: { status: [200, 204] }, within: '5m' })),
    ).toBe('GET http://x/h expect status 200 or 204 (up to 5m00s)');
  });
});
