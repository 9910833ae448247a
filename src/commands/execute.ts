import { dirname, resolve } from 'node:path';
import type { CleanupOnly } from '../engine/cleanup-only.js';
import { type DrillDeadline, planDeadline } from '../engine/deadline.js';
import type { EngineEvent, RunEndEvent } from '../engine/events.js';
import { faultLine, type WriteFault } from '../engine/fs-fault.js';
import type { Gate } from '../engine/gate.js';
import { Journal, type JournalFs, RunDirError, type RunMeta, runDirFor } from '../engine/journal.js';
import { OutputSpool, type SpoolFs } from '../engine/output-spool.js';
import { createPolicyGate, withPreApprovals } from '../engine/policy-gate.js';
import { createRedactor, MIN_SECRET_LENGTH } from '../engine/redact.js';
import { takeRunLock } from '../engine/run-lock.js';
import { type RunSettings, recordedSettings } from '../engine/run-settings.js';
import { newRunId, type ResumeState, runDrill } from '../engine/runner.js';
import { createSealer, type SealedValue } from '../engine/sealed.js';
import { secretsFromEnv } from '../engine/secret-values.js';
import { onStopSignals, TwoStageStop } from '../engine/two-stage-stop.js';
import { visibleForm } from '../engine/visible-text.js';
import { isInteractive } from '../interactive.js';
import type { ActionRegistry } from '../plugin/contract.js';
import { flagValues, impliedSecrets } from '../plugin/declarations.js';
import { killAllGroups } from '../plugin/process.js';
import type { Runbook } from '../runbook/model.js';
import { unknownApprovals } from './approvals.js';
import type { DeadlineFlag } from './deadline-flag.js';
import { EXIT } from './exit-codes.js';
import { noteRunDir } from './internal-error.js';
import type { CommandIo } from './io.js';
import { runDirTaken } from './run-dir.js';
import { droppingFailures } from './safe-output.js';
import type { SessionFlags } from './session-flags.js';

/**
 * --var values as meta.json keeps them: redacted, and sealed (secret named, never written)
 * when they hold a secret, so `resume` can put the secret back from the environment.
 */
function varsForMeta(
  vars: Record<string, string>,
  secrets: Record<string, string>,
): Pick<RunMeta, 'vars' | 'secretVars'> {
  const { redact } = createRedactor(Object.values(secrets));
  const { seal } = createSealer(secrets);
  const secretVars: Record<string, SealedValue> = {};
  for (const [name, value] of Object.entries(vars)) {
    const sealed = seal(value);
    if (sealed) secretVars[name] = sealed;
  }
  return {
    vars: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, redact(v)])),
    ...(Object.keys(secretVars).length > 0 ? { secretVars } : {}),
  };
}

export interface ExecuteOptions extends SessionFlags {
  runbook: Runbook;
  /** The actions the runbook was loaded with (the command's registry). */
  actions: ActionRegistry;
  settings: RunSettings;
  /** Overrides given with --var, kept in the journal so resume uses them again. */
  varOverrides: Record<string, string>;
  resume?: ResumeState;
  /** `--run-dir` / DRILLBOOK_RUN_DIR: the run's directory, relative to cwd; one run per directory. */
  runDir?: string | undefined;
  /** `--deadline`: checked against the runbook's finally_budget before anything runs. */
  deadline?: DeadlineFlag;
  /** `drillbook finally`: run only this cleanup, appended to an earlier run's journal. */
  continueRun?: ContinuedRun;
  /** The command's exit code from the run's end (default: the run's own exit code). */
  exitCode?: (end: RunEndEvent) => number;
  /** Fault-injection seam for tests: the journal's writes go through it. */
  journalFs?: JournalFs;
  /** Fault-injection seam for tests: the step output copies' writes go through it. */
  spoolFs?: SpoolFs;
}

/**
 * Runs a loaded runbook: headless or TUI, with the journal, the reports and signal
 * handling around the engine. Returns the exit code.
 */
