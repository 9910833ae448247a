import type { MeasureResult } from '../engine/measure-result.js';

/** What `history` knows of one past run, from its journal or its JSON report. */
export interface RunRecord {
  /** The file or directory it was read from, for messages. */
  source: string;
  runId: string;
  runbook: { name: string; digest: string };
  /** Epoch ms. */
  startedAt: number;
  /** The run's status; `interrupted` when the journal stops before run-end. */
  status: string;
  durationMs: number;
  /** False when the run never finished (killed): its measures are absent, not zero. */
  complete: boolean;
  /** `--dry-run`: nothing ran, so its times say nothing; history leaves it out. */
  dryRun: boolean;
  /** Empty for runs recorded before measures existed, or runbooks without any. */
  measures: MeasureResult[];
}

/** A file `history` could not use: skipped with this one line, never fatal. */
export class HistorySkip extends Error {}

const VERDICTS = ['met', 'missed', 'measured', 'not measured'];

const isNumberOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));

/**
 * The measures of a journal event or JSON report, checked field by field: a hand-edited or
 * damaged file must be skipped with a reason, never draw NaN in a chart or crash a sparkline.
 */
export function readMeasures(value: unknown, where: string): MeasureResult[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new HistorySkip(`${where}: \`measures\` should be a list`);
  return value.map((m: unknown, i) => {
    const r = (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>;
    const ok =
      typeof r['name'] === 'string' &&
      typeof r['from'] === 'string' &&
      typeof r['to'] === 'string' &&
      isNumberOrNull(r['valueMs']) &&
      typeof r['resolutionMs'] === 'number' &&
      Number.isFinite(r['resolutionMs']) &&
      isNumberOrNull(r['maxMs']) &&
      VERDICTS.includes(r['verdict'] as string) &&
      isNumberOrNull(r['fromTime'] ?? null) &&
      isNumberOrNull(r['toTime'] ?? null);
    if (!ok) throw new HistorySkip(`${where}: \`measures[${i}]\` is not a measure drillbook wrote`);
    return {
      name: r['name'] as string,
      from: r['from'] as string,
      to: r['to'] as string,
      valueMs: r['valueMs'] as number | null,
      resolutionMs: r['resolutionMs'] as number,
      maxMs: r['maxMs'] as number | null,
      verdict: r['verdict'] as MeasureResult['verdict'],
      fromTime: (r['fromTime'] ?? null) as number | null,
      toTime: (r['toTime'] ?? null) as number | null,
    };
  });
}
