import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeasureResult } from '../../src/engine/measure-result.js';
import { createPolicyGate } from '../../src/engine/policy-gate.js';
import { createConsoleReporter } from '../../src/report/console.js';
import { formatDuration } from '../../src/runbook/duration.js';
import { drill, yamlRunbook } from '../support/drill.js';
import { caseCalled, reportsOf } from '../support/reports-of.js';

/** A service that breaks on POST /break and heals itself HEAL_MS later. */
const HEAL_MS = 700;
let server: Server;
let base: string;
let healsAt = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/break') healsAt = Date.now() + HEAL_MS;
    const healthy = Date.now() >= healsAt;
    res.writeHead(healthy ? 200 : 503).end(healthy ? 'ok' : 'down');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const runbookText = (maxRecovery: string) => `drillbook: 1
name: measured
steps:
  - id: break
    confirm: Break the service?
    http: { url: "${base}/break", method: POST, expect: { status: [200, 503] } }
  - id: recovers
    http: { url: "${base}/health", within: 20s, interval: 200ms }
  - id: waits
    wait: { until: { http: "${base}/health" }, within: 5s, interval: 300ms }
  - id: optional
    run: exit 3
    continue_on_error: true
  - id: never
    when: "false"
    run: "true"
measures:
  - { name: recovery, from: break.pass, to: recovers.observed, max: ${maxRecovery} }
  - { name: approval to recovery, from: break.approved, to: recovers.observed }
  - { name: waited, from: recovers.end, to: waits.observed }
  - { name: optional passed, from: break.end, to: optional.pass }
  - { name: never started, from: never.start, to: recovers.end, max: 1h }
`;

async function run(maxRecovery: string) {
  const runbook = await yamlRunbook(runbookText(maxRecovery));
  const result = await drill(runbook, { gate: createPolicyGate({ yes: false, approve: ['break'] }) });
  const reports = await reportsOf(result.events);
  const measures = result.events.flatMap((e) => (e.type === 'measures' ? [e.measures] : []));
  return { result, reports, measures };
}

const byName = (measures: MeasureResult[], name: string) => measures.find((m) => m.name === name)!;

describe('measures in a real run (in-process engine, a real local HTTP service)', () => {
  it('journals one measures event before run-end; an objective never measured fails the drill everywhere', async () => {
    const { result, reports, measures } = await run('1m');
    expect(measures).toHaveLength(1);
    const events = result.events.map((e) => e.type);
    expect(events.indexOf('measures')).toBe(events.length - 2);
    const [list] = measures;
    const recovery = byName(list!, 'recovery');
    // The service heals HEAL_MS after the break; the poll sees it within one interval (+ slack).
    expect(recovery.verdict).toBe('met');
    expect(recovery.resolutionMs).toBe(200);
    // Never before it healed (a broken service never counts as recovered), and within one
    // poll interval plus a loaded machine's slack after.
    expect(recovery.toTime).toBeGreaterThanOrEqual(healsAt);
    expect(recovery.toTime! - healsAt).toBeLessThan(200 + 1500);
    expect(recovery.valueMs).toBe(recovery.toTime! - recovery.fromTime!);
    expect(recovery.valueMs).toBeGreaterThan(HEAL_MS / 2);
    expect(byName(list!, 'approval to recovery').valueMs).toBeGreaterThanOrEqual(recovery.valueMs!);
    expect(byName(list!, 'waited')).toMatchObject({ verdict: 'measured', resolutionMs: 300 });
    // A tolerated failure never passed; a step skipped by `when` never started.
    expect(byName(list!, 'optional passed')).toMatchObject({ verdict: 'not measured', maxMs: null });
    expect(byName(list!, 'never started')).toMatchObject({ verdict: 'not measured', maxMs: 3_600_000 });
    expect(result.end).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(result.end.reason).toBe('RTO never started not measured: never.start never happened');

    expect(reports.console).toMatch(/Measures:\n {2}recovery +(\d+ms|[\d.]+s) ± 200ms +max 1m +met\n/);
    expect(reports.console).toMatch(
      / {2}never started +not measured +max 1h +NOT MEASURED \(never\.start never happened\)/,
    );
    expect(reports.console).toMatch(/Drill failed \(exit 1\).*: RTO never started not measured/);
    expect(reports.json.measures).toEqual(list);
    expect(reports.json.status).toBe('failed');
    expect(caseCalled(reports, 'recovery').failure).toBeUndefined();
    expect(caseCalled(reports, 'never started').failure).toEqual({
      type: 'not-measured',
      message: 'RTO never started not measured: never.start never happened',
    });
    // Only measures with a max are testcases; every measure is a property.
    expect(reports.cases.map((c) => c.name)).not.toContain('waited');
    expect(reports.junit).toContain('<testcase classname="measured.measures" name="recovery"');
    expect(reports.junit).toMatch(
      /<property name="drillbook\.measure\.waited" value="waited: \d+ms ± 300ms measured; from recovers\.end to waits\.observed"\/>/,
    );
    // -v says when a polling step first saw its condition hold.
    let verbose = '';
    const reporter = createConsoleReporter({
      out: { write: (t: string) => (verbose += t) },
      color: false,
      verbose: true,
    });
    for (const e of result.events) reporter(e);
    expect(verbose).toMatch(/\[2\/5\] seen +recovers: condition first held \(± 200ms\)\n/);
    // The run failed through a measure: no extra "drill outcome" case counts it twice.
    expect(reports.cases.map((c) => c.name)).not.toContain('drill outcome');
  }, 60_000);

  it('a missed RTO fails a drill whose steps all passed: "RTO recovery 812ms > 1ms"', async () => {
    const { result, reports, measures } = await run('1ms');
    const recovery = byName(measures[0]!, 'recovery');
    expect(recovery.verdict).toBe('missed');
    const reason = `RTO recovery ${formatDuration(recovery.valueMs!)} > 1ms`;
    expect(result.end.reason?.startsWith(reason)).toBe(true);
    expect(caseCalled(reports, 'recovery').failure).toEqual({ type: 'rto-missed', message: reason });
    expect(reports.json.measures.find((m) => m.name === 'recovery')?.verdict).toBe('missed');
    expect(reports.console).toMatch(/ {2}recovery +(\d+ms|[\d.]+s) ± 200ms +max 1ms +MISSED/);
    expect(reports.console).toContain(`Drill failed (exit 1)`);
  }, 60_000);
});
