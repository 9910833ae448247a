import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gate } from '../../src/engine/gate.js';
import { type BrokenService, startBrokenService } from '../support/broken-service.js';
import { drill, yamlRunbook } from '../support/drill.js';
import { caseCalled, reportsOf } from '../support/reports-of.js';

/**
 * Drills against deliberately broken systems (and a few healthy controls): a broken system
 * never passes, a healthy one never fails. Every row runs the real engine in-process against
 * a real HTTP server on 127.0.0.1, then reads its JUnit (schema-checked, parsed by junit2json)
 * the way Jenkins would: the exit code and the testcase that carries the failure.
 *
 * In the runbooks, `URL` is the broken service and `REFUSED` a port nobody listens on.
 */
interface Row {
  name: string;
  runbook: string;
  exit: 0 | 1;
  /** The testcase Jenkins shows failing; none for a clean pass. */
  failing?: string;
  /** Its failure type, when it matters (`tolerated`, `stop-condition`, ...). */
  type?: string;
  gate?: Gate;
}

const approveAll: Gate = {
  confirm: async () => ({ decision: 'approve', by: 'yes-flag', note: 'approved by --yes' }),
  failed: async () => ({ decision: 'fail', by: 'policy', note: '' }),
};

const ROWS: Row[] = [
  {
    name: 'HTTP 500',
    runbook: 'steps: [{ id: health, name: Health check, http: "URL/500" }]',
    exit: 1,
    failing: 'Health check',
  },
  {
    name: 'wrong body',
    runbook: 'steps: [{ id: body, http: { url: "URL/body", expect: { body_contains: "in stock" } } }]',
    exit: 1,
    failing: 'body',
  },
  {
    name: 'wrong JSON path value',
    runbook:
      'steps: [{ id: db, http: { url: "URL/json", expect: { json: { path: "$.status.db", equals: "up" } } } }]',
    exit: 1,
    failing: 'db',
  },
  {
    name: 'JSON path that is not there',
    runbook:
      'steps: [{ id: db-missing, http: { url: "URL/json", expect: { json: { path: "$.status.cache", equals: "up" } } } }]',
    exit: 1,
    failing: 'db-missing',
  },
  {
    name: 'a service that never recovers',
    runbook: 'steps: [{ id: recovers, http: { url: "URL/503", within: 800ms, interval: 100ms } }]',
    exit: 1,
    failing: 'recovers',
  },
  {
    name: 'wait until a service that never recovers',
    runbook: 'steps: [{ id: waits, wait: { until: { http: "URL/503" }, within: 600ms, interval: 100ms } }]',
    exit: 1,
    failing: 'waits',
  },
  {
    name: 'a tripped stop condition',
    runbook: `
stop_when: { probes: [{ id: budget, http: "URL/500" }] }
steps: [{ id: work, run: "sleep 0.3" }]`,
    exit: 1,
    failing: 'stop condition: budget',
    type: 'stop-condition',
  },
  {
    name: 'a hanging stop condition',
    runbook: `
stop_when: { every: 200ms, probes: [{ id: hung, http: { url: "URL/hang", timeout: 500ms } }] }
steps: [{ id: work, run: "sleep 0.2" }]`,
    exit: 1,
    failing: 'stop condition: hung',
    type: 'stop-condition',
  },
  {
    name: 'a failed undo',
    runbook: `
steps:
  - { id: change, run: "true", undo: { http: "URL/500" } }
  - { id: breaks, http: "URL/500" }`,
    exit: 1,
    failing: 'Undo: change',
  },
  {
    name: 'a failed finally restore',
    runbook: `
steps: [{ id: work, http: "URL/ok" }]
finally: [{ id: restore, name: Restore blue, http: { url: "URL/500", method: POST } }]`,
    exit: 1,
    failing: 'Restore blue',
  },
  {
    name: 'a flaky check that passes with retries',
    runbook: 'steps: [{ id: flaky, http: "URL/flaky/pass/2", retries: 2, retry_delay: 20ms }]',
    exit: 0,
  },
  {
    name: 'a flaky check that fails despite retries',
    runbook: 'steps: [{ id: flaky-fails, http: "URL/flaky/fail/5", retries: 2, retry_delay: 20ms }]',
    exit: 1,
    failing: 'flaky-fails',
  },
  {
    name: 'a redirect to an error',
    runbook: 'steps: [{ id: redirected, http: "URL/redirect-500" }]',
    exit: 1,
    failing: 'redirected',
  },
  {
    name: 'steady state broken after the steps',
    runbook: `
steady_state: [{ id: state, name: Service healthy, http: "URL/state/after" }]
steps: [{ id: break-it, http: { url: "URL/break/after", method: POST } }]`,
    exit: 1,
    failing: 'Steady state (after): Service healthy',
  },
  {
    name: 'steady state broken before the steps',
    runbook: `
steady_state: [{ id: up, name: Service up, http: "URL/500" }]
steps: [{ id: never, run: "true" }]`,
    exit: 1,
    failing: 'Steady state (before): Service up',
  },
  {
    name: 'a step timeout',
    runbook: 'steps: [{ id: slow-step, run: "sleep 5", timeout: 300ms }]',
    exit: 1,
    failing: 'slow-step',
  },
  {
    name: 'connection refused',
    runbook: 'steps: [{ id: refused, http: "REFUSED/health" }]',
    exit: 1,
    failing: 'refused',
  },
  {
    name: 'a slow response beyond the HTTP timeout',
    runbook: 'steps: [{ id: slow, http: { url: "URL/slow/3000", timeout: 300ms } }]',
    exit: 1,
    failing: 'slow',
  },
  {
    name: 'a wrong status in expect',
    runbook: 'steps: [{ id: created, http: { url: "URL/ok", expect: { status: 201 } } }]',
    exit: 1,
    failing: 'created',
  },
  {
    name: 'a parallel member failing',
    runbook: `
steps:
  - id: both
    parallel:
      - { id: blue-up, http: "URL/ok" }
      - { id: green-up, http: "URL/500" }`,
    exit: 1,
    failing: 'green-up',
  },
  {
    name: 'a gate nobody approved (headless)',
    runbook: 'steps: [{ id: blackhole, confirm: "Blackhole blue?", http: { url: "URL/ok", method: POST } }]',
    gate: {
      confirm: async () => ({ decision: 'refuse', by: 'policy', note: 'needs approval' }),
      failed: async () => ({ decision: 'fail', by: 'policy', note: '' }),
    },
    exit: 1,
    failing: 'blackhole',
    type: 'gate-refused',
  },
  {
    name: 'only a tolerated failure (passes, but not green)',
    runbook: 'steps: [{ id: optional, http: "URL/500", continue_on_error: true }]',
    exit: 0,
    failing: 'optional',
    type: 'tolerated',
  },
  {
    name: 'a tolerated finally restore (passes, but not green)',
    runbook: `
steps: [{ id: work, http: "URL/ok" }]
finally: [{ id: restore, http: "URL/500", continue_on_error: true }]`,
    exit: 0,
    failing: 'restore',
    type: 'tolerated',
  },
  {
    name: 'healthy control: every check and stop condition holds',
    runbook: `
steady_state: [{ id: up, http: "URL/ok" }]
stop_when: { every: 100ms, probes: [{ id: budget, http: "URL/ok" }] }
steps:
  - { id: gated, confirm: "Go?", http: { url: "URL/ok", expect: { status: 200, body_contains: ok } } }
  - { id: json, http: { url: "URL/json", expect: { json: { path: "$.status.db", equals: down } } } }`,
    gate: approveAll,
    exit: 0,
  },
];

