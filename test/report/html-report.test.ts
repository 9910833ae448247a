import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import type { MeasureResult } from '../../src/engine/measure-result.js';
import { createPolicyGate } from '../../src/engine/policy-gate.js';
import { attr, text } from '../../src/report/html/html-text.js';
import { createReportSink } from '../../src/report/index.js';
import { terminalSafe } from '../../src/report/terminal-safe.js';
import { cleanText } from '../../src/report/xml-text.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { drill, yamlRunbook } from '../support/drill.js';
import { measure, writeRunDir } from '../support/history-runs.js';
import { DRILL_TOKEN, HTML_DRILL_YAML } from '../support/html-drill.js';
import { actions } from '../support/registry.js';
import { assertWellFormed, EXTERNAL, tagsOf } from '../support/well-formed.js';

/** The measures event the engine journals before run-end (i18a), planted into a real run's events. */
function withMeasures(events: EngineEvent[], measures: MeasureResult[]): EngineEvent[] {
  const end = events.findIndex((e) => e.type === 'run-end');
  const event = { type: 'measures', time: events[end]!.time, measures } as unknown as EngineEvent;
  return [...events.slice(0, end), event, ...events.slice(end)];
}

async function html(events: EngineEvent[], runsDir?: string): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'drillbook-html-')), 'report.html');
  const sink = createReportSink({ html: path, runsDir });
  for (const e of events) sink.add(e);
  const { written, failed } = await sink.finish();
  expect(failed).toEqual([]);
  expect(written).toEqual([path]);
  return readFileSync(path, 'utf8');
}

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const count = (page: string, pattern: RegExp) => (page.match(pattern) ?? []).length;

