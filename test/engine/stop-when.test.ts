import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrokenService, startBrokenService } from '../support/broken-service.js';
import { drill, yamlRunbook } from '../support/drill.js';

let service: BrokenService;
beforeAll(async () => {
  service = await startBrokenService();
});
afterAll(() => service.close());

describe('stop_when: every probe is judged', () => {
  it('a drill shorter than `every` still checks its probes and fails on a broken one', async () => {
    const rb = await yamlRunbook(`
stop_when: {probes: [{id: budget, http: "${service.url}/500"}]}
steps:
  - { id: short, run: sleep 1 }
`);
    const r = await drill(rb);
    expect(service.hits('/500')).toBeGreaterThan(0);
    expect(r.end).toMatchObject({ status: 'aborted', exitCode: 1 });
    expect(r.end.reason).toContain('stop condition: budget');
    expect(r.events.some((e) => e.type === 'stop-tripped' && e.probeId === 'budget')).toBe(true);
  });

  it('a probe that hangs past its timeout trips, even when in flight as the steps end', async () => {
    const rb = await yamlRunbook(`
stop_when:
  every: 500ms
  probes: [{id: hung, http: {url: "${service.url}/hang", timeout: 1500ms}}]
steps:
  - { id: short, run: sleep 0.5 }
`);
    const started = Date.now();
    const r = await drill(rb);
    expect(r.end).toMatchObject({ status: 'aborted', exitCode: 1 });
    expect(r.end.reason).toMatch(/stop condition: hung: .*1\.5s/);
    // Bounded by the probe's timeout, not left waiting on the hung server.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a run probe stuck past its step timeout trips', async () => {
    const rb = await yamlRunbook(`
stop_when:
  every: 10s
  probes: [{id: stuck, run: sleep 30, timeout: 1s}]
steps:
  - { id: quick, run: "true" }
`);
    const r = await drill(rb);
    expect(r.end).toMatchObject({ status: 'aborted', exitCode: 1 });
    expect(r.end.reason).toContain('stop condition: stuck: no answer within 1.0s');
  });

  it('healthy probes are checked at the start and after the last step, and the drill passes', async () => {
    const before = service.hits('/ok');
    const rb = await yamlRunbook(`
stop_when: {every: 1h, probes: [{id: up, http: "${service.url}/ok"}]}
steps:
  - { id: one, run: "true" }
`);
    const r = await drill(rb);
    expect(r.end).toMatchObject({ status: 'passed', exitCode: 0 });
    // Once as the steps start, once after the last one (every: 1h never came round).
    expect(service.hits('/ok') - before).toBe(2);
  });

  it('a system that breaks during the last step is caught by the final check', async () => {
    const rb = await yamlRunbook(`
stop_when: {every: 1h, probes: [{id: state, name: Service state, http: "${service.url}/state/final"}]}
steps:
  - { id: break-it, http: {url: "${service.url}/break/final", method: POST} }
finally:
  - { id: cleanup, run: "true" }
`);
    const r = await drill(rb);
    expect(r.end).toMatchObject({ status: 'aborted', exitCode: 1 });
    expect(r.end.reason).toContain('stop condition: Service state');
    expect(r.ends.get('cleanup')?.status).toBe('passed');
  });
});
