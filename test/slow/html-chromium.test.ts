import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { createPolicyGate } from '../../src/engine/policy-gate.js';
import { createReportSink } from '../../src/report/index.js';
import { drill, yamlRunbook } from '../support/drill.js';
import { measure, writeRunDir } from '../support/history-runs.js';
import { DRILL_TOKEN, HTML_DRILL_YAML } from '../support/html-drill.js';
import { decodePng } from '../support/png.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const REQUIRED = process.env['DRILLBOOK_REQUIRE_CHROMIUM'] === '1';
if (!CHROMIUM && !REQUIRED)
  process.stderr.write(
    '\n!!! chromium is not installed: the HTML report is NOT opened in a browser (SKIPPED).\n!!! Install it (apt-get install -y chromium) or set DRILLBOOK_REQUIRE_CHROMIUM=1 to fail.\n',
  );

/** Headless Chromium, offline: no network services, a profile of its own, nothing kept. */
function chromium(args: string[], profile: string): string {
  const r = spawnSync(
    CHROMIUM!,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      ...args,
    ],
    { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0) throw new Error(`chromium failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

describe('the HTML report in a browser', () => {
  it.runIf(CHROMIUM || REQUIRED)(
    'Chromium draws the timeline of a real run: SVG elements for every step, a screenshot that is not blank',
    async () => {
      if (!CHROMIUM) throw new Error('DRILLBOOK_REQUIRE_CHROMIUM=1 but chromium is not installed');
      const dir = mkdtempSync(join(tmpdir(), 'drillbook-chromium-'));
      try {
        const runbook = await yamlRunbook(HTML_DRILL_YAML, { DRILL_TOKEN });
        const run = await drill(runbook, {
          gate: createPolicyGate({ yes: true, approve: [] }),
          env: { ...process.env, DRILL_TOKEN },
        });
        const time = (id: string, type: string) =>
          run.events.find((e) => e.type === type && 'stepId' in e && e.stepId === id)!.time;
        const from = time('blackhole', 'step-start');
        const to = time('dns', 'step-end');
        const end = run.events.findIndex((e) => e.type === 'run-end');
        const measures = [
          measure('blackhole -> DNS', to - from, { fromTime: from, toTime: to, maxMs: 60_000 }),
        ];
        const events = [
          ...run.events.slice(0, end),
          { type: 'measures', time: to, measures } as unknown as EngineEvent,
          ...run.events.slice(end),
        ];
        const runsDir = join(dir, 'runs');
        for (const i of [1, 2, 3, 4])
          writeRunDir(runsDir, {
            runId: `earlier-${i}`,
            runbook: 'html-drill',
            time: Date.now() - i * 3_600_000,
            measures: [measure('blackhole -> DNS', 500 + ((i * 137) % 300))],
          });
        const page = join(dir, 'report.html');
        const sink = createReportSink({ html: page, runsDir });
        for (const e of events) sink.add(e);
        expect((await sink.finish()).failed).toEqual([]);

        const dom = chromium(['--dump-dom', `file://${page}`], join(dir, 'profile-1'));
        const perStep = new Map<string, number>();
        for (const m of dom.matchAll(/<(rect|text|line)[^>]* data-step="([^"]+)"/g))
          perStep.set(m[2]!, (perStep.get(m[2]!) ?? 0) + 1);
        // Label, bar and note for each step that ran (the gated one also its gate wait);
        // label and "not run" for the one that did not.
        const started = run.events.filter((e) => e.type === 'step-start').length;
        expect(perStep.size).toBe(started + 1);
        for (const [key, n] of perStep) expect(n, key).toBeGreaterThanOrEqual(key === 'main:never' ? 2 : 3);
        expect(perStep.get('main:blackhole')).toBe(4);
        expect(dom).toMatch(/<svg data-trend="blackhole -&gt; DNS"/);

        // As a browser shows it, and as Jenkins serves it: its default Content-Security-Policy
        // (no inline style or script) given as a meta tag, which Chromium applies the same way.
        const csp = join(dir, 'report-csp.html');
        writeFileSync(
          csp,
          readFileSync(page, 'utf8').replace(
            '<head>',
            `<head>\n<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self'; style-src 'self';"/>`,
          ),
        );
        for (const [i, file] of [page, csp].entries()) {
          const shot = join(dir, `report-${i}.png`);
          chromium(
            ['--window-size=1100,1900', '--hide-scrollbars', `--screenshot=${shot}`, `file://${file}`],
            join(dir, `profile-s${i}`),
          );
          const colours = colourCounts(readFileSync(shot));
          // Text, bars of passed steps, the failed step and verdict in red: a page, not a blank.
          expect(colours.ink, file).toBeGreaterThan(2000);
          expect(colours.green, file).toBeGreaterThan(500);
          expect(colours.red, file).toBeGreaterThan(200);
          const keep = process.env['DRILLBOOK_KEEP_SCREENSHOT'];
          if (keep) writeFileSync(keep.replace(/\.png$/, `-${i}.png`), readFileSync(shot));
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    240_000,
  );
});

/** Dark (text), passed-green and failed-red pixels of a screenshot, every other pixel sampled. */
function colourCounts(file: Buffer): { ink: number; green: number; red: number } {
  const png = decodePng(file);
  const near = (v: number, want: number) => Math.abs(v - want) < 12;
  const counts = { ink: 0, green: 0, red: 0 };
  for (let y = 0; y < png.height; y += 2)
    for (let x = 0; x < png.width; x += 2) {
      const [r, g, b] = png.at(x, y);
      if (r + g + b < 600) counts.ink++;
      if (near(r, 0x2e) && near(g, 0x7d) && near(b, 0x32)) counts.green++;
      if (near(r, 0xc6) && near(g, 0x28) && near(b, 0x28)) counts.red++;
    }
  return counts;
}
