import { JournalError, readJournal, resumeStateFrom } from '../engine/journal-read.js';
import { type RestoredSecrets, restoreSecrets } from '../engine/resume-secrets.js';
import type { RollbackPolicy } from '../engine/runner.js';
import { RunbookError } from '../runbook/errors.js';
import { loadRunbook } from '../runbook/load.js';
import { executeDrill } from './execute.js';
import { EXIT } from './exit-codes.js';
import { type CommandIo, printRunbookError } from './io.js';
import { reportPathProblem } from './report-paths.js';

export interface ResumeArgs {
  runDir: string;
  headless: boolean;
  junit?: string;
  json?: string;
  html?: string;
  yes: boolean;
  approve?: string[];
  failOnSkip?: boolean;
  /** --no-color sets it false. */
  color?: boolean;
  timestamps?: 'iso' | 'elapsed';
}

/**
 * Continues an interrupted run: loads the same runbook (refusing it if it changed), skips
 * the main steps that passed, restores saved vars and step outputs, and runs the rest plus
 * finally. The continuation is journalled as a new run that names the one it resumes.
 */
export async function resumeCommand(args: ResumeArgs, io: CommandIo): Promise<number> {
  let journal: Awaited<ReturnType<typeof readJournal>>;
  try {
    journal = await readJournal(args.runDir);
  } catch (error) {
    if (!(error instanceof JournalError)) throw error;
    io.stderr.write(`drillbook resume: ${error.message}\n`);
    return EXIT.usage;
  }
  const { meta } = journal;
  const badPath = reportPathProblem(io.cwd, { ...args, runbook: meta.runbook });
  if (badPath) {
    io.stderr.write(`drillbook resume: ${badPath} (nothing was run)\n`);
    return EXIT.usage;
  }
  let runbook: Awaited<ReturnType<typeof loadRunbook>>;
  try {
    runbook = await loadRunbook(meta.runbook, { vars: meta.vars, env: io.env });
  } catch (error) {
    if (!(error instanceof RunbookError)) throw error;
    printRunbookError(io, error);
    return EXIT.usage;
  }
  if (runbook.digest !== meta.digest) {
    io.stderr.write(
      `drillbook resume: ${meta.runbook} changed since run ${journal.start.runId} started; resuming would mix two versions of the drill. Start a new run with \`drillbook run\` instead.\n`,
    );
    return EXIT.usage;
  }
  if (journal.finished) {
    const end = journal.events.findLast((e) => e.type === 'run-end');
    if (end?.type === 'run-end' && end.status === 'passed') {
      io.stderr.write(`drillbook resume: run ${journal.start.runId} already passed; nothing to resume\n`);
      return EXIT.usage;
    }
  }
  const restored = restoreSecrets(journal, resumeStateFrom(journal), runbook.secrets, io.env);
  if (!restored.ok) {
    printUnrestorable(io, journal.start.runId, restored);
    return EXIT.usage;
  }
  const { state } = restored;
  io.stdout.write(`resuming ${journal.start.runId}: ${state.passed.length} step(s) already passed\n`);
  return executeDrill(
    {
      runbook,
      headless: args.headless,
      color: args.color !== false,
      ...(args.timestamps === undefined ? {} : { timestamps: args.timestamps }),
      junit: args.junit,
      json: args.json,
      html: args.html,
      yes: args.yes,
      approve: args.approve ?? [],
      rollback: meta.rollback as RollbackPolicy,
      acceptNewHostKeys: meta.acceptNewHostKeys,
      only: meta.only,
      from: meta.from,
      skip: meta.skip,
      dryRun: false,
      failOnSkip: args.failOnSkip ?? false,
      varOverrides: restored.varOverrides,
      resume: state,
    },
    io,
  );
}

/** Why resume refuses: secrets it would have to run with as `***`. Never prints a value. */
function printUnrestorable(
  io: CommandIo,
  runId: string,
  problem: Extract<RestoredSecrets, { ok: false }>,
): void {
  if (problem.missing.length > 0)
    io.stderr.write(
      `drillbook resume: run ${runId} needs secret${problem.missing.length > 1 ? 's' : ''} that ${problem.missing.length > 1 ? 'are' : 'is'} not set: ${problem.missing.join(', ')} (read from the environment, never from the journal; export ${problem.missing.length > 1 ? 'them' : 'it'} and resume again; nothing was run)\n`,
    );
  for (const what of problem.lost)
    io.stderr.write(
      `drillbook resume: ${what} held a secret in an encoded form that cannot be put back from the environment; start a new run with \`drillbook run\` (nothing was run)\n`,
    );
}
