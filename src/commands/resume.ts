import { JournalError, readJournal, resumeStateFrom } from '../engine/journal-read.js';
import { type RestoredSecrets, restoreSecrets } from '../engine/resume-secrets.js';
import { resumedSettings } from '../engine/run-settings.js';
import { readDeadlineFlag } from './deadline-flag.js';
import { executeDrill } from './execute.js';
import { EXIT } from './exit-codes.js';
import type { CommandIo } from './io.js';
import { loadRecordedRunbook } from './recorded-runbook.js';
import { reportPathProblem } from './report-paths.js';
import type { SessionFlags } from './session-flags.js';

export interface ResumeArgs extends SessionFlags {
  runDir: string;
  /** `--fail-on-skip`: not recorded, so given again (the rest comes from meta.json). */
  failOnSkip?: boolean | undefined;
  /** `--deadline`, counted from this command's start (env DRILLBOOK_DEADLINE). */
  deadline?: string | undefined;
}

/**
 * Continues an interrupted run: loads the same runbook (refusing it if it changed), skips
 * the main steps that passed, restores saved vars and step outputs, and runs the rest plus
 * finally. The continuation is journalled as a new run that names the one it resumes.
 */
export async function resumeCommand(args: ResumeArgs, io: CommandIo): Promise<number> {
  const deadline = readDeadlineFlag(args.deadline, io.env, Date.now());
  if (!deadline.ok) {
    io.stderr.write(`drillbook resume: ${deadline.message} (nothing was run)\n`);
    return EXIT.usage;
  }
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
  const loaded = await loadRecordedRunbook(meta, io);
  if (loaded === EXIT.usage) return EXIT.usage;
  const { runbook, actions } = loaded;
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
      actions,
      headless: args.headless,
      junit: args.junit,
      json: args.json,
      html: args.html,
      yes: args.yes,
      approve: args.approve,
      color: args.color,
      timestamps: args.timestamps,
      runbook,
      settings: resumedSettings(meta, args.failOnSkip ?? false),
      varOverrides: restored.varOverrides,
      resume: state,
      ...(deadline.deadline ? { deadline: deadline.deadline } : {}),
    },
    io,
  );
}

/** Why resume refuses: secrets it would have to run with as `***`. Never prints a value. */
export function printUnrestorable(
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