export async function executeDrill(options: ExecuteOptions, io: CommandIo): Promise<number> {
  const { runbook } = options;
  const missing = runbook.secrets.filter((name) => !io.env[name]);
  // A dry run uses no secret (templates naming one stay as written), like validate and plan.
  if (missing.length > 0 && options.settings.dryRun)
    io.stderr.write(
      `${runbook.file}: dry run: secret${missing.length > 1 ? 's' : ''} not set: ${missing.join(', ')} (a real run needs ${missing.length > 1 ? 'them' : 'it'})\n`,
    );
  else if (missing.length > 0) {
    io.stderr.write(
      `${runbook.file}: secret${missing.length > 1 ? 's' : ''} not set: ${missing.join(', ')} (declared under secrets:, read from the environment; nothing was run)\n`,
    );
    return EXIT.usage;
  }
  const short = runbook.secrets.filter((name) => (io.env[name] ?? '').length < MIN_SECRET_LENGTH);
  if (short.length > 0)
    io.stderr.write(
      `drillbook: warning: secret ${short.join(', ')} is shorter than ${MIN_SECRET_LENGTH} characters and will not be redacted (it would mask ordinary output)\n`,
    );
  const unprintable = runbook.secrets.filter(
    (name) => !short.includes(name) && visibleForm(io.env[name] ?? '').length < MIN_SECRET_LENGTH,
  );
  if (unprintable.length > 0)
    io.stderr.write(
      `drillbook: warning: secret ${unprintable.join(', ')} has fewer than ${MIN_SECRET_LENGTH} printable characters and will not be redacted (secrets are looked for as output reads with escapes and control characters stripped)\n`,
    );
  const { from, only, skip } = options.settings;
  if (from && !runbook.steps.some((s) => s.id === from)) {
    io.stderr.write(
      `--from ${from}: no step with that id (ids: ${runbook.steps.map((s) => s.id).join(', ')})\n`,
    );
    return EXIT.usage;
  }
  const unknown = unknownApprovals(runbook, options.approve ?? [], io.env['DRILLBOOK_APPROVE']);
  if (unknown.length > 0) {
    for (const message of unknown) io.stderr.write(`${message}\n`);
    io.stderr.write('drillbook: nothing was run\n');
    return EXIT.usage;
  }
  for (const id of [...(only ?? []), ...(skip ?? [])]) {
    if (!runbook.steps.some((s) => s.id === id)) {
      io.stderr.write(
        `--only/--skip ${id}: no step with that id (ids: ${runbook.steps.map((s) => s.id).join(', ')})\n`,
      );
      return EXIT.usage;
    }
  }

  const deadline = deadlineOf(options);
  if (typeof deadline === 'string') {
    io.stderr.write(`drillbook: ${deadline}\n`);
    return EXIT.usage;
  }
  const { continueRun } = options;
  const runId = continueRun?.runId ?? newRunId();
  const runDir =
    continueRun?.dir ??
    (options.runDir ? resolve(io.cwd, options.runDir) : runDirFor(io.cwd, runId, runbook.name));
  const taken = options.runDir && !continueRun ? runDirTaken(runDir) : undefined;
  if (taken) {
    io.stderr.write(
      `drillbook: --run-dir ${options.runDir}: ${taken}; each run needs a directory of its own (e.g. one per build: --run-dir drill-runs/$BUILD_NUMBER); nothing was run\n`,
    );
    return EXIT.usage;
  }
  const meta: RunMeta = {
    runbook: resolve(io.cwd, runbook.file),
    digest: runbook.digest,
    // A secret passed with --var would otherwise sit in meta.json in clear.
    ...varsForMeta(
      options.varOverrides,
      secretsFromEnv(runbook.secrets, io.env, impliedSecrets(options.actions)),
    ),
    ...recordedSettings(options.settings),
  };
  // A journal that cannot be written stops the drill as an abort would: no new step starts,
  // rollback and finally still run (their output kept in memory for the reports).
  const journalFault = new AbortController();
  let journal: Journal;
  try {
    journal = new Journal(runDir, meta, {
      onFault: (fault) => journalFault.abort(`cannot write the journal ${fault.path}: ${fault.why}`),
      ...(options.journalFs ? { fs: options.journalFs } : {}),
      ...(continueRun ? { append: true as const } : {}),
    });
  } catch (error) {
    if (!(error instanceof RunDirError)) throw error;
    // Nothing has been done yet, and a drill whose record cannot be kept cannot be resumed,
    // reported after a kill, or audited: refuse now rather than find out at step 3.
    io.stderr.write(
      `drillbook: cannot create the run's record: ${error.message}; nothing was run (run drillbook from a writable directory: the runbook's own paths are relative to the runbook, not to it)\n`,
    );
    return EXIT.usage;
  }
  noteRunDir(runDir);
  // `drillbook finally` holds the lock already; a new run takes it for its whole life.
  const lock = continueRun ? undefined : takeRunLock(runDir);
  // A copy of every step's whole output for `o` in the TUI; losing it never stops the drill.
  const spool = new OutputSpool(runDir, options.spoolFs ? { fs: options.spoolFs } : {});
  const { createReportSink } = await import('../report/index.js');
  const reports = createReportSink({
    junit: options.junit,
    json: options.json,
    html: options.html,
    runsDir: dirname(runDir),
  });
  // The reports of a continued run tell its whole story, from its first event.
  for (const event of continueRun?.events ?? []) reports.add(event);
  const record = (event: EngineEvent) => {
    journal.write(event);
    spool.write(event);
    reports.add(event);
  };

  const start = (
    gate: Gate,
    onEvent: (e: EngineEvent) => void,
    signal: AbortSignal,
    forceSignal?: AbortSignal,
  ) =>
    runDrill({
      runbook,
      actions: options.actions,
      gate,
      signal: AbortSignal.any([signal, journalFault.signal]),
      ...(forceSignal ? { forceSignal } : {}),
      onEvent: (event) => {
        record(event);
        onEvent(event);
      },
      settings: options.settings,
      flags: flagValues(options.actions, { 'accept-new-host-keys': options.settings.acceptNewHostKeys }),
      env: io.env,
      runId,
      ...(options.resume ? { resume: options.resume } : {}),
      ...(deadline ? { deadline } : {}),
      ...(continueRun ? { cleanupOnly: continueRun.cleanup } : {}),
    });

  let faults: WriteFault[] = [];
  const finish = async (): Promise<string[]> => {
    journal.close();
    spool.close();
    const { written, failed } = await reports.finish();
    faults = [...(journal.fault ? [journal.fault] : []), ...failed];
    return [...written.map((p) => resolve(io.cwd, p)), ...(journal.fault ? [] : [journal.path])];
  };

  try {
    const code = await runWithUi(options, io, start, finish, (id) => spool.pathFor(id));
    if (spool.fault)
      droppingFailures(io.stderr).write(
        `drillbook: not written (the drill's verdict stands): ${faultLine(spool.fault)}\n`,
      );
    if (faults.length === 0) return code;
    // One line for everything that could not be written; a drill whose record is lost never passes.
    droppingFailures(io.stderr).write(`drillbook: not written: ${faults.map(faultLine).join('; ')}\n`);
    return code === EXIT.passed ? EXIT.failed : code;
  } finally {
    killAllGroups();
    noteRunDir(undefined);
    if (lock?.ok) lock.release();
  }
}

