import type { EngineEvent } from '../engine/events.js';
import { type WriteFault, writeFault } from '../engine/fs-fault.js';
import { htmlPart } from './html/html-sink.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { RunReportBuilder } from './run-report.js';
import { writeReportFile } from './write-file.js';

export { shouldUseColor } from './color.js';
export { type ConsoleReporterOptions, createConsoleReporter } from './console.js';
export { type JsonReportV1, renderJson, toJsonReport } from './json.js';
export { type JunitOptions, renderJunit } from './junit.js';
export type { GateRecord, OutputRecord, RetryRecord, RunReport, StepReport } from './report-model.js';
export { RunReportBuilder, type RunReportOptions } from './run-report.js';
export { writeReportFile } from './write-file.js';

export interface ReportSink {
  /** Feed every engine event (live, or read back from a journal), in order. */
  add(event: EngineEvent): void;
  /**
   * Writes the requested files (atomically), JUnit first. Never throws for a file that cannot
   * be written: each report is written on its own, so a full disk under one does not cost
   * the other, and the ones that failed come back with the reason.
   */
  finish(): Promise<WrittenReports>;
}

export interface WrittenReports {
  written: string[];
  failed: WriteFault[];
}

/**
 * What the CLI hangs on a run for `--junit` / `--json` / `--html`, and what `drillbook report <run-dir>`
 * feeds the journal into. With no paths it still accepts events and writes nothing.
 */
export function createReportSink(paths: {
  junit?: string | undefined;
  json?: string | undefined;
  html?: string | undefined;
  /** The runs directory the HTML report takes earlier runs from, for its trends. */
  runsDir?: string | undefined;
}): ReportSink {
  const builder = new RunReportBuilder();
  const html = paths.html ? htmlPart(paths.runsDir) : undefined;
  return {
    add: (event) => {
      builder.add(event);
      html?.add(event);
    },
    async finish() {
      const report = builder.build();
      const result: WrittenReports = { written: [], failed: [] };
      const files = [
        { what: 'JUnit report', path: paths.junit, render: () => renderJunit(report) },
        { what: 'JSON report', path: paths.json, render: () => renderJson(report) },
        { what: 'HTML report', path: paths.html, render: () => html?.render(report) ?? '' },
      ];
      for (const { what, path, render } of files) {
        if (!path) continue;
        try {
          await writeReportFile(path, await render());
          result.written.push(path);
        } catch (error) {
          result.failed.push(writeFault(what, path, error));
        }
      }
      return result;
    },
  };
}
