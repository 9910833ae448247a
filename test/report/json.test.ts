import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { type JsonReportV1, renderJson } from '../../src/report/json.js';
import { RunReportBuilder } from '../../src/report/run-report.js';
import { EventScript } from '../support/events.js';

function jsonOf(events: EngineEvent[]): { text: string; json: JsonReportV1 } {
  const builder = new RunReportBuilder();
  for (const e of events) builder.add(e);
  const text = renderJson(builder.build());
  return { text, json: JSON.parse(text) as JsonReportV1 };
}

describe('renderJson', () => {
  it('describes the run, its steps, gates, retries and outputs in a versioned shape', () => {
    const s = new EventScript().runStart(['check', 'deploy', 'verify'], { name: 'bookstore-stage4' });
    s.step('check', { output: 'ok\n', ms: 850 });
    s.gate('deploy', 'approved', 'approve-flag', 'approved by --approve deploy');
    s.stepStart('deploy').retry('deploy', 'exit 255', 2000).tick(2000).stepStart('deploy');
    s.output('deploy', 'done\n', { label: 'blue' }).tick(1000);
    s.stepEnd('deploy', 'failed', {
      reason: 'exit 1 on green',
      parts: [
        { label: 'blue', status: 'passed', durationMs: 900 },
        { label: 'green', status: 'failed', durationMs: 1000, reason: 'exit 1' },
      ],
    });
    s.runEnd('failed', 1, 'step deploy failed');
    const { text, json } = jsonOf(s.events);
    expect(text.endsWith('}\n')).toBe(true);
    expect(json).toMatchObject({
      schemaVersion: 1,
      generator: 'drillbook',
      runId: 'run-1',
      runbook: { name: 'bookstore-stage4', title: 'Demo drill', file: 'runbooks/bookstore-stage4.yaml' },
      status: 'failed',
      exitCode: 1,
      reason: 'step deploy failed',
      complete: true,
      startedAt: '2025-01-02T03:04:05.000Z',
      endedAt: '2025-01-02T03:04:08.850Z',
      durationMs: 3850,
      resumedFrom: null,
      counts: { total: 3, passed: 1, failed: 1, skipped: 0, interrupted: 0, notRun: 1 },
      stopTripped: [],
      otherOutput: null,
    });
    const [check, deploy, verify] = json.steps;
    expect(check).toMatchObject({
      id: 'check',
      status: 'passed',
      index: 1,
      total: 3,
      durationMs: 850,
      attempts: 1,
      outputs: [{ label: null, head: 'ok\n', tail: '', droppedBytes: 0, totalBytes: 3 }],
    });
    expect(deploy).toMatchObject({
      status: 'failed',
      attempts: 2,
      reason: 'exit 1 on green',
      gates: [
        {
          kind: 'confirm',
          decision: 'approved',
          by: 'approve-flag',
          note: 'approved by --approve deploy',
          text: 'gate (confirm) "Run deploy?": approved by --approve deploy [approved, approve-flag]',
        },
      ],
      retries: [{ at: '2025-01-02T03:04:05.850Z', attempt: 2, reason: 'exit 255', delayMs: 2000 }],
      parts: [
        { label: 'blue', status: 'passed', durationMs: 900 },
        { label: 'green', status: 'failed', durationMs: 1000, reason: 'exit 1' },
      ],
      outputs: [{ label: 'blue', head: 'done\n' }],
    });
    expect(verify).toMatchObject({
      status: 'skipped',
      notRun: true,
      startedAt: null,
      index: null,
      reason: 'not run: step deploy failed',
    });
  });

  it('keeps output bounded and says how much was dropped', () => {
    const s = new EventScript().runStart(['flood']).stepStart('flood');
    const chunk = `${'a'.repeat(999)}\n`;
    for (let i = 0; i < 2000; i++) s.output('flood', chunk);
    s.tick(1).stepEnd('flood').runEnd('passed');
    const { text, json } = jsonOf(s.events);
    const out = json.steps[0]!.outputs[0]!;
    expect(out.head.length + out.tail.length).toBe(128 * 1024);
    expect(out.totalBytes).toBe(2_000_000);
    expect(out.droppedBytes).toBe(2_000_000 - 128 * 1024);
    expect(text.length).toBeLessThan(200 * 1024);
  });

  it('says a killed run has no exit code', () => {
    const s = new EventScript().runStart(['a']).stepStart('a').tick(100).output('a', 'last words');
    const { json } = jsonOf(s.events);
    expect(json).toMatchObject({ status: 'interrupted', exitCode: null, complete: false });
    expect(json.steps[0]).toMatchObject({ status: 'interrupted', durationMs: 100 });
  });
});
