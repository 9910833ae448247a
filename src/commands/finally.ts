import { resolve } from 'node:path';
import { JournalError, readJournal, resumeStateFrom } from '../engine/journal-read.js';
import { dropCutLastLine } from '../engine/journal-tail.js';
import { type PendingCleanup, pendingCleanup } from '../engine/pending-cleanup.js';
import { type RestoredSecrets, restoreSecrets } from '../engine/resume-secrets.js';
import { takeRunLockWithin } from '../engine/run-lock.js';
import { resumedSettings } from '../engine/run-settings.js';
import type { ActionRegistry } from '../plugin/contract.js';
import { formatDuration, POSITIVE, readDuration } from '../runbook/duration.js';
import type { Runbook } from '../runbook/model.js';
import { executeDrill } from './execute.js';
import { EXIT } from './exit-codes.js';
import type { CommandIo } from './io.js';
import { loadRecordedRunbook } from './recorded-runbook.js';
import { reportPathProblem } from './report-paths.js';
import { printUnrestorable } from './resume.js';
import type { SessionFlags } from './session-flags.js';

type Journal = Awaited<ReturnType<typeof readJournal>>;

/** `headless` is accepted as for resume; finally always runs headless. */
export interface FinallyArgs extends SessionFlags {
  runDir: string;
  /** Run every finally step (and every undo the run's --rollback wants) again. */
  force?: boolean | undefined;
  /** How long to wait for a run still going to end and let go of its directory (default: not at all). */
  wait?: string | undefined;
  failOnSkip?: boolean | undefined;
}

/**
 * `drillbook finally <run-dir>`: the cleanup a run never got to do because it was killed (a
 * CI abort's SIGKILL, a lost agent): the undo of the steps that acted and were not undone
 * (per the run's --rollback), then its finally steps that did not end. Appended to the same
 * journal, so `report` tells the whole story; headless; gates follow --yes/--approve as in
 * run. Exit 0 when the cleanup passed or there was nothing left to do, 1 when a step of it
 * failed, 2 when it cannot start (the run is still going, the runbook changed, a secret is
 * missing).
 */
export async function finallyCommand(args: FinallyArgs, io: CommandIo): Promise<number> {
  const say = (text: string) => io.stderr.write(`drillbook finally: ${text}\n`);
  let journal: Journal;
  try {
    journal = await readJournal(args.runDir);
  } catch (error) {
    if (!(error instanceof JournalError)) throw error;
    say(error.message);
    return EXIT.usage;
  }
  const badPath = reportPathProblem(io.cwd, { ...args, runbook: journal.meta.runbook });
  if (badPath) {
    say(`${badPath} (nothing was run)`);
    return EXIT.usage;
  }
  const wait = args.wait === undefined ? undefined : readDuration(args.wait, POSITIVE);
  if (wait && !wait.ok) {
    say(`--wait ${args.wait}: ${wait.message} (nothing was run)`);
    return EXIT.usage;
  }
  const waitMs = wait?.ok ? wait.ms : 0;
  const dir = resolve(io.cwd, args.runDir);
  const lock = await takeRunLockWithin(dir, waitMs, (pid) =>
    io.stdout.write(
      `drillbook finally: run ${journal.start.runId} is still going (drillbook pid ${pid}); waiting up to ${formatDuration(waitMs)} for it to end\n`,
    ),
  );
  if (!lock.ok) {
    say(
      `run ${journal.start.runId} is still going (drillbook pid ${lock.pid} holds ${args.runDir}); it runs its own rollback and finally when it ends or is stopped (SIGTERM); nothing was run${waitMs > 0 ? ` (waited ${formatDuration(waitMs)})` : ''}`,
    );
    return EXIT.usage;
  }
  try {
    // The run wrote more (its own rollback and finally, its end) while this one waited.
    if (lock.waited) journal = await readJournal(args.runDir);
    return await cleanUp(args, io, journal, dir);
  } catch (error) {
    if (!(error instanceof JournalError)) throw error;
    say(error.message);
    return EXIT.usage;
  } finally {
    lock.release();
  }
}

