import type { EngineEvent } from '../engine/events.js';
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
  /** Writes the requested files (atomically) and returns their paths, JUnit first. */
  finish(): Promise<string[]>;
}

/**
 * What the CLI hangs on a run for `--junit` / `--json`, and what `drillbook report <run-dir>`
 * feeds the journal into. With no paths it still accepts events and writes nothing.
 */
export function createReportSink(paths: {
  junit?: string | undefined;
  json?: string | undefined;
}): ReportSink {
  const builder = new RunReportBuilder();
  return {
    add: (event) => builder.add(event),
    async finish() {
      const report = builder.build();
      const written: string[] = [];
      if (paths.junit) {
        await writeReportFile(paths.junit, renderJunit(report));
        written.push(paths.junit);
      }
      if (paths.json) {
        await writeReportFile(paths.json, renderJson(report));
        written.push(paths.json);
      }
      return written;
    },
  };
}
