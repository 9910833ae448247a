import { dirname, resolve } from 'node:path';
import { faultLine } from '../engine/fs-fault.js';
import { JournalError, readJournal } from '../engine/journal-read.js';
import { palette, shouldUseColor } from '../report/color.js';
import { renderSummary } from '../report/console-summary.js';
import { createReportSink } from '../report/index.js';
import { RunReportBuilder } from '../report/run-report.js';
import { EXIT } from './exit-codes.js';
import type { CommandIo } from './io.js';
import { reportPathProblem } from './report-paths.js';

/**
 * Rebuilds JUnit/JSON from a run's journal (or, with neither, prints the summary table),
 * e.g. after CI killed the job: a step that was
 * running when the journal ends is reported as interrupted. Exit code: the run's verdict
 * (1 when it never finished), so a pipeline can still fail on it.
 */
export async function reportCommand(
  args: { runDir: string; junit?: string; json?: string; html?: string },
  io: CommandIo,
): Promise<number> {
  const badPath = reportPathProblem(io.cwd, args);
  if (badPath) {
    io.stderr.write(`drillbook report: ${badPath}\n`);
    return EXIT.usage;
  }
  let journal: Journal;
  try {
    journal = await readJournal(args.runDir);
  } catch (error) {
    if (!(error instanceof JournalError)) throw error;
    io.stderr.write(`drillbook report: ${error.message}\n`);
    return EXIT.usage;
  }
  if (!args.junit && !args.json && !args.html) return printSummary(journal, io);
  const sink = createReportSink({
    junit: args.junit,
    json: args.json,
    html: args.html,
    runsDir: dirname(resolve(io.cwd, args.runDir)),
  });
  for (const event of journal.events) sink.add(event);
  const { written, failed } = await sink.finish();
  for (const path of written) io.stdout.write(`report: ${path}\n`);
  if (failed.length > 0) {
    io.stderr.write(`drillbook report: not written: ${failed.map(faultLine).join('; ')}\n`);
    return EXIT.failed;
  }
  return verdictCode(journal, io);
}

type Journal = Awaited<ReturnType<typeof readJournal>>;

/** The run's verdict as an exit code; a run that never finished is a failure. */
function verdictCode(journal: Journal, io: CommandIo): number {
  const end = journal.events.findLast((e) => e.type === 'run-end');
  if (end?.type !== 'run-end') {
    io.stderr.write(
      `drillbook report: run ${journal.start.runId} did not finish; the step that was running is marked interrupted\n`,
    );
    return EXIT.failed;
  }
  return end.status === 'passed' ? EXIT.passed : EXIT.failed;
}

/**
 * Without --junit/--json: the summary table a headless run ends with, rebuilt from the
 * journal (which never holds a secret), so a person can see how a past run went.
 */
function printSummary(journal: Journal, io: CommandIo): number {
  const builder = new RunReportBuilder({ keepOutput: false });
  for (const event of journal.events) builder.add(event);
  io.stdout.write(renderSummary(builder.build(), palette(shouldUseColor(io.stdout, io.env))));
  return verdictCode(journal, io);
}
