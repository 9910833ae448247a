import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPolicyGate } from '../../src/engine/policy-gate.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { workspace } from '../support/cli.js';
import { drill } from '../support/drill.js';

/** A value with CR/LF in a header never smuggles a header or a second request: refused, not sent. */
describe('http: a value in a header', () => {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.end('ok');
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('with CR or LF fails its step and nothing is sent; a plain value is sent as is', async () => {
    const hostile = [
      'a\r\nX-Injected: 1',
      'a\nX-Injected: 1',
      'a\rX-Injected: 1',
      'a\r\n\r\nGET /smuggled HTTP/1.1',
    ];
    const steps = [
      ...hostile.map((_, i) => ({
        id: `bad${i}`,
        http: { url: `${url}/bad${i}`, headers: { 'X-Value': `{{ vars.v${i} }}` } },
        continue_on_error: true,
      })),
      { id: 'good', http: { url: `${url}/good`, headers: { 'X-Value': '{{ vars.good }}' } } },
    ];
    const file = workspace().write('rb.yaml', JSON.stringify({ name: 'http-values', steps }));
    const vars = { ...Object.fromEntries(hostile.map((v, i) => [`v${i}`, v])), good: 'it\'s "fine"' };
    const runbook = await loadRunbook(file, { vars, env: {} });
    const r = await drill(runbook, { gate: createPolicyGate({ yes: true, approve: [] }) });
    hostile.forEach((_, i) => {
      expect(r.ends.get(`bad${i}`)?.status).toBe('failed');
    });
    expect(r.ends.get('good')?.status).toBe('passed');
    expect(seen.map((h) => h['x-value'])).toEqual(['it\'s "fine"']);
    expect(seen.some((h) => 'x-injected' in h)).toBe(false);
  });
});
