import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import type { WaitConfig } from '../../src/actions/wait.js';
import { type ActionDefinition, ConfigProblem } from '../../src/plugin/contract.js';
import { toDuration } from '../../src/runbook/duration.js';
import { makeActionContext } from '../support/action-context.js';
import { actions } from '../support/registry.js';

// The wait action as the command's registry holds it (it looks up its probes there).
const waitAction = actions.get('wait') as ActionDefinition<WaitConfig>;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-wait-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An HTTP server that answers 503 until `healthyAfter` requests have been made. */
async function turnsHealthy(healthyAfter: number): Promise<{ url: string; requests(): number }> {
  let requests = 0;
  const server: Server = createServer((_req, res) => {
    requests++;
    if (requests >= healthyAfter) res.writeHead(200).end('healthy');
    else res.writeHead(503).end('warming up');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`,
    requests: () => requests,
  };
}

function problem(raw: unknown): { path: string; message: string } | undefined {
  try {
    waitAction.parse(raw);
  } catch (error) {
    if (error instanceof ConfigProblem) return { path: error.path, message: error.message };
    throw error;
  }
  return undefined;
}

describe('wait: parse and schema', () => {
  it('reads a duration, for:, and until: with the nested action parsed', () => {
    expect(waitAction.parse('30s')).toEqual({ kind: 'sleep', ms: 30_000 });
    expect(waitAction.parse({ for: '500ms' })).toEqual({ kind: 'sleep', ms: 500 });
    const until = waitAction.parse({ until: { http: 'http://127.0.0.1/health' }, within: '5m' });
    expect(until).toEqual({
      kind: 'until',
      until: { type: 'http', config: actions.get('http')?.parse('http://127.0.0.1/health') },
      within: 300_000,
      interval: 2000,
    });
  });

  it('names the field of a bad duration, inside the nested action too', () => {
    expect(problem({ for: 'a while' })).toEqual({ path: 'for', message: '"a while" is not a duration' });
    expect(problem({ until: { run: 'true' }, within: '5m', interval: 'often' })?.path).toBe('interval');
    expect(problem({ until: { http: { url: 'http://x', within: 'soon' } }, within: '1m' })?.path).toBe(
      'until.http.within',
    );
  });

  it('says which keys go together', () => {
    expect(problem({ until: { run: 'true' } })).toEqual({
      path: '',
      message: 'until: needs within: (how long to keep trying)',
    });
    expect(problem({ for: '1s', until: { run: 'true' }, within: '1m' })?.path).toBe('for');
    expect(problem({ for: '1s', within: '1m' })?.path).toBe('within');
    expect(problem({})?.message).toBe('wait needs for: or until:');
  });

  it('rejects an until: that is not exactly one usable action', () => {
    expect(problem({ until: { htp: 'http://x' }, within: '1m' })).toMatchObject({ path: 'until.htp' });
    expect(problem({ until: { wait: '1s' }, within: '1m' })).toMatchObject({ path: 'until.wait' });
    expect(problem({ until: { run: 'true', http: 'http://x' }, within: '1m' })).toMatchObject({
      path: 'until',
    });
  });

  it('has a closed schema that includes the nested actions', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(waitAction.schema);
    expect(validate('30s')).toBe(true);
    expect(validate(5)).toBe(true);
    expect(validate({ for: '1m' })).toBe(true);
    expect(
      validate({
        until: { http: { url: 'http://x', expect: { status: 200 } } },
        within: '5m',
        interval: '1s',
      }),
    ).toBe(true);
    expect(validate({ until: { run: 'test -f /tmp/x' }, within: '5m' })).toBe(true);
    expect(validate('thirty seconds')).toBe(false);
    expect(validate({ for: '1m', extra: true })).toBe(false);
    expect(validate({ until: { nope: 1 }, within: '1m' })).toBe(false);
    expect(validate({ until: {}, within: '1m' })).toBe(false);
    expect(validate({ until: { http: { url: 'http://x', bogus: 1 } }, within: '1m' })).toBe(false);
  });

  it('summarises with the nested action', () => {
    expect(waitAction.summary(waitAction.parse('90s'))).toBe('wait 1m30s');
    expect(waitAction.summary(waitAction.parse({ until: { run: 'test -f ready' }, within: '2m' }))).toBe(
      'wait up to 2m00s until sh: test -f ready',
    );
  });
});

describe('wait: sleeping', () => {
  it('sleeps for the duration', async () => {
    const h = makeActionContext();
    const started = Date.now();
    const result = await waitAction.run({ kind: 'sleep', ms: toDuration(200) }, h.ctx);
    expect(result).toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(h.lines('info')).toEqual(['waiting 200ms']);
  });

  it('stops promptly when aborted, saying why', async () => {
    const h = makeActionContext();
    setTimeout(() => h.controller.abort('SIGINT'), 100);
    const started = Date.now();
    const result = await waitAction.run({ kind: 'sleep', ms: toDuration(60_000) }, h.ctx);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^wait stopped after \d+ms: SIGINT$/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('wait: until a probe holds', () => {
  it('polls an http probe until the server turns healthy', async () => {
    const server = await turnsHealthy(3);
    const h = makeActionContext();
    const config = waitAction.parse({ until: { http: server.url }, within: '20s', interval: '100ms' });
    const result = await waitAction.run(config, h.ctx);
    expect(result).toEqual({ ok: true, output: 'healthy' });
    expect(server.requests()).toBe(3);
    expect(h.probes).toHaveLength(3);
    const info = h.lines('info');
    expect(info.filter((l) => l.startsWith('not yet: '))).toHaveLength(2);
    expect(info).toContain(`GET ${server.url} -> 200`);
  });

  it('polls a run probe until a file appears', async () => {
    const dir = tempDir();
    const marker = join(dir, 'ready');
    setTimeout(() => writeFileSync(marker, 'yes'), 300);
    const h = makeActionContext({ cwd: dir });
    const config = waitAction.parse({ until: { run: 'test -f ready' }, within: '20s', interval: '100ms' });
    const result = await waitAction.run(config, h.ctx);
    expect(result.ok).toBe(true);
    expect(existsSync(marker)).toBe(true);
    expect(h.probes.length).toBeGreaterThan(1);
  });

  it('fails at the deadline with the last reason and the number of tries', async () => {
    const h = makeActionContext();
    const config = waitAction.parse({ until: { run: 'exit 3' }, within: '400ms', interval: '100ms' });
    const result = await waitAction.run(config, h.ctx);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(
      new RegExp(
        `^condition did not hold within 400ms \\(${h.probes.length} tries in \\d+ms\\); last: command exited with status 3$`,
      ),
    );
    expect(h.probes.length).toBeGreaterThanOrEqual(2);
  });

  it('stops promptly when aborted between tries', async () => {
    const server = await turnsHealthy(Number.POSITIVE_INFINITY);
    const h = makeActionContext();
    const config: WaitConfig = waitAction.parse({
      until: { http: server.url },
      within: '5m',
      interval: '30s',
    });
    setTimeout(() => h.controller.abort('stop condition tripped'), 200);
    const started = Date.now();
    const result = await waitAction.run(config, h.ctx);
    expect(!result.ok && result.reason).toMatch(/^wait stopped after .*: stop condition tripped$/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
