import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionResult } from '../../src/plugin/contract.js';
import { makeActionContext } from '../support/action-context.js';
import { actions } from '../support/registry.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(port = 0): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: one the system just gave out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function run(raw: unknown, hosts = {}) {
  const h = makeActionContext({ hosts });
  const def = actions.get('tcp');
  if (!def) throw new Error('tcp is not in the registry');
  const result: ActionResult = await def.run(def.parse(raw), h.ctx);
  return { result, h };
}

describe('tcp', () => {
  it('passes when the port accepts a connection, by address or by a host name from hosts:', async () => {
    const port = await listen();
    expect((await run({ host: '127.0.0.1', port })).result).toEqual({ ok: true });
    const named = await run({ host: 'db', port: String(port) }, { db: { host: '127.0.0.1' } });
    expect(named.result.ok).toBe(true);
    expect(named.h.text('info')).toContain(`connected to db:${port} (127.0.0.1)`);
  });

  it('fails on a closed port, saying where and what happened', async () => {
    const port = await closedPort();
    const { result } = await run({ host: '127.0.0.1', port });
    expect(result).toEqual({ ok: false, reason: `no TCP connection to 127.0.0.1:${port}: ECONNREFUSED` });
  });

  it('with within: keeps trying until the port opens', async () => {
    const port = await closedPort();
    setTimeout(() => void listen(port), 700);
    const { result } = await run({ host: '127.0.0.1', port, within: '20s' });
    expect(result.ok).toBe(true);
  });

  it('is usable in wait: until:, and refuses a port that is not a number', async () => {
    const port = await listen();
    const wait = actions.get('wait');
    const h = makeActionContext();
    const config = wait?.parse({ until: { tcp: { host: '127.0.0.1', port } }, within: '5s' });
    expect(await wait?.run(config, h.ctx)).toEqual({ ok: true });
    expect(() => actions.get('tcp')?.parse({ host: 'x', port: 'http' })).toThrow(/port must be a number/);
  });
});