/** An earlier run that `drillbook finally` continues in its own run directory and journal. */
export interface ContinuedRun {
  dir: string;
  runId: string;
  /** Its journal as read: fed to the reports (and the console's summary) first. */
  events: EngineEvent[];
  cleanup: CleanupOnly;
}

/** The run's deadline, or why the runbook's finally_budget leaves it no time (exit 2). */
function deadlineOf(options: ExecuteOptions): DrillDeadline | string | undefined {
  if (!options.deadline) return undefined;
  const { startedAt, total, written } = options.deadline;
  const plan = planDeadline(startedAt, total, written, options.runbook);
  return plan.ok ? plan.deadline : plan.message;
}

type StartDrill = (
  gate: Gate,
  onEvent: (e: EngineEvent) => void,
  signal: AbortSignal,
  forceSignal?: AbortSignal,
) => Promise<RunEndEvent>;

async function runWithUi(
  options: ExecuteOptions,
  io: CommandIo,
  start: StartDrill,
  finish: () => Promise<string[]>,
  outputFile: (stepId: string) => string | undefined,
): Promise<number> {
  if (isInteractive({ headless: options.headless, stdin: io.stdin, stdout: io.stdout, env: io.env })) {
    const { runTui } = await import('../ui/index.js');
    const policy = { yes: options.yes, approve: options.approve ?? [], env: io.env['DRILLBOOK_APPROVE'] };
    const noColor = io.env['NO_COLOR'] !== undefined && io.env['NO_COLOR'] !== '';
    return await runTui({
      title: options.runbook.title,
      color: options.color !== false && !noColor,
      start: (gate, onEvent, signal, force) => start(withPreApprovals(policy, gate), onEvent, signal, force),
      finish,
      outputFile,
    });
  }
  return await runHeadless(options, io, start, finish);
}

async function runHeadless(
  options: ExecuteOptions,
  io: CommandIo,
  start: StartDrill,
  finish: () => Promise<string[]>,
): Promise<number> {
  const { createConsoleReporter, shouldUseColor } = await import('../report/index.js');
  const { timestamped } = await import('../report/timestamped.js');
  // A closed stdout (`| head`, a log pipe that died) or a full disk under `> log` must not
  // crash the drill mid-step: rollback, finally, the reports and the process-group cleanup
  // still have to run.
  io = { ...io, stdout: droppingFailures(io.stdout), stderr: droppingFailures(io.stderr) };
  const console = createConsoleReporter({
    out: io.stdout,
    color: options.color !== false && shouldUseColor(io.stdout, io.env),
    ...(options.timestamps === undefined ? {} : { timestamps: options.timestamps }),
    ...(options.continueRun ? { history: options.continueRun.events } : {}),
  });
  const gate = createPolicyGate({
    yes: options.yes,
    approve: options.approve ?? [],
    env: io.env['DRILLBOOK_APPROVE'],
  });
  const stop = new TwoStageStop({
    stopping: (sig) =>
      io.stderr.write(
        `\ndrillbook: ${sig}: stopping the drill; rollback and finally steps still run (${sig} again to stop those too)\n`,
      ),
    forcing: (sig) => io.stderr.write(`\ndrillbook: ${sig} again: stopping finally steps\n`),
  });
  const restoreSignals = onStopSignals(stop.request);
  try {
    const end = await start(gate, console, stop.signal, stop.forceSignal);
    const written = await finish();
    const stamped = options.timestamps ? timestamped(io.stdout, options.timestamps) : io.stdout;
    for (const path of written) stamped.write(`report: ${path}\n`);
    return options.exitCode ? options.exitCode(end) : end.exitCode;
  } finally {
    restoreSignals();
  }
}
