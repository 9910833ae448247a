import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPolicyGate } from '../../src/engine/policy-gate.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { workspace } from '../support/cli.js';
import { drill } from '../support/drill.js';
import { actions } from '../support/registry.js';

/** A value with CR/LF in a header never smuggles a header or a second request: refused, not sent. */
describe('http: values in headers and bodies', () => {
  const seen: IncomingHttpHeaders[] = [];
  const bodies = new Map<string, string>();
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (t: string) => {
      body += t;
    });
    req.on('end', () => {
      if (req.url?.startsWith('/json')) bodies.set(req.url, body);
      else seen.push(req.headers);
      res.end('ok');
    });
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
    const runbook = await loadRunbook(actions, file, { vars, env: {} });
    const r = await drill(runbook, { gate: createPolicyGate({ yes: true, approve: [] }) });
    hostile.forEach((_, i) => {
      expect(r.ends.get(`bad${i}`)?.status).toBe('failed');
    });
    expect(r.ends.get('good')?.status).toBe('passed');
    expect(seen.map((h) => h['x-value'])).toEqual(['it\'s "fine"']);
    expect(seen.some((h) => 'x-injected' in h)).toBe(false);
  });

  it('a value in a YAML body is a JSON string value, never JSON structure', async () => {
    const values = ['x","admin":true,"y":"\\', '"}]', '\u2028\n\t\'"', '{{ vars.other }}'];
    const steps = values.map((_, i) => ({
      id: `json${i}`,
      http: {
        url: `${url}/json${i}`,
        method: 'POST',
        body: { name: `{{ vars.v${i} }}`, list: [`<{{ vars.v${i} }}>`], n: 1 },
      },
    }));
    const file = workspace().write('json.yaml', JSON.stringify({ name: 'json-values', steps }));
    const vars = Object.fromEntries(values.map((v, i) => [`v${i}`, v]));
    const runbook = await loadRunbook(actions, file, { vars, env: {} });
    const r = await drill(runbook, { gate: createPolicyGate({ yes: true, approve: [] }) });
    expect(r.end.status).toBe('passed');
    values.forEach((v, i) => {
      expect(JSON.parse(bodies.get(`/json${i}`) ?? 'null')).toEqual({ name: v, list: [`<${v}>`], n: 1 });
    });
  });

  it('keys named __proto__ or constructor in a body are sent as keys like any other', async () => {
    const file = workspace().write(
      'proto.yaml',
      `name: proto-keys
steps:
  - id: a
    http:
      url: ${url}/json-proto
      method: POST
      body: { __proto__: { polluted: "{{ vars.v }}" }, constructor: 1, name: n }
`,
    );
    const runbook = await loadRunbook(actions, file, { vars: { v: 'x' }, env: {} });
    const r = await drill(runbook, { gate: createPolicyGate({ yes: true, approve: [] }) });
    expect(r.end.status).toBe('passed');
    expect(bodies.get('/json-proto')).toBe('{"__proto__":{"polluted":"x"},"constructor":1,"name":"n"}');
  });
});
