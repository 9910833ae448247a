import { faultLine } from '../engine/fs-fault.js';
import { JournalError, readJournal } from '../engine/journal-read.js';
import { createReportSink } from '../report/index.js';
import { EXIT } from './exit-codes.js';
import type { CommandIo } from './io.js';
import { reportPathProblem } from './report-paths.js';

/**
 * Rebuilds JUnit/JSON from a run's journal, e.g. after CI killed the job: a step that was
 * running when the journal ends is reported as interrupted. Exit code: the run's verdict
 * (1 when it never finished), so a pipeline can still fail on it.
 */
export async function reportCommand(
  args: { runDir: string; junit?: string; json?: string },
  io: CommandIo,
): Promise<number> {
  if (!args.junit && !args.json) {
    io.stderr.write('drillbook report: pass --junit FILE and/or --json FILE\n');
    return EXIT.usage;
  }
  const badPath = reportPathProblem(io.cwd, args);
  if (badPath) {
    io.stderr.write(`drillbook report: ${badPath}\n`);
    return EXIT.usage;
  }
  let journal: Awaited<ReturnType<typeof readJournal>>;
  try {
    journal = await readJournal(args.runDir);
  } catch (error) {
    if (!(error instanceof JournalError)) throw error;
    io.stderr.write(`drillbook report: ${error.message}\n`);
    return EXIT.usage;
  }
  const sink = createReportSink({ junit: args.junit, json: args.json });
  for (const event of journal.events) sink.add(event);
  const { written, failed } = await sink.finish();
  for (const path of written) io.stdout.write(`report: ${path}\n`);
  if (failed.length > 0) {
    io.stderr.write(`drillbook report: not written: ${failed.map(faultLine).join('; ')}\n`);
    return EXIT.failed;
  }
  const end = journal.events.findLast((e) => e.type === 'run-end');
  if (end?.type !== 'run-end') {
    io.stderr.write(
      `drillbook report: run ${journal.start.runId} did not finish; the step that was running is marked interrupted\n`,
    );
    return EXIT.failed;
  }
  return end.status === 'passed' ? EXIT.passed : EXIT.failed;
}
