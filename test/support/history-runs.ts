import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeasureResult } from '../../src/engine/measure-result.js';

/** A measure as i18a's engine journals it (src/engine/measure-result.ts), for synthetic runs. */
export function measure(
  name: string,
  valueMs: number | null,
  more: Partial<MeasureResult> = {},
): MeasureResult {
  const maxMs = more.maxMs ?? null;
  const verdict =
    valueMs === null ? 'not measured' : maxMs === null ? 'measured' : valueMs > maxMs ? 'missed' : 'met';
  return {
    name,
    from: 'blackhole.start',
    to: 'dns-green.observed',
    valueMs,
    resolutionMs: 5000,
    maxMs,
    verdict,
    fromTime: valueMs === null ? null : 1_000,
    toTime: valueMs === null ? null : 1_000 + valueMs,
    ...more,
  };
}

export interface SyntheticRun {
  runId: string;
  /** Epoch ms of run-start. */
  time: number;
  runbook?: string;
  digest?: string;
  status?: 'passed' | 'failed' | 'aborted' | 'interrupted';
  durationMs?: number;
  /** Omitted: a run from before measures existed (no measures event at all). */
  measures?: MeasureResult[];
  /** Output lines to journal (a big run). */
  outputLines?: number;
}

/** The journal lines a real run of one `sh` step writes, plus a measures event (as i18a does). */
export function journalLines(run: SyntheticRun): string[] {
  const t = run.time;
  const end = t + (run.durationMs ?? 60_000);
  const runbook = {
    name: run.runbook ?? 'stage4',
    title: 'Stage 4',
    file: '/r/stage4.md',
    digest: run.digest ?? 'ab12cd34ef56',
  };
  const events: object[] = [
    {
      type: 'run-start',
      time: t,
      runId: run.runId,
      runbook,
      plan: [{ id: 'a', name: 'A', phase: 'main' }],
      vars: {},
    },
    {
      type: 'step-start',
      time: t + 1,
      stepId: 'a',
      name: 'A',
      phase: 'main',
      index: 1,
      total: 1,
      attempt: 1,
      summary: 'sh: true',
    },
  ];
  for (let i = 0; i < (run.outputLines ?? 1); i++)
    events.push({
      type: 'output',
      time: t + 2,
      stepId: 'a',
      stream: 'stdout',
      text: `line ${i} ${'x'.repeat(200)}\n`,
    });
  events.push({
    type: 'step-end',
    time: end - 1,
    stepId: 'a',
    name: 'A',
    phase: 'main',
    status: 'passed',
    durationMs: end - t - 2,
    attempts: 1,
  });
  if (run.measures) events.push({ type: 'measures', time: end - 1, measures: run.measures });
  if (run.status !== 'interrupted')
    events.push({
      type: 'run-end',
      time: end,
      status: run.status ?? 'passed',
      exitCode: run.status === 'passed' || !run.status ? 0 : 1,
    });
  return events.map((e) => JSON.stringify(e));
}

/** Writes `dir/<runId>-<runbook>/` with meta.json and journal.jsonl; returns the run dir. */
export function writeRunDir(dir: string, run: SyntheticRun): string {
  const runDir = join(dir, `${run.runId}-${run.runbook ?? 'stage4'}`);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(
    join(runDir, 'meta.json'),
    JSON.stringify({
      format: 1,
      runbook: '/r/stage4.md',
      digest: 'ab12',
      vars: {},
      rollback: 'on-failure',
      acceptNewHostKeys: false,
    }),
  );
  writeFileSync(join(runDir, 'journal.jsonl'), `${journalLines(run).join('\n')}\n`);
  return runDir;
}

/** A `--json` report as `drillbook run --json` writes it (the fields history reads, and measures). */
export function writeJsonReport(path: string, run: SyntheticRun): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const report = {
    schemaVersion: 1,
    generator: 'drillbook',
    runId: run.runId,
    runbook: {
      name: run.runbook ?? 'stage4',
      title: 'Stage 4',
      file: '/r/stage4.md',
      digest: run.digest ?? 'ab12cd34ef56',
    },
    status: run.status ?? 'passed',
    verdict: run.status ?? 'passed',
    complete: true,
    startedAt: new Date(run.time).toISOString(),
    endedAt: new Date(run.time + (run.durationMs ?? 60_000)).toISOString(),
    durationMs: run.durationMs ?? 60_000,
    steps: [],
    ...(run.measures ? { measures: run.measures } : {}),
  };
  writeFileSync(path, JSON.stringify(report, null, 2));
}
