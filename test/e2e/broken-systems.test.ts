import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrokenService, startBrokenService } from '../support/broken-service.js';
import { runCli, workspace } from '../support/cli.js';
import { caseNamed, jsonReport, junitCases } from './reports.js';

/**
 * A few rows of test/engine/broken-systems.test.ts end to end: the built CLI, its exit code
 * and the JUnit file it writes (schema-checked, read by junit2json), against a real server.
 */
let service: BrokenService;
beforeAll(async () => {
  service = await startBrokenService();
});
afterAll(() => service.close());

const ROWS = [
  {
    name: 'a stop condition on a broken service, in a drill shorter than `every`',
    runbook: `stop_when: {probes: [{id: budget, http: "URL/500"}]}
steps:
  - { id: work, run: sleep 1 }`,
    exit: 1,
    failing: 'stop condition: budget',
    type: 'stop-condition',
  },
  {
    name: 'steady state broken after the steps',
    runbook: `steady_state: [{ id: state, name: Service healthy, http: "URL/state/e2e" }]
steps: [{ id: break-it, http: { url: "URL/break/e2e", method: POST } }]`,
    exit: 1,
    failing: 'Steady state (after): Service healthy',
    type: 'failed',
  },
  {
    name: 'a failed restore that continue_on_error tolerates',
    runbook: `steps: [{ id: work, http: "URL/ok" }]
finally: [{ id: restore, name: Restore blue, http: "URL/500", continue_on_error: true }]`,
    exit: 0,
    failing: 'Restore blue',
    type: 'tolerated',
  },
];

describe('broken systems through the CLI', () => {
  it.each(ROWS)('$name: exit $exit', async (row) => {
    const ws = workspace();
    ws.write('rb.yaml', `drillbook: 1\nname: broken\n${row.runbook.replaceAll('URL', service.url)}\n`);
    const r = await runCli(['run', 'rb.yaml', '--junit', 'junit.xml', '--json', 'report.json'], {
      cwd: ws.dir,
      env: { CI: 'true' },
    });
    expect(r.code, r.stdout + r.stderr).toBe(row.exit);
    const failing = caseNamed(await junitCases(ws.path('junit.xml')), row.failing);
    expect(failing.failure).toBeDefined();
    expect(ws.read('junit.xml')).toMatch(new RegExp(`<failure [^>]*type="${row.type}"`));
    expect(jsonReport(ws.path('report.json')).exitCode).toBe(row.exit);
  });
});