describe('the HTML report', () => {
  it('draws every step, the gate wait, undo, finally and the measures of a real run, offline', async () => {
    const runbook = await yamlRunbook(HTML_DRILL_YAML, { DRILL_TOKEN });
    const run = await drill(runbook, {
      gate: createPolicyGate({ yes: true, approve: [] }),
      env: { ...process.env, DRILL_TOKEN },
    });
    expect(run.end.status).toBe('failed');
    const at = (id: string, type: 'step-start' | 'step-end') =>
      run.events.find((e) => e.type === type && 'stepId' in e && e.stepId === id)!.time;
    const dnsMeasure = measure('blackhole -> DNS', at('dns', 'step-end') - at('blackhole', 'step-start'), {
      fromTime: at('blackhole', 'step-start'),
      toTime: at('dns', 'step-end'),
      maxMs: 60_000,
    });
    const missed = measure('deploy -> healthy', 900, {
      maxMs: 100,
      fromTime: at('deploy', 'step-start'),
      toTime: at('deploy', 'step-start') + 900,
    });
    const never = measure('verify -> pass', null, { maxMs: 1000 });
    // Earlier runs of the same runbook beside this one: the trend.
    const runsDir = mkdtempSync(join(tmpdir(), 'drillbook-runs-'));
    for (const i of [1, 2, 3])
      writeRunDir(runsDir, {
        runId: `earlier-${i}`,
        runbook: 'html-drill',
        time: Date.now() - i * 86_400_000,
        measures: [measure('blackhole -> DNS', 400 + i * 50)],
      });
    const page = await html(withMeasures(run.events, [dnsMeasure, missed, never]), runsDir);

    assertWellFormed(page);
    expect(page).not.toMatch(EXTERNAL);
    expect(page).not.toContain(DRILL_TOKEN);
    expect(page).toContain('token=***');
    expect(page).toMatch(/data-verdict="failed"/);
    // Every step that ran: a label, a bar and a note; the step that never ran: a label and "not run".
    for (const key of [
      'main:deploy',
      'main:blackhole',
      'main:checks',
      'main:dns',
      'main:health',
      'main:verify',
      'undo:undo/blackhole',
      'undo:undo/deploy',
      'finally:cleanup',
    ])
      expect(count(page, new RegExp(`<rect data-step="${key}"`, 'g')), key).toBeGreaterThanOrEqual(1);
    expect(page).toMatch(/<text data-step="main:never"[^>]*>not run<\/text>/);
    expect(count(page, /<rect data-step="main:blackhole" data-gate="approved"/g)).toBe(1);
    for (const section of ['Steps', 'Rollback (undo)', 'Finally'])
      expect(page).toContain(`>${section}</text>`);
    // Parallel members overlap: each on its own row, both starting with their group.
    expect(page).toMatch(/↳ DNS on green/);
    // Measures: a span and two guides each when measured; words when not.
    expect(count(page, /<line data-measure="blackhole -&gt; DNS"/g)).toBe(3);
    expect(page).toMatch(/not measured: blackhole\.start and dns-green\.observed never happened/);
    expect(page).toMatch(/900ms ± 5s &gt; 100ms/);
    // Gate decisions with who and when; failures with their output tail.
    expect(page).toMatch(/<td>Blackhole blue<\/td><td>[0-9T:.-]+Z<\/td><td>approved<\/td><td>yes-flag<\/td>/);
    expect(page).toMatch(
      /<h3 data-failure="main:verify">[\s\S]*command exited with status 3[\s\S]*checking 3\ngreen did not answer/,
    );
    // The trend: three earlier runs and this one.
    expect(page).toMatch(/<svg data-trend="blackhole -&gt; DNS"[\s\S]*?4 runs/);
    expect(page).not.toMatch(/data-trend="deploy/);
  }, 30_000);

  it('escapes hostile step names, messages, output and measure names', async () => {
    const evil = '</text><script>alert(1)</script><img src=x onerror=alert(2)>"\' &amp; ]]> \u202Egnp.exe';
    const t = 1_700_000_000_000;
    const events = [
      {
        type: 'run-start',
        time: t,
        runId: 'r1',
        runbook: { name: evil, title: evil, file: evil, digest: 'd' },
        plan: [{ id: 'a', name: evil, phase: 'main' }],
        vars: { v: evil },
      },
      { type: 'gate-request', time: t + 1, stepId: 'a', kind: 'confirm', message: evil },
      { type: 'gate-decision', time: t + 2, stepId: 'a', decision: 'approved', by: 'person', note: evil },
      {
        type: 'step-start',
        time: t + 3,
        stepId: 'a',
        name: evil,
        phase: 'main',
        index: 1,
        total: 1,
        attempt: 1,
        summary: evil,
      },
      {
        type: 'output',
        time: t + 4,
        stepId: 'a',
        stream: 'stdout',
        text: `\x1b[31m${evil}\x1b[0m\x00\x07 https://evil.example/x.js\n`,
      },
      {
        type: 'step-end',
        time: t + 5,
        stepId: 'a',
        name: evil,
        phase: 'main',
        status: 'failed',
        durationMs: 2,
        attempts: 1,
        reason: evil,
      },
      { type: 'stop-tripped', time: t + 5, probeId: 'probe', reason: evil },
      { type: 'run-end', time: t + 6, status: 'failed', exitCode: 1, reason: evil },
    ] as EngineEvent[];
    const page = await html(
      withMeasures(events, [measure(evil, 5, { from: evil, to: evil, fromTime: t, toTime: t + 5 })]),
    );
    assertWellFormed(page);
    for (const bad of ['<script', '<img', 'onerror=alert(2)>', '\u202E', '\x1b', '\x00'])
      expect(page, bad).not.toContain(bad);
    expect(page).toContain('&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('\\u202Egnp.exe');
    expect(page).toMatch(/<b>Stop condition<\/b><\/td><td>probe tripped at [0-9T:.-]+Z: &lt;\/text&gt;/);
    // The URL and `src=` are text (in a <pre>, a cell), never in a tag the page would load.
    expect(tagsOf(page).match(EXTERNAL)?.[0]).toBeUndefined();
    expect(tagsOf(page)).not.toMatch(/\son[a-z]+=/);
    expect(page).toContain('https://evil.example/x.js');
  });

  it('text and attribute escaping: nothing markup-like survives, and the words read back unchanged', () => {
    const decode = (s: string) =>
      s.replace(/&(amp|lt|gt|quot|#(\d+));/g, (_, name: string, code?: string) =>
        code
          ? String.fromCharCode(Number(code))
          : ({ amp: '&', lt: '<', gt: '>', quot: '"' } as Record<string, string>)[name]!,
      );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        const t = text(s);
        const a = attr(s);
        expect(t).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|#\d+);)/);
        expect(a).not.toMatch(/[<>"\n\t]|&(?!(amp|lt|gt|quot|#\d+);)/);
        expect(decode(t)).toBe(cleanText(terminalSafe(s)));
        expect(decode(a)).toBe(cleanText(terminalSafe(s)));
      }),
      { numRuns: 500 },
    );
  });

  it('stays under 300 KB for the Stage 4 drill when every step failed with megabytes of output', async () => {
    const runbook = await loadRunbook(actions, join(REPO_ROOT, 'runbooks', 'bookstore-stage4.md'), {
      env: {},
    });
    const steps = [
      ...runbook.steadyState.map((s) => ({ id: s.id, name: s.name, phase: 'steady-state-before' as const })),
      ...runbook.steps
        .flatMap((s) => [s, ...(s.kind === 'parallel' ? s.steps : [])])
        .map((s) => ({ id: s.id, name: s.name, phase: 'main' as const })),
      ...runbook.finally.map((s) => ({ id: s.id, name: s.name, phase: 'finally' as const })),
    ];
    expect(steps.length).toBeGreaterThan(20);
    const t = 1_700_000_000_000;
    const events: EngineEvent[] = [
      {
        type: 'run-start',
        time: t,
        runId: 'big',
        runbook: { name: runbook.name, title: runbook.title, file: runbook.file, digest: runbook.digest },
        plan: steps,
        vars: {},
      },
    ];
    steps.forEach((step, i) => {
      const at = t + i * 60_000;
      events.push({
        type: 'step-start',
        time: at,
        stepId: step.id,
        name: step.name,
        phase: step.phase,
        index: i + 1,
        total: steps.length,
        attempt: 1,
        summary: 'sh',
      });
      events.push({ type: 'gate-request', time: at + 1, stepId: step.id, kind: 'failed', message: 'retry?' });
      events.push({
        type: 'gate-decision',
        time: at + 2,
        stepId: step.id,
        decision: 'failed',
        by: 'person',
        note: 'n'.repeat(2000),
      });
      for (let k = 0; k < 20; k++)
        events.push({
          type: 'output',
          time: at + 3,
          stepId: step.id,
          stream: 'stdout',
          text: `${'<&>'.repeat(20_000)}\n`,
        });
      events.push({
        type: 'step-end',
        time: at + 50_000,
        stepId: step.id,
        name: step.name,
        phase: step.phase,
        status: 'failed',
        durationMs: 50_000,
        attempts: 1,
        reason: 'r'.repeat(5000),
        tolerated: true,
      });
    });
    events.push({ type: 'run-end', time: t + steps.length * 60_000, status: 'failed', exitCode: 1 });
    const ms = [
      'blue blackholed -> DNS on green',
      'blue shut down -> green serves',
      'attack halted -> blue healthy again',
    ].map((name, i) =>
      measure(name, 60_000 * (i + 1), {
        fromTime: t + 60_000 * i,
        toTime: t + 60_000 * (2 * i + 1),
        maxMs: 300_000,
      }),
    );
    const page = await html(withMeasures(events, ms));
    expect(Buffer.byteLength(page)).toBeLessThan(300 * 1024);
    expect(count(page, /<rect data-step="[^"]+" x=/g)).toBe(steps.length);
    assertWellFormed(page);
  });

  it('draws at most 500 steps of a runbook with thousands, and says how many more there are', async () => {
    const t = 1_700_000_000_000;
    const ids = Array.from({ length: 2000 }, (_, i) => `s${i}`);
    const events: EngineEvent[] = [
      {
        type: 'run-start',
        time: t,
        runId: 'many',
        runbook: { name: 'many', title: 'Many', file: 'x', digest: 'd' },
        plan: ids.map((id) => ({ id, name: id, phase: 'main' as const })),
        vars: {},
      },
      ...ids.flatMap((id, i): EngineEvent[] => [
        {
          type: 'step-start',
          time: t + i,
          stepId: id,
          name: id,
          phase: 'main',
          index: i + 1,
          total: ids.length,
          attempt: 1,
          summary: 'sh',
        },
        {
          type: 'step-end',
          time: t + i + 1,
          stepId: id,
          name: id,
          phase: 'main',
          status: 'passed',
          durationMs: 1,
          attempts: 1,
        },
      ]),
      { type: 'run-end', time: t + 3000, status: 'passed', exitCode: 0 },
    ];
    const page = await html(events);
    expect(count(page, /<rect data-step=/g)).toBe(500);
    expect(page).toContain('… and 1500 more steps, not drawn (see the JSON report)');
    expect(Buffer.byteLength(page)).toBeLessThan(300 * 1024);
  });
});