async function cleanUp(args: FinallyArgs, io: CommandIo, journal: Journal, dir: string): Promise<number> {
  const { meta, start } = journal;
  const say = (text: string) => io.stderr.write(`drillbook finally: ${text}\n`);
  const loaded = await loadRecordedRunbook(meta, io);
  if (loaded === EXIT.usage) return EXIT.usage;
  const { runbook, actions } = loaded;
  if (runbook.digest !== meta.digest) {
    say(
      `${meta.runbook} changed since run ${start.runId} started; its finally and undo steps may not be the ones that run did. Run them by hand, or restore that version of the runbook (nothing was run)`,
    );
    return EXIT.usage;
  }
  if (start.dryRun) {
    io.stdout.write(
      `drillbook finally: run ${start.runId} was a dry run; nothing ran, nothing to clean up\n`,
    );
    return EXIT.passed;
  }
  const pending = pendingCleanup(journal, runbook, args.force === true);
  if (pending.undo.length === 0 && pending.finallySteps.length === 0) {
    io.stdout.write(
      `drillbook finally: run ${start.runId} already ran its finally${runbook.finally.length === 0 ? ' (it has none)' : ''} and has no undo pending; nothing to do (--force runs the finally steps again)\n`,
    );
    return EXIT.passed;
  }
  const restored = restoreSecrets(journal, resumeStateFrom(journal), runbook.secrets, io.env);
  if (!restored.ok) {
    printUnrestorable(io, start.runId, restored);
    return EXIT.usage;
  }
  io.stdout.write(`drillbook finally: run ${start.runId}: ${describe(pending)}\n`);
  // A kill mid-write left a cut last line: appending after it would make it damage mid-file.
  dropCutLastLine(resolve(dir, 'journal.jsonl'));
  return runCleanup(args, io, { journal, dir, actions, runbook, pending, restored });
}

interface Prepared {
  journal: Journal;
  dir: string;
  actions: ActionRegistry;
  runbook: Runbook;
  pending: PendingCleanup;
  restored: Extract<RestoredSecrets, { ok: true }>;
}

/** Runs the cleanup through the same machinery as `run` (journal, reports, signals, faults). */
async function runCleanup(args: FinallyArgs, io: CommandIo, prepared: Prepared): Promise<number> {
  const { journal, dir, actions, runbook, pending, restored } = prepared;
  const { meta, start } = journal;
  let judged: { failed: boolean } | undefined;
  const cleanup = {
    ...pending.cleanup,
    verdict: (failure: string | undefined) => {
      judged = { failed: failure !== undefined };
      return pending.cleanup.verdict(failure);
    },
  };
  const code = await executeDrill(
    {
      actions,
      runbook,
      // Headless only: nobody is at a terminal after a CI abort.
      headless: true,
      color: args.color,
      timestamps: args.timestamps,
      junit: args.junit,
      json: args.json,
      html: args.html,
      yes: args.yes,
      approve: args.approve,
      settings: resumedSettings(meta, args.failOnSkip ?? false),
      varOverrides: restored.varOverrides,
      resume: restored.state,
      continueRun: { dir, runId: start.runId, events: journal.events, cleanup },
      // This command's verdict is the cleanup's; the run's own stays in its journal and reports.
      exitCode: () => (judged?.failed ? EXIT.failed : EXIT.passed),
    },
    io,
  );
  // The summary's verdict line is the run's; this one is this command's.
  if (judged)
    io.stdout.write(
      judged.failed
        ? `drillbook finally: a step of the cleanup failed (exit ${code}); see above\n`
        : `drillbook finally: the undo and finally steps ran (exit ${code}); the run's own verdict is unchanged\n`,
    );
  return code;
}

function describe(pending: PendingCleanup): string {
  const undo = pending.undo.map((s) => s.id);
  const fin = pending.finallySteps.map((s) => s.id);
  const parts = [
    ...(undo.length > 0 ? [`undo of ${undo.length} step(s) (${undo.reverse().join(', ')})`] : []),
    ...(fin.length > 0 ? [`${fin.length} finally step(s) (${fin.join(', ')})`] : []),
  ];
  return `running ${parts.join(', then ')}`;
}
