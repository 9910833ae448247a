import type { EngineEvent } from '../../engine/events.js';
import type { MeasureResult, MeasuresEvent } from '../../engine/measure-result.js';
import { loadHistory } from '../../history/load-history.js';
import type { RunReport } from '../report-model.js';
import { renderHtml } from './html-report.js';

/** Earlier runs a trend shows at most. */
const TREND_RUNS = 30;

export interface HtmlPart {
  add(event: EngineEvent): void;
  render(report: RunReport): Promise<string>;
}

/**
 * What `--html` adds to the report sink: the run's measures (from its `measures` event) and,
 * when `runsDir` is given, the earlier runs of the same runbook there for the trends. A runs
 * directory that cannot be read gives no trend, never a lost report.
 */
export function htmlPart(runsDir: string | undefined): HtmlPart {
  let measures: MeasureResult[] = [];
  return {
    add(event) {
      // Compared as a string: the measures event joins EngineEvent with the measures engine.
      if ((event as { type: string }).type === 'measures')
        measures = (event as unknown as MeasuresEvent).measures;
    },
    async render(report) {
      const history =
        runsDir === undefined || measures.length === 0
          ? []
          : await loadHistory(
              [runsDir],
              { runbook: report.runbook.name, limit: TREND_RUNS + 1, exceptRunId: report.runId },
              () => {},
            ).catch(() => []);
      return renderHtml({ report, measures, history: history.slice(-TREND_RUNS) });
    },
  };
}