let service: BrokenService;
let refused: string;
beforeAll(async () => {
  service = await startBrokenService();
  refused = await closedPortUrl();
});
afterAll(() => service.close());

describe('broken systems never pass; healthy ones never fail', () => {
  it('has at least 20 broken-system rows', () => {
    expect(
      ROWS.filter((r) => r.failing !== undefined && r.type !== 'tolerated').length,
    ).toBeGreaterThanOrEqual(20);
  });

  it.each(ROWS)('$name: exit $exit', async (row) => {
    const text = row.runbook.replaceAll('URL', service.url).replaceAll('REFUSED', refused);
    const rb = await yamlRunbook(`name: broken\n${text}\n`);
    const r = await drill(rb, row.gate ? { gate: row.gate } : {});
    const reports = await reportsOf(r.events);
    const failures = reports.cases.filter((c) => c.failure);
    const what = `${row.name}\n${reports.console}`;
    expect(r.end.exitCode, what).toBe(row.exit);
    expect(reports.json.exitCode, what).toBe(row.exit);
    if (row.failing === undefined) {
      expect(failures, what).toEqual([]);
      expect(reports.json.verdict, what).toBe('passed');
      return;
    }
    const failing = caseCalled(reports, row.failing);
    expect(failing.failure, what).toBeDefined();
    if (row.type) expect(failing.failure?.type, what).toBe(row.type);
    if (row.exit === 0) {
      // Passed with exit 0, yet Jenkins sees a failure (UNSTABLE) and the verdict names it.
      expect(
        failures.every((c) => c.failure?.type === 'tolerated'),
        what,
      ).toBe(true);
      expect(reports.json.verdict, what).toMatch(/^passed with \d+ tolerated failure/);
    } else {
      expect(reports.json.status, what).not.toBe('passed');
      expect(reports.console, what).toMatch(/Drill (failed|aborted) \(exit 1\)/);
    }
  });
});

/** A URL on a port nothing listens on: bind one, then close it. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
